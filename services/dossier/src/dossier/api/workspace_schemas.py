"""Schemas of the workspace routes. Amounts, quantities and rates are decimal strings, never JSON numbers."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from .schemas import PROBLEM_DESCRIPTIONS

PROBLEM_DESCRIPTIONS.setdefault(
    403, "The caller's role may not use this route (partner tokens: third parties go through the partner-gateway)."
)

DECIMAL = {"validate": validate.Length(min=1, max=32), "metadata": {"description": 'A decimal string, e.g. "12.50".'}}


def decimal_string(**options) -> fields.String:
    return fields.String(**{**DECIMAL, **options})


class LineInSchema(Schema):
    """A line: label, quantity, unit, unit price (before VAT) and VAT rate (percent, a configured one)."""

    label = fields.String(required=True, validate=validate.Length(min=1, max=500))
    quantity = decimal_string(required=True)
    unit = fields.String(load_default="", validate=validate.Length(max=32))
    unit_price = decimal_string(required=True)
    vat_rate = decimal_string(required=True)


class DraftCreateSchema(Schema):
    """A draft quote or invoice: one currency (a configured one) and at least one line."""

    currency = fields.String(load_default="EUR", validate=validate.Length(equal=3))
    title = fields.String(load_default="", validate=validate.Length(max=300))
    lines = fields.List(fields.Nested(LineInSchema), required=True, validate=validate.Length(min=1, max=200))
    valid_until = fields.Date(load_default=None, allow_none=True, metadata={"description": "Quotes."})
    due_on = fields.Date(load_default=None, allow_none=True, metadata={"description": "Invoices."})


class DraftPatchSchema(Schema):
    """Change a draft (409 once it is sent or issued)."""

    currency = fields.String(validate=validate.Length(equal=3))
    title = fields.String(validate=validate.Length(max=300))
    lines = fields.List(fields.Nested(LineInSchema), validate=validate.Length(min=1, max=200))
    valid_until = fields.Date(allow_none=True)
    due_on = fields.Date(allow_none=True)


class StatusChangeSchema(Schema):
    to = fields.String(required=True, validate=validate.Length(min=1, max=24))


class PickLineSchema(Schema):
    order_line_id = fields.String(required=True, validate=validate.Length(min=1, max=36))
    quantity = decimal_string(load_default=None, allow_none=True, metadata={"description": "Default: what remains."})


class InvoiceFromOrderSchema(Schema):
    """The order lines to bill (default: everything not billed yet), each at most what remains."""

    lines = fields.List(fields.Nested(PickLineSchema), load_default=None, validate=validate.Length(min=1, max=200))
    title = fields.String(load_default=None, validate=validate.Length(max=300))
    due_on = fields.Date(load_default=None, allow_none=True)


class CreditLineSchema(Schema):
    invoice_line_id = fields.String(required=True, validate=validate.Length(min=1, max=36))
    quantity = decimal_string(load_default=None, allow_none=True, metadata={"description": "Default: what remains."})


class CreditNoteCreateSchema(Schema):
    lines = fields.List(fields.Nested(CreditLineSchema), load_default=None, validate=validate.Length(min=1, max=200))
    reason = fields.String(load_default="", validate=validate.Length(max=1000))


class PaymentCreateSchema(Schema):
    amount = decimal_string(required=True)
    paid_on = fields.Date(load_default=None, allow_none=True)
    method = fields.String(load_default="", validate=validate.Length(max=32))
    reference = fields.String(load_default="", validate=validate.Length(max=100))


class LineSchema(Schema):
    id = fields.String()
    position = fields.Integer()
    label = fields.String()
    quantity = fields.String()
    unit = fields.String()
    unit_price = fields.String()
    vat_rate = fields.String()
    net = fields.String()
    vat = fields.String()
    total = fields.String()
    source_line_id = fields.String(allow_none=True)


class NumberedSchema(Schema):
    id = fields.String()
    number = fields.String(allow_none=True)
    total = fields.String()


class FinanceDocumentSchema(Schema):
    """A quote, an order, an invoice or a credit note; amounts are decimal strings."""

    id = fields.String()
    dossier_id = fields.String()
    kind = fields.String()
    number = fields.String(allow_none=True, metadata={"description": "QUO-2026-0001; none while a draft."})
    status = fields.String()
    title = fields.String()
    currency = fields.String()
    source_id = fields.String(allow_none=True)
    lines = fields.List(fields.Nested(LineSchema))
    net = fields.String()
    vat = fields.String()
    total = fields.String()
    paid = fields.String()
    credited = fields.String()
    balance_due = fields.String()
    credit_notes = fields.List(fields.Nested(NumberedSchema))
    valid_until = fields.Date(allow_none=True)
    due_on = fields.Date(allow_none=True)
    issued_at = fields.DateTime(allow_none=True)
    pdf_document_id = fields.String(allow_none=True)
    created_at = fields.DateTime()
    updated_at = fields.DateTime()


class AcceptedQuoteSchema(FinanceDocumentSchema):
    order = fields.Nested(FinanceDocumentSchema, metadata={"description": "The order an accepted quote became."})


class PdfRenderSchema(Schema):
    """Which Word template of the documents service (type financial, entity finance) renders the PDF."""

    template_id = fields.String(
        load_default=None,
        allow_none=True,
        validate=validate.Length(min=1, max=64),
        metadata={
            "description": "A financial template; omitted: FINANCE_TEMPLATE_ID, else the default one (installed in "
            "the documents service the first time)."
        },
    )


class PdfSchema(Schema):
    """The PDF filed under the dossier (category quote, order or invoice; client-visible; financial)."""

    kind = fields.String()
    id = fields.String(metadata={"description": "The quote's, order's, invoice's or credit note's id."})
    number = fields.String()
    document_id = fields.String(metadata={"description": "The documents service's document (GET /documents/{id})."})
    state = fields.String(metadata={"description": "ready, rendering (the PDF is being made), pdf_unavailable."})
    filename = fields.String(allow_none=True)
    template_id = fields.String()


class PaymentSchema(Schema):
    id = fields.String()
    invoice_id = fields.String()
    amount = fields.String()
    currency = fields.String()
    paid_on = fields.Date()
    method = fields.String()
    reference = fields.String()
    created_at = fields.DateTime()


class PaymentListSchema(Schema):
    items = fields.List(fields.Nested(PaymentSchema))


class AttendeeInSchema(Schema):
    sub = fields.String(required=True, validate=validate.Length(min=1, max=200))


class EventCreateSchema(Schema):
    """An appointment or a meeting; a naive time is read in ``timezone`` (an IANA zone)."""

    kind = fields.String(required=True, validate=validate.OneOf(("appointment", "meeting")))
    title = fields.String(required=True, validate=validate.Length(min=1, max=300))
    description = fields.String(load_default="", validate=validate.Length(max=5000))
    starts_at = fields.DateTime(required=True)
    ends_at = fields.DateTime(required=True)
    timezone = fields.String(required=True, validate=validate.Length(min=1, max=64))
    location = fields.String(load_default="", validate=validate.Length(max=300))
    url = fields.Url(load_default="", validate=validate.Length(max=500))
    attendees = fields.List(
        fields.Nested(AttendeeInSchema),
        load_default=list,
        validate=validate.Length(max=100),
        metadata={"description": "Actors of the dossier (its client, assignee, participants, note authors)."},
    )


class EventPatchSchema(Schema):
    """Move or change an event (its SEQUENCE goes up; a move is announced as ``event.rescheduled``)."""

    title = fields.String(validate=validate.Length(min=1, max=300))
    description = fields.String(validate=validate.Length(max=5000))
    starts_at = fields.DateTime()
    ends_at = fields.DateTime()
    timezone = fields.String(validate=validate.Length(min=1, max=64))
    location = fields.String(validate=validate.Length(max=300))
    url = fields.Url(validate=validate.Length(max=500))
    attendees = fields.List(fields.Nested(AttendeeInSchema), validate=validate.Length(max=100))


class EventCancelSchema(Schema):
    reason = fields.String(load_default="", validate=validate.Length(max=1000))


class AttendeeSchema(Schema):
    """Who attends: staff and services read every attendee's account id; a client reads them by name and only
    their own ``sub`` (left out for everyone else)."""

    sub = fields.String(
        metadata={
            "description": "The attendee's account id: staff and services always; a client only their own (left "
            "out otherwise: read name)."
        }
    )
    role = fields.String(allow_none=True)
    name = fields.String(
        allow_none=True,
        metadata={"description": "The attendee's name; for a client never empty (the directory's, else a pseudonym)."},
    )


class EventSchema(Schema):
    id = fields.String()
    dossier_id = fields.String()
    kind = fields.String()
    title = fields.String()
    description = fields.String()
    starts_at = fields.DateTime()
    ends_at = fields.DateTime()
    timezone = fields.String()
    location = fields.String()
    url = fields.String()
    attendees = fields.List(fields.Nested(AttendeeSchema))
    cancelled = fields.Boolean()
    cancelled_at = fields.DateTime(allow_none=True)
    sequence = fields.Integer()
    created_at = fields.DateTime()
    updated_at = fields.DateTime()


class FeedCreateSchema(Schema):
    name = fields.String(
        load_default="Dossiers", validate=validate.Length(min=1, max=100), metadata={"description": "Calendar name."}
    )


class FeedSchema(Schema):
    """The caller's secret calendar URL (shown once, when made; renewing makes a new one and kills the old)."""

    url = fields.String(allow_none=True)
    active = fields.Boolean()
    created_at = fields.DateTime(allow_none=True)


class ParticipantSchema(Schema):
    kind = fields.String()
    role = fields.String(allow_none=True)
    name = fields.String(allow_none=True)
    attached = fields.Boolean()
    contributor_id = fields.String(metadata={"description": "Staff only."})
    email = fields.String(allow_none=True, metadata={"description": "Staff only."})
    account_sub = fields.String(allow_none=True, metadata={"description": "Staff only."})


class ParticipantListSchema(Schema):
    items = fields.List(fields.Nested(ParticipantSchema))


class ExpenseCreateSchema(Schema):
    spent_on = fields.Date(required=True)
    label = fields.String(required=True, validate=validate.Length(min=1, max=300))
    category = fields.String(required=True, validate=validate.OneOf(("travel", "purchase", "service", "other")))
    amount = decimal_string(required=True, metadata={"description": "Before VAT, a decimal string."})
    vat_rate = decimal_string(required=True, metadata={"description": "Percent, one of the configured rates."})
    currency = fields.String(load_default="EUR", validate=validate.Length(equal=3))
    billable = fields.Boolean(required=True, metadata={"description": "Billed to the client (who then sees it)."})
    receipt_document_id = fields.String(
        load_default=None, allow_none=True, validate=validate.Length(max=36), metadata={"description": "Documents."}
    )


class ExpenseSchema(Schema):
    id = fields.String()
    dossier_id = fields.String()
    spent_on = fields.Date()
    label = fields.String()
    category = fields.String()
    currency = fields.String()
    amount = fields.String()
    vat_rate = fields.String()
    vat = fields.String()
    total = fields.String()
    billable = fields.Boolean()
    receipt_document_id = fields.String(allow_none=True)
    recorded_by = fields.String(allow_none=True)
    created_at = fields.DateTime()


class ActivityCreateSchema(Schema):
    order_id = fields.String(required=True, validate=validate.Length(min=1, max=36))
    worked_on = fields.Date(required=True)
    minutes = fields.Integer(required=True, strict=True, validate=validate.Range(min=1, max=24 * 60))
    description = fields.String(load_default="", validate=validate.Length(max=5000))
    person_sub = fields.String(load_default=None, validate=validate.Length(min=1, max=200))
    person_name = fields.String(load_default=None, validate=validate.Length(min=1, max=200))


class ActivitySchema(Schema):
    id = fields.String()
    dossier_id = fields.String()
    order_id = fields.String(allow_none=True, metadata={"description": "None for participants."})
    order_number = fields.String(allow_none=True)
    person_name = fields.String(allow_none=True)
    worked_on = fields.Date()
    minutes = fields.Integer()
    duration = fields.String()
    description = fields.String()
    created_at = fields.DateTime()


class OrderTotalSchema(Schema):
    order_id = fields.String()
    order_number = fields.String(allow_none=True)
    minutes = fields.Integer()
    activities = fields.Integer()


class ActivityTotalsSchema(Schema):
    minutes = fields.Integer()
    duration = fields.String()
    orders = fields.List(fields.Nested(OrderTotalSchema))


class ThirdPartyArgsSchema(Schema):
    sub = fields.String(required=True, validate=validate.Length(min=1, max=200))


class ThirdPartyWorkspaceSchema(Schema):
    """What one third party of the dossier sees of its workspace (participants: all but the financial items)."""

    kind = fields.String(metadata={"description": "participant or contributor"})
    events = fields.List(fields.Nested(EventSchema))
    expenses = fields.List(fields.Nested(ExpenseSchema))
    activities = fields.List(fields.Nested(ActivitySchema))
    activity_totals = fields.Nested(ActivityTotalsSchema, allow_none=True)
    participants = fields.List(fields.Nested(ParticipantSchema))
