"""Tables of the partner-gateway service (its own database only)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Index, Integer, MetaData, String, Text, false
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from platform_shared.db import UTCDateTime
from platform_shared.directory import attach_directory_copy
from platform_shared.messaging.tables import attach_messaging_tables


class Base(DeclarativeBase):
    metadata = MetaData()


class Partner(Base):
    """Someone an agent may solicit: internal (an agent, by ``agent_sub``) or external (acts from the portal)."""

    __tablename__ = "partners"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(320))
    kind: Mapped[str] = mapped_column(String(16))
    agent_sub: Mapped[str | None] = mapped_column(String(200), index=True)
    organisation: Mapped[str | None] = mapped_column(String(200))
    # The partner as a directory person (issue 21), checked against the local copy.
    person_id: Mapped[str | None] = mapped_column(String(36), index=True)
    created_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class DossierState(Base):
    """The gateway's copy of a dossier's status, kept from the dossier service's events."""

    __tablename__ = "dossier_states"

    dossier_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    status: Mapped[str] = mapped_column(String(64))
    partner_visible: Mapped[bool] = mapped_column(Boolean)
    closed: Mapped[bool] = mapped_column(Boolean, default=False)
    model_id: Mapped[str | None] = mapped_column(String(36))
    model_version: Mapped[int | None] = mapped_column(Integer)
    # What a partner's list screen shows (issue 14), kept from the same events.
    reference: Mapped[str | None] = mapped_column(String(32))
    title: Mapped[str | None] = mapped_column(String(300))
    status_label: Mapped[str | None] = mapped_column(String(200))
    as_of: Mapped[datetime] = mapped_column(UTCDateTime())


class Solicitation(Base):
    __tablename__ = "solicitations"
    __table_args__ = (
        Index("ix_solicitations_partner_sub", "partner_sub", "created_at", "id"),
        Index("ix_solicitations_dossier", "dossier_id", "created_at", "id"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    dossier_id: Mapped[str] = mapped_column(String(36))
    partner_id: Mapped[str] = mapped_column(ForeignKey("partners.id"))
    type: Mapped[str] = mapped_column(String(32))
    scope: Mapped[str] = mapped_column(String(200))
    due_date: Mapped[date] = mapped_column(Date)
    instructions: Mapped[str] = mapped_column(Text, default="")
    open_statuses: Mapped[list[str]] = mapped_column(JSON)
    confidential: Mapped[bool] = mapped_column(Boolean, default=False)
    state: Mapped[str] = mapped_column(String(16))
    partner_sub: Mapped[str | None] = mapped_column(String(200))
    attached_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    reminder_count: Mapped[int] = mapped_column(Integer, default=0)
    auto_reminded: Mapped[bool] = mapped_column(Boolean, default=False)
    # The key attaches only from an account whose email is the partner's (issue 14, optional).
    bound_to_email: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    declined_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    decline_reason: Mapped[str | None] = mapped_column(Text)
    changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class SolicitationOpenStatus(Base):
    """One row per status a solicitation is open in, so visibility is a plain join on both backends."""

    __tablename__ = "solicitation_open_statuses"

    solicitation_id: Mapped[str] = mapped_column(ForeignKey("solicitations.id"), primary_key=True)
    status: Mapped[str] = mapped_column(String(64), primary_key=True)


class AccessKey(Base):
    """The SHA-256 of an access key (never the key), what it opens, and its life."""

    __tablename__ = "access_keys"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    target_type: Mapped[str] = mapped_column(String(16))
    target_id: Mapped[str] = mapped_column(String(36), index=True)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    used_by: Mapped[str | None] = mapped_column(String(200))
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class AttachFailure(Base):
    """A failed ``POST /attach`` by one account (the lock-out counts them in a sliding window)."""

    __tablename__ = "attach_failures"
    __table_args__ = (Index("ix_attach_failures_account", "account_sub", "failed_at"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    account_sub: Mapped[str] = mapped_column(String(200))
    failed_at: Mapped[datetime] = mapped_column(UTCDateTime())


class AnswerVersion(Base):
    """One saved version of a partner's answer; the last one becomes final on submit."""

    __tablename__ = "answer_versions"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    solicitation_id: Mapped[str] = mapped_column(ForeignKey("solicitations.id"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    verdict: Mapped[str | None] = mapped_column(String(16))
    comment: Mapped[str | None] = mapped_column(Text)
    document_id: Mapped[str | None] = mapped_column(String(36))
    values: Mapped[dict[str, Any]] = mapped_column(JSON)
    submitted: Mapped[bool] = mapped_column(Boolean, default=False)
    saved_by: Mapped[str] = mapped_column(String(200))
    saved_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Invitation(Base):
    """A contributor (a role of the model) or a participant invited on a dossier."""

    __tablename__ = "invitations"
    __table_args__ = (
        Index("ix_invitations_account", "account_sub"),
        Index("ix_invitations_dossier", "dossier_id", "created_at", "id"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    dossier_id: Mapped[str] = mapped_column(String(36))
    kind: Mapped[str] = mapped_column(String(16))
    role: Mapped[str | None] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(320))
    notify: Mapped[bool] = mapped_column(Boolean)
    state: Mapped[str] = mapped_column(String(16))
    account_sub: Mapped[str | None] = mapped_column(String(200))
    attached_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    reminder_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    created_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class ProvidedPiece(Base):
    __tablename__ = "provided_pieces"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    invitation_id: Mapped[str] = mapped_column(ForeignKey("invitations.id"), index=True)
    piece_code: Mapped[str] = mapped_column(String(64))
    document_id: Mapped[str] = mapped_column(String(36))
    provided_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Filing(Base):
    """A dossier a partner filed on behalf of another person (the dossier's client once they claim it)."""

    __tablename__ = "filings"
    __table_args__ = (Index("ix_filings_filer", "filer_sub", "created_at", "id"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    dossier_id: Mapped[str] = mapped_column(String(36), unique=True)
    model_id: Mapped[str] = mapped_column(String(36))
    filer_sub: Mapped[str] = mapped_column(String(200))
    filer_name: Mapped[str | None] = mapped_column(String(200))
    filer_email: Mapped[str | None] = mapped_column(String(320))
    person_name: Mapped[str] = mapped_column(String(200))
    person_email: Mapped[str] = mapped_column(String(320))
    person_company: Mapped[str | None] = mapped_column(String(200))
    # How long the filer keeps access: "submission" or "closing" (the model's setting when filed).
    access_until: Mapped[str] = mapped_column(String(16))
    state: Mapped[str] = mapped_column(String(16))  # draft, submitted
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    claimed_by: Mapped[str | None] = mapped_column(String(200))
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class AuditEntry(Base):
    """Who did what, when, from which request, on a dossier (read by staff)."""

    __tablename__ = "audit_entries"
    __table_args__ = (Index("ix_audit_dossier", "dossier_id", "at", "id"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    dossier_id: Mapped[str] = mapped_column(String(36))
    actor_sub: Mapped[str] = mapped_column(String(200))
    actor_role: Mapped[str] = mapped_column(String(16))
    action: Mapped[str] = mapped_column(String(64))
    subject_id: Mapped[str | None] = mapped_column(String(36))
    request_id: Mapped[str | None] = mapped_column(String(128))
    details: Mapped[dict[str, Any]] = mapped_column(JSON)
    at: Mapped[datetime] = mapped_column(UTCDateTime())


attach_messaging_tables(Base.metadata)
attach_directory_copy(Base.metadata)
