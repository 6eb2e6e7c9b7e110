"""The dossier workspace's events (issue 13): quotes, orders, invoices, payments, credit notes, appointments and
meetings, expenses and time spent. Amounts are decimal strings, never numbers."""

from __future__ import annotations

from marshmallow import INCLUDE, Schema

from .base import Count, EventData, Flag, Id, ObjectList, Text, TextList


class FinanceDocumentEvent(EventData):
    """What every quote / order / invoice / credit-note event carries (its own `<kind>_id` besides)."""

    dossier_id = Id(required=True)
    reference = Text(description="the dossier's")
    number = Text(description="`QUO-2026-0001`, `ORD-`, `INV-`, `CRN-`; null for a draft")
    status = Text(required=True, nullable=False)
    currency = Text()
    net = Text()
    vat = Text()
    total = Text()
    client_sub = Id(nullable=True)
    client_org = Id(nullable=True)


class QuoteEvent(FinanceDocumentEvent):
    """A quote was drafted or changed (a draft: internal on the timeline)."""

    quote_id = Id(required=True)


class QuoteStatusChanged(QuoteEvent):
    """A quote was sent (`sent` is when it takes its number), accepted, refused or expired."""

    vars()["from"] = Text()  # a Python keyword: declared through the class namespace


class OrderCreated(FinanceDocumentEvent):
    """An accepted quote became an order, in the same transaction."""

    order_id = Id(required=True)
    quote_id = Id(nullable=True)


class OrderStatusChanged(FinanceDocumentEvent):
    """An order was delivered or cancelled."""

    order_id = Id(required=True)
    vars()["from"] = Text()


class InvoiceDrafted(FinanceDocumentEvent):
    """An invoice was drafted or changed (a draft: internal on the timeline)."""

    invoice_id = Id(required=True)
    order_id = Id(nullable=True, when="the invoice was made from an order")


class InvoiceStatusChanged(FinanceDocumentEvent):
    """An invoice was issued (it takes its number, which never changes afterwards) or cancelled."""

    invoice_id = Id(required=True)
    vars()["from"] = Text()


class PaymentRecorded(FinanceDocumentEvent):
    """A payment of an invoice was recorded; `status` is `partially_paid` or `paid`."""

    invoice_id = Id(required=True)
    payment_id = Id(required=True)
    amount = Text()
    paid = Text(description="all payments so far")
    balance_due = Text()


class CreditNoteIssued(FinanceDocumentEvent):
    """A credit note was issued against an invoice."""

    credit_note_id = Id(required=True)
    invoice_id = Id(nullable=True)
    invoice_number = Text()
    reason = Text()


class Attendee(Schema):
    """A person invited to an appointment or a meeting."""

    class Meta:
        unknown = INCLUDE

    sub = Id(nullable=True)
    role = Text()
    name = Text()
    email = Text()


class CalendarEventChanged(EventData):
    """An appointment or a meeting was scheduled, updated, moved (``rescheduled``) or cancelled."""

    event_id = Id(required=True)
    dossier_id = Id(required=True)
    reference = Text()
    kind = Text(description="`appointment` or `meeting`")
    title = Text()
    starts_at = Text(description="UTC")
    ends_at = Text(description="UTC")
    timezone = Text(description="IANA")
    location = Text()
    url = Text()
    attendees = ObjectList(Attendee)
    sequence = Count(description="iCalendar SEQUENCE")
    cancelled = Flag()
    client_sub = Id(nullable=True)
    client_org = Id(nullable=True)
    ics = Text(
        description="the RFC 5545 text, `METHOD:REQUEST`, or `METHOD:CANCEL` once cancelled: what an email attaches"
    )
    reason = Text(when="a cancellation gave one")
    changed_fields = TextList(
        when="`updated` and `rescheduled`: which of `starts_at`, `ends_at`, `title`, `description`, `location`, "
        "`url` changed (a new start, end, place or link is a move: `rescheduled`)"
    )


class ExpenseRecorded(EventData):
    """An expense was recorded on a dossier; the client side sees it when it is billable."""

    id = Id(description="the same as expense_id")
    expense_id = Id(required=True)
    dossier_id = Id(required=True)
    reference = Text()
    spent_on = Text()
    label = Text()
    category = Text()
    currency = Text()
    amount = Text(description="before VAT")
    vat_rate = Text()
    vat = Text()
    total = Text()
    billable = Flag(description="billed to the client: then the client side sees it")
    receipt_document_id = Id(nullable=True)
    recorded_by = Text()
    client_sub = Id(nullable=True)
    client_org = Id(nullable=True)


class ActivityLogged(EventData):
    """Time spent on an order of a dossier was logged."""

    activity_id = Id(required=True)
    dossier_id = Id(required=True)
    reference = Text()
    order_id = Id(nullable=True)
    order_number = Text()
    person_sub = Id(nullable=True)
    person_name = Text()
    worked_on = Text()
    minutes = Count()
