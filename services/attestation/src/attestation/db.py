"""Tables of the attestation service (its own database only)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Index, Integer, MetaData, Numeric, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from platform_shared.db import UTCDateTime
from platform_shared.directory import attach_directory_copy
from platform_shared.messaging.tables import attach_messaging_tables

from .domain.contracts import beneficiary_label
from .domain.eligibility import ReceiptPeriod


class Base(DeclarativeBase):
    metadata = MetaData()


class Product(Base):
    """An insurance product; its attestation templates and its prior-validation override."""

    __tablename__ = "products"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    # None: follow the global setting; True/False: this product's own choice.
    validation_required: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    validator_subs: Mapped[list[str]] = mapped_column(JSON, default=list)
    validator_role: Mapped[str | None] = mapped_column(String(64), nullable=True)
    # An issued attestation is valid this many days from the day it is generated (never past the contract's end).
    attestation_validity_days: Mapped[int] = mapped_column(Integer, default=365, server_default="365")
    # A validation task is due this many days after it opens.
    validation_due_days: Mapped[int] = mapped_column(Integer, default=3, server_default="3")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())

    templates: Mapped[list[ProductTemplate]] = relationship(
        order_by="ProductTemplate.position", cascade="all, delete-orphan", lazy="selectin"
    )


class ProductTemplate(Base):
    """A documents-service template offered on a product (name, entity and pdf_auto copied when saved)."""

    __tablename__ = "product_templates"

    product_id: Mapped[str] = mapped_column(String(36), ForeignKey("products.id", ondelete="CASCADE"), primary_key=True)
    template_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    position: Mapped[int] = mapped_column(Integer)
    extranet_title: Mapped[str | None] = mapped_column(String(200), nullable=True)
    template_name: Mapped[str] = mapped_column(String(200))
    entity: Mapped[str] = mapped_column(String(32))
    pdf_auto: Mapped[bool] = mapped_column(Boolean)
    # The language the template is written in (copied from the documents service): its values are written so.
    language: Mapped[str] = mapped_column(String(5), default="fr", server_default="fr")


class ValidationSetting(Base):
    """The global prior-validation setting (one row, id ``global``)."""

    __tablename__ = "validation_settings"

    id: Mapped[str] = mapped_column(String(16), primary_key=True)
    required: Mapped[bool] = mapped_column(Boolean)
    validator_subs: Mapped[list[str]] = mapped_column(JSON, default=list)
    validator_role: Mapped[str | None] = mapped_column(String(64), nullable=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Contract(Base):
    """A contract and its holder (the owner: name, postal address), which every attestation on it prints.

    A contract ``requested`` from the portal has no product nor start date until staff complete it.
    """

    __tablename__ = "contracts"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    number: Mapped[str] = mapped_column(String(64), unique=True)
    product_id: Mapped[str | None] = mapped_column(String(36), ForeignKey("products.id"), nullable=True)
    # The holder as a directory entry (issue 21), checked against the local copy: a person and/or a company.
    holder_person_id: Mapped[str | None] = mapped_column(String(36), nullable=True)
    holder_organisation_id: Mapped[str | None] = mapped_column(String(36), nullable=True)
    owner_sub: Mapped[str | None] = mapped_column(String(200), nullable=True)
    owner_org: Mapped[str | None] = mapped_column(String(200), nullable=True)
    owner_email: Mapped[str | None] = mapped_column(String(320), nullable=True)
    owner_name: Mapped[str | None] = mapped_column(String(200), nullable=True)
    address_line1: Mapped[str | None] = mapped_column(String(200), nullable=True)
    address_line2: Mapped[str | None] = mapped_column(String(200), nullable=True)
    postal_code: Mapped[str | None] = mapped_column(String(20), nullable=True)
    city: Mapped[str | None] = mapped_column(String(100), nullable=True)
    country: Mapped[str | None] = mapped_column(String(100), nullable=True)
    status: Mapped[str] = mapped_column(String(16))
    start_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    end_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    dossier_id: Mapped[str | None] = mapped_column(String(36), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())

    beneficiaries: Mapped[list[Beneficiary]] = relationship(
        order_by="Beneficiary.created_at", cascade="all, delete-orphan", lazy="selectin"
    )
    receipts: Mapped[list[Receipt]] = relationship(
        order_by="Receipt.period_start", cascade="all, delete-orphan", lazy="selectin"
    )

    __table_args__ = (
        Index("ix_contracts_owner_sub", "owner_sub"),
        Index("ix_contracts_owner_org", "owner_org"),
        Index("ix_contracts_created", "created_at", "id"),
        Index("ix_contracts_dossier", "dossier_id"),
        # The list's filters, each ending with its order (migration 0005_perf_indexes, issue 18).
        Index("ix_contracts_product", "product_id", "created_at", "id"),
        Index("ix_contracts_status", "status", "created_at", "id"),
        # GET /contracts?holder_id= (a person's or an organisation's page, migration 0006).
        Index("ix_contracts_holder_person", "holder_person_id", "created_at", "id"),
        Index("ix_contracts_holder_organisation", "holder_organisation_id", "created_at", "id"),
    )


class Beneficiary(Base):
    """A person (name, birth_date), vehicle (registration, make) or building (address) covered by a contract."""

    __tablename__ = "beneficiaries"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    contract_id: Mapped[str] = mapped_column(String(36), ForeignKey("contracts.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    attributes: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())

    @property
    def label(self) -> str:
        return beneficiary_label(self.kind, self.attributes)


class Receipt(Base):
    """A premium receipt (quittance): the period it covers, what is due and what was paid."""

    __tablename__ = "receipts"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    contract_id: Mapped[str] = mapped_column(String(36), ForeignKey("contracts.id", ondelete="CASCADE"), index=True)
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)
    amount_due: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    amount_paid: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())

    @property
    def period(self) -> ReceiptPeriod:
        return ReceiptPeriod(self.period_start, self.period_end, self.amount_due, self.amount_paid)

    @property
    def fully_paid(self) -> bool:
        return self.period.fully_paid


class AttestationRequest(Base):
    """A client's request and where its generation stands."""

    __tablename__ = "attestation_requests"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    contract_id: Mapped[str] = mapped_column(String(36), ForeignKey("contracts.id"))
    beneficiary_id: Mapped[str | None] = mapped_column(String(36), nullable=True)
    template_id: Mapped[str] = mapped_column(String(36))
    title: Mapped[str] = mapped_column(String(200))
    inputs: Mapped[dict[str, Any]] = mapped_column(JSON)
    client_sub: Mapped[str] = mapped_column(String(200))
    client_org: Mapped[str | None] = mapped_column(String(200), nullable=True)
    client_email: Mapped[str | None] = mapped_column(String(320), nullable=True)
    # The requester's own name (from their token): never printed, the holder is the contract's.
    client_name: Mapped[str | None] = mapped_column(String(200), nullable=True)
    # The language the requester reads (messages, emails) and the one the template is written in.
    client_language: Mapped[str | None] = mapped_column(String(5), nullable=True)
    template_language: Mapped[str] = mapped_column(String(5), default="fr", server_default="fr")
    validation_required: Mapped[bool] = mapped_column(Boolean)
    validator_subs: Mapped[list[str]] = mapped_column(JSON, default=list)
    validator_role: Mapped[str | None] = mapped_column(String(64), nullable=True)
    # generating, issued, pending_validation, approved, rejected, failed
    state: Mapped[str] = mapped_column(String(32))
    document_id: Mapped[str | None] = mapped_column(String(36), nullable=True)
    document_filename: Mapped[str | None] = mapped_column(String(255), nullable=True)
    # What the attestation prints and its verification page shows: the hash of its code (never the code),
    # the holder and contract number as printed, and the validity period.
    verification_hash: Mapped[str | None] = mapped_column(String(64), nullable=True)
    holder_name: Mapped[str | None] = mapped_column(String(200), nullable=True)
    contract_number: Mapped[str | None] = mapped_column(String(64), nullable=True)
    valid_from: Mapped[date | None] = mapped_column(Date, nullable=True)
    valid_until: Mapped[date | None] = mapped_column(Date, nullable=True)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    revoked_by: Mapped[str | None] = mapped_column(String(200), nullable=True)
    revocation_reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    # A document from a failed attempt, deleted by the worker before it tries again.
    discarded_document_id: Mapped[str | None] = mapped_column(String(36), nullable=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())

    __table_args__ = (
        Index("ix_attestation_requests_contract_id", "contract_id"),
        Index("ix_requests_state_next", "state", "next_attempt_at"),
        Index("ix_requests_document", "document_id"),
        Index("ix_requests_created", "created_at", "id"),
        Index("uq_requests_verification_hash", "verification_hash", unique=True),
    )


class ValidationTask(Base):
    """A request awaiting a staff decision: open, deciding (a decision is being applied), approved, rejected."""

    __tablename__ = "validation_tasks"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    request_id: Mapped[str] = mapped_column(String(36), ForeignKey("attestation_requests.id"), unique=True)
    contract_id: Mapped[str] = mapped_column(String(36))
    product_id: Mapped[str | None] = mapped_column(String(36), nullable=True)
    document_id: Mapped[str] = mapped_column(String(36))
    assignee_sub: Mapped[str | None] = mapped_column(String(200), nullable=True)
    due_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    validator_subs: Mapped[list[str]] = mapped_column(JSON, default=list)
    validator_role: Mapped[str | None] = mapped_column(String(64), nullable=True)
    state: Mapped[str] = mapped_column(String(16))
    # The decider's comment (on a rejection, the client reads it); the column kept its first name.
    comment: Mapped[str | None] = mapped_column("reason", Text, nullable=True)
    decided_by: Mapped[str | None] = mapped_column(String(200), nullable=True)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())

    __table_args__ = (
        Index("ix_tasks_state_created", "state", "created_at", "id"),
        Index("ix_tasks_assignee", "assignee_sub", "created_at", "id"),
        Index("ix_tasks_product", "product_id", "created_at", "id"),
        Index("ix_tasks_contract", "contract_id", "created_at", "id"),
    )

    # ``deciding`` is this service's own step while a decision is applied: to staff the task is still open.
    @property
    def shown_state(self) -> str:
        return "open" if self.state == "deciding" else self.state

    @property
    def shown_decided_at(self) -> datetime | None:
        return None if self.state == "deciding" else self.decided_at


class VerificationHit(Base):
    """How many verifications a client address made in one rate-limit window (the address only as a hash).

    In the service's database, so every gunicorn worker and replica counts against the same row.
    """

    __tablename__ = "verification_hits"

    client_key: Mapped[str] = mapped_column(String(64), primary_key=True)
    window_start: Mapped[datetime] = mapped_column(UTCDateTime(), primary_key=True)
    hits: Mapped[int] = mapped_column(Integer)

    __table_args__ = (Index("ix_verification_hits_window", "window_start"),)


attach_messaging_tables(Base.metadata)
attach_directory_copy(Base.metadata)
