"""Tables of the notification service (its own database only)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Index, Integer, MetaData, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from platform_shared.db import UTCDateTime
from platform_shared.directory import attach_directory_copy
from platform_shared.messaging.tables import attach_messaging_tables


class Base(DeclarativeBase):
    metadata = MetaData()


class ReceivedEvent(Base):
    """Every event the notification worker handled (type, dossier, correlation id)."""

    __tablename__ = "received_events"

    event_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    event_type: Mapped[str] = mapped_column(String(100))
    dossier_id: Mapped[str | None] = mapped_column(String(36))
    correlation_id: Mapped[str | None] = mapped_column(String(128))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Rule(Base):
    """An admin-configured rule: event type + filters -> recipients, channel, template."""

    __tablename__ = "rules"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    event_type: Mapped[str] = mapped_column(String(100), index=True)
    filters: Mapped[dict[str, Any]] = mapped_column(JSON)
    recipients: Mapped[dict[str, Any]] = mapped_column(JSON)
    channel: Mapped[str] = mapped_column(String(10))
    template: Mapped[str] = mapped_column(String(100))
    language: Mapped[str | None] = mapped_column(String(5))
    created_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class BuiltinSwitch(Base):
    """A built-in rule an admin switched off (or back on)."""

    __tablename__ = "builtin_switches"

    name: Mapped[str] = mapped_column(String(100), primary_key=True)
    enabled: Mapped[bool] = mapped_column(Boolean)
    changed_by: Mapped[str] = mapped_column(String(200))
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime())


class DossierCopy(Base):
    """What the notification service knows of a dossier, built only from events."""

    __tablename__ = "dossiers"

    dossier_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    reference: Mapped[str | None] = mapped_column(String(100))
    title: Mapped[str | None] = mapped_column(String(300))
    category: Mapped[str | None] = mapped_column(String(100))
    model_id: Mapped[str | None] = mapped_column(String(36))
    origin: Mapped[str | None] = mapped_column(String(20))
    status: Mapped[str | None] = mapped_column(String(64))
    status_label: Mapped[str | None] = mapped_column(String(200))
    client_visible: Mapped[bool] = mapped_column(Boolean, default=True)
    partner_visible: Mapped[bool] = mapped_column(Boolean, default=False)
    client_sub: Mapped[str | None] = mapped_column(String(200))
    client_org: Mapped[str | None] = mapped_column(String(200))
    client_email: Mapped[str | None] = mapped_column(String(320))
    assignee_sub: Mapped[str | None] = mapped_column(String(200))
    closed: Mapped[bool] = mapped_column(Boolean, default=False)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class DossierParty(Base):
    """A third party of a dossier: a solicited partner, a contributor or a participant."""

    __tablename__ = "dossier_parties"
    __table_args__ = (UniqueConstraint("kind", "party_id", name="uq_dossier_parties_kind_party"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    dossier_id: Mapped[str] = mapped_column(String(36), index=True)
    kind: Mapped[str] = mapped_column(String(20))  # partner / contributor / participant
    party_id: Mapped[str] = mapped_column(String(36))  # solicitation id or contributor id
    sub: Mapped[str | None] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(320))
    name: Mapped[str | None] = mapped_column(String(200))
    role: Mapped[str | None] = mapped_column(String(100))
    attached: Mapped[bool] = mapped_column(Boolean, default=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Contact(Base):
    """A person's address: learnt from events (by sub) or registered by an admin (with groups)."""

    __tablename__ = "contacts"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    sub: Mapped[str | None] = mapped_column(String(200), unique=True)
    email: Mapped[str] = mapped_column(String(320))
    name: Mapped[str | None] = mapped_column(String(200))
    role: Mapped[str | None] = mapped_column(String(20))
    language: Mapped[str | None] = mapped_column(String(5))
    groups: Mapped[list[str]] = mapped_column(JSON)
    registered: Mapped[bool] = mapped_column(Boolean, default=False)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Delivery(Base):
    """One email to one recipient for one event: the intent, then the outcome."""

    __tablename__ = "deliveries"
    __table_args__ = (
        UniqueConstraint("event_id", "recipient", "channel", name="uq_deliveries_event_recipient_channel"),
        Index("ix_deliveries_due", "status", "next_attempt_at"),
        Index("ix_deliveries_group", "group_key", "status"),
        # The admin's list, newest first, and its filters (migration 0006_perf_indexes, issue 18).
        Index("ix_deliveries_created", "created_at", "id"),
        Index("ix_deliveries_dossier", "dossier_id", "created_at", "id"),
        Index("ix_deliveries_status_created", "status", "created_at", "id"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    event_id: Mapped[str] = mapped_column(String(36), index=True)
    event_type: Mapped[str] = mapped_column(String(100))
    rule: Mapped[str] = mapped_column(String(100))
    recipient: Mapped[str] = mapped_column(String(320), index=True)
    recipient_sub: Mapped[str | None] = mapped_column(String(200))
    channel: Mapped[str] = mapped_column(String(10))
    template: Mapped[str] = mapped_column(String(100))
    language: Mapped[str] = mapped_column(String(5))
    dossier_id: Mapped[str | None] = mapped_column(String(36))
    group_key: Mapped[str | None] = mapped_column(String(700))
    context: Mapped[dict[str, Any]] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(20))  # pending / sending / sent / failed / skipped / unknown
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime())
    sent_with: Mapped[str | None] = mapped_column(String(36))  # the delivery whose email carried this one
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # An operator's choice to send again a delivery whose outcome was unknown (notification-ctl deliveries resend).
    resent_by: Mapped[str | None] = mapped_column(String(200))
    resent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class Notification(Base):
    """An in-app notification in a user's feed."""

    __tablename__ = "notifications"
    __table_args__ = (
        UniqueConstraint("event_id", "sub", name="uq_notifications_event_sub"),
        Index("ix_notifications_feed", "sub", "unread", "created_at", "id"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    sub: Mapped[str] = mapped_column(String(200))
    event_id: Mapped[str] = mapped_column(String(36))
    event_type: Mapped[str] = mapped_column(String(100))
    dossier_id: Mapped[str | None] = mapped_column(String(36))
    title: Mapped[str] = mapped_column(String(500))
    link: Mapped[str | None] = mapped_column(String(1000))
    unread: Mapped[int] = mapped_column(Integer)  # 1 unread, 0 read: sorts unread first
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    @property
    def read(self) -> bool:
        return not self.unread


class LiveEvent(Base):
    """One line of the live feed the stream (``GET /me/stream``) sends and replays after ``Last-Event-ID``.

    ``audience`` is ``sub:<sub>`` (one person) or ``staff`` (every agent and admin: staff see every dossier). The
    id grows with each row written (one writer at a time, see ``services/live.py``), so it is the SSE event id.
    """

    __tablename__ = "live_events"
    __table_args__ = (
        Index("ix_live_events_audience", "audience", "id"),
        Index("ix_live_events_created", "created_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    audience: Mapped[str] = mapped_column(String(210))
    kind: Mapped[str] = mapped_column(String(20))  # "notification" / "dossier"
    event_id: Mapped[str] = mapped_column(String(36))
    event_type: Mapped[str] = mapped_column(String(100))
    dossier_id: Mapped[str | None] = mapped_column(String(36))
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


attach_messaging_tables(Base.metadata)
attach_directory_copy(Base.metadata)
