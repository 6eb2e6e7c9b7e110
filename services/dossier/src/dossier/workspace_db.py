"""Tables of a dossier's workspace: quotes, orders, invoices and credit notes (one table, ``kind``), their lines
and payments; events and calendar feeds; expenses; activities; the dossier's third parties (participants).

Money is stored in integer cents, quantities in thousandths, VAT rates in basis points: never a float."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Boolean, Date, Index, Integer, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from platform_shared.db import UTCDateTime

from .db import Base


class FinanceDocument(Base):
    """A quote, an order, an invoice or a credit note of a dossier (``kind``), with its cached totals."""

    __tablename__ = "finance_documents"
    __table_args__ = (UniqueConstraint("organisation", "number", name="uq_finance_documents_organisation_number"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    dossier_id: Mapped[str] = mapped_column(String(36))
    kind: Mapped[str] = mapped_column(String(16))
    # Whose sequence the number is in: the dossier's client organisation ('' without one, and for documents
    # numbered before numbers were per organisation).
    organisation: Mapped[str] = mapped_column(String(200), default="", server_default=text("''"))
    # QUO-2026-0001: taken in the transaction that sends / creates / issues it, so a rollback leaves no gap; it
    # restarts per organisation and year.
    number: Mapped[str | None] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(24))
    currency: Mapped[str] = mapped_column(String(3))
    title: Mapped[str] = mapped_column(String(300), default="")
    # The quote an order comes from, the order an invoice comes from, the invoice a credit note corrects.
    source_id: Mapped[str | None] = mapped_column(String(36))
    net_cents: Mapped[int] = mapped_column(BigInteger)
    vat_cents: Mapped[int] = mapped_column(BigInteger)
    total_cents: Mapped[int] = mapped_column(BigInteger)
    paid_cents: Mapped[int] = mapped_column(BigInteger, default=0)
    credited_cents: Mapped[int] = mapped_column(BigInteger, default=0)
    valid_until: Mapped[date | None] = mapped_column(Date)
    due_on: Mapped[date | None] = mapped_column(Date)
    issued_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    pdf_document_id: Mapped[str | None] = mapped_column(String(36))
    created_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


Index("ix_finance_documents_dossier", FinanceDocument.dossier_id, FinanceDocument.kind, FinanceDocument.created_at)
Index("ix_finance_documents_source", FinanceDocument.source_id)


class FinanceCounter(Base):
    """The last quote / order / invoice / credit-note number per prefix, organisation and year (row-locked)."""

    __tablename__ = "finance_counters"

    prefix: Mapped[str] = mapped_column(String(16), primary_key=True)
    organisation: Mapped[str] = mapped_column(String(200), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    last_value: Mapped[int] = mapped_column(Integer)


class FinanceLine(Base):
    __tablename__ = "finance_lines"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    document_id: Mapped[str] = mapped_column(String(36))
    position: Mapped[int] = mapped_column(Integer)
    label: Mapped[str] = mapped_column(String(500))
    quantity_milli: Mapped[int] = mapped_column(BigInteger)
    unit: Mapped[str] = mapped_column(String(32), default="")
    unit_price_cents: Mapped[int] = mapped_column(BigInteger)
    vat_rate_bp: Mapped[int] = mapped_column(Integer)
    net_cents: Mapped[int] = mapped_column(BigInteger)
    vat_cents: Mapped[int] = mapped_column(BigInteger)
    total_cents: Mapped[int] = mapped_column(BigInteger)
    # The order line an invoice line bills, the invoice line a credit note line corrects.
    source_line_id: Mapped[str | None] = mapped_column(String(36))


Index("ix_finance_lines_document", FinanceLine.document_id, FinanceLine.position)
Index("ix_finance_lines_source", FinanceLine.source_line_id)


class Payment(Base):
    __tablename__ = "payments"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    invoice_id: Mapped[str] = mapped_column(String(36))
    amount_cents: Mapped[int] = mapped_column(BigInteger)
    paid_on: Mapped[date] = mapped_column(Date)
    method: Mapped[str] = mapped_column(String(32), default="")
    reference: Mapped[str] = mapped_column(String(100), default="")
    recorded_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


Index("ix_payments_invoice", Payment.invoice_id, Payment.created_at)


class DossierEvent(Base):
    """An appointment or a meeting of a dossier (``sequence`` counts its changes, as iCalendar's SEQUENCE)."""

    __tablename__ = "dossier_events"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    dossier_id: Mapped[str] = mapped_column(String(36))
    kind: Mapped[str] = mapped_column(String(16))
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime())
    timezone: Mapped[str] = mapped_column(String(64))
    location: Mapped[str] = mapped_column(String(300), default="")
    url: Mapped[str] = mapped_column(String(500), default="")
    attendees: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    sequence: Mapped[int] = mapped_column(Integer, default=0)
    created_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


Index("ix_dossier_events_dossier", DossierEvent.dossier_id, DossierEvent.starts_at, DossierEvent.id)
Index("ix_dossier_events_start", DossierEvent.starts_at)


class CalendarFeed(Base):
    """A person's secret iCalendar feed: only the SHA-256 of the token is kept; renewing revokes the old one."""

    __tablename__ = "calendar_feeds"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    sub: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(16))
    org: Mapped[str | None] = mapped_column(String(200))
    name: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


Index("ix_calendar_feeds_sub", CalendarFeed.sub)


class Expense(Base):
    __tablename__ = "expenses"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    dossier_id: Mapped[str] = mapped_column(String(36))
    spent_on: Mapped[date] = mapped_column(Date)
    label: Mapped[str] = mapped_column(String(300))
    category: Mapped[str] = mapped_column(String(32))
    currency: Mapped[str] = mapped_column(String(3))
    net_cents: Mapped[int] = mapped_column(BigInteger)
    vat_rate_bp: Mapped[int] = mapped_column(Integer)
    vat_cents: Mapped[int] = mapped_column(BigInteger)
    total_cents: Mapped[int] = mapped_column(BigInteger)
    billable: Mapped[bool] = mapped_column(Boolean)
    receipt_document_id: Mapped[str | None] = mapped_column(String(36))
    created_by: Mapped[str] = mapped_column(String(200))
    created_by_name: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


Index("ix_expenses_dossier", Expense.dossier_id, Expense.spent_on, Expense.id)


class Activity(Base):
    """Time spent on an order of the dossier."""

    __tablename__ = "activities"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    dossier_id: Mapped[str] = mapped_column(String(36))
    order_id: Mapped[str] = mapped_column(String(36))
    person_sub: Mapped[str] = mapped_column(String(200))
    person_name: Mapped[str | None] = mapped_column(String(200))
    worked_on: Mapped[date] = mapped_column(Date)
    minutes: Mapped[int] = mapped_column(Integer)
    description: Mapped[str] = mapped_column(Text, default="")
    created_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


Index("ix_activities_dossier", Activity.dossier_id, Activity.worked_on, Activity.id)
Index("ix_activities_order", Activity.order_id)


class ThirdParty(Base):
    """A contributor or participant of a dossier, learnt from the partner-gateway's ``contributor.*`` events."""

    __tablename__ = "dossier_third_parties"

    contributor_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    dossier_id: Mapped[str] = mapped_column(String(36))
    kind: Mapped[str] = mapped_column(String(16))
    role: Mapped[str | None] = mapped_column(String(64))
    name: Mapped[str | None] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(320))
    account_sub: Mapped[str | None] = mapped_column(String(200))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # Revoked by the partner-gateway (``contributor.revoked``): no longer an actor, never seen again, and a late
    # ``contributor.invited`` / ``.attached`` of the same invitation does not bring it back.
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


Index("ix_third_parties_dossier", ThirdParty.dossier_id)
Index("ix_third_parties_account", ThirdParty.account_sub)
