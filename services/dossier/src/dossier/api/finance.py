"""Quotes, orders, invoices, payments and credit notes (``/api/v1``): staff write, the client side reads."""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

from platform_shared.auth import current_caller, require_roles
from platform_shared.errors import NotFound
from platform_shared.openapi import problems
from platform_shared.pagination import PageArgsSchema, page_schema
from platform_shared.web import app_db, app_settings

from ..clients import documents_gateway
from ..domain.workspace_errors import invalid
from ..services import finance, finance_pdf
from .schemas import documents_problems
from .workspace_schemas import (
    AcceptedQuoteSchema,
    CreditNoteCreateSchema,
    DraftCreateSchema,
    DraftPatchSchema,
    FinanceDocumentSchema,
    InvoiceFromOrderSchema,
    PaymentCreateSchema,
    PaymentListSchema,
    PaymentSchema,
    PdfRenderSchema,
    PdfSchema,
    StatusChangeSchema,
)

blp = Blueprint("finance", __name__, url_prefix="/api/v1", description="Quotes, orders, invoices, payments")
READERS = ("agent", "client", "service")
FinanceDocumentPageSchema = page_schema(FinanceDocumentSchema)


def _list(kind):
    def get(self, page, dossier_id):
        with app_db().read_only() as session:
            return finance.list_documents(session, current_caller(), dossier_id, kind, **page)

    get.__doc__ = f"The dossier's {kind.replace('_', ' ')}s, oldest first (the client side never sees drafts)."
    return get


@blp.route("/dossiers/<dossier_id>/quotes")
class Quotes(MethodView):
    @require_roles("agent")
    @blp.arguments(DraftCreateSchema)
    @blp.response(201, FinanceDocumentSchema)
    @documents_problems(blp, 403, 404, 409, 422)
    def post(self, body, dossier_id):
        """Draft a quote (lines with a configured VAT rate; no number until it is sent)."""
        with app_db().transaction() as session:
            return finance.create_draft(session, current_caller(), dossier_id, "quote", body, app_settings())

    get = require_roles(*READERS)(
        blp.arguments(PageArgsSchema, location="query")(
            blp.response(200, FinanceDocumentPageSchema)(documents_problems(blp, 403, 404)(_list("quote")))
        )
    )


@blp.route("/dossiers/<dossier_id>/orders")
class Orders(MethodView):
    get = require_roles(*READERS)(
        blp.arguments(PageArgsSchema, location="query")(
            blp.response(200, FinanceDocumentPageSchema)(documents_problems(blp, 403, 404)(_list("order")))
        )
    )


@blp.route("/dossiers/<dossier_id>/invoices")
class Invoices(MethodView):
    @require_roles("agent")
    @blp.arguments(DraftCreateSchema)
    @blp.response(201, FinanceDocumentSchema)
    @documents_problems(blp, 403, 404, 409, 422)
    def post(self, body, dossier_id):
        """Draft an invoice without an order (no number until it is issued)."""
        with app_db().transaction() as session:
            return finance.create_draft(session, current_caller(), dossier_id, "invoice", body, app_settings())

    get = require_roles(*READERS)(
        blp.arguments(PageArgsSchema, location="query")(
            blp.response(200, FinanceDocumentPageSchema)(documents_problems(blp, 403, 404)(_list("invoice")))
        )
    )


@blp.route("/dossiers/<dossier_id>/credit-notes")
class CreditNotes(MethodView):
    get = require_roles(*READERS)(
        blp.arguments(PageArgsSchema, location="query")(
            blp.response(200, FinanceDocumentPageSchema)(documents_problems(blp, 403, 404)(_list("credit_note")))
        )
    )


def _id(ids: dict) -> str:
    """The one path parameter (``quote_id``, ``order_id``, ``invoice_id``, ``credit_note_id``)."""
    (value,) = ids.values()
    return value


def _one(kind):
    def get(self, **ids):
        with app_db().read_only() as session:
            return finance.get_document(session, current_caller(), _id(ids), kind)

    get.__doc__ = f"One {kind.replace('_', ' ')}."
    return require_roles(*READERS)(blp.response(200, FinanceDocumentSchema)(documents_problems(blp, 403, 404)(get)))


def _patch(kind):
    def patch(self, body, **ids):
        with app_db().transaction() as session:
            return finance.update_draft(session, current_caller(), _id(ids), kind, body, app_settings())

    patch.__doc__ = f"Change a draft {kind} (409 once it is {'sent' if kind == 'quote' else 'issued'})."
    return require_roles("agent")(
        blp.arguments(DraftPatchSchema)(
            blp.response(200, FinanceDocumentSchema)(documents_problems(blp, 403, 404, 409, 422)(patch))
        )
    )


def _transitions(kind, doc, schema=FinanceDocumentSchema):
    def post(self, body, **ids):
        with app_db().transaction() as session:
            return finance.transition(session, current_caller(), _id(ids), kind, body["to"])

    post.__doc__ = doc
    return require_roles("agent")(
        blp.arguments(StatusChangeSchema)(blp.response(200, schema)(documents_problems(blp, 403, 404, 409, 422)(post)))
    )


def _financial_template(template_id: str | None):
    """The template asked for (422 naming ``template_id`` unless it is a financial one), else the configured one,
    else the default one."""
    gateway = documents_gateway()
    template_id = template_id or app_settings().finance_template_id
    if not template_id:
        return gateway.default_financial_template()
    try:
        template = gateway.template(template_id)
    except NotFound:
        raise invalid("template_id", "No such template in the documents service.") from None
    if template.entity != "finance":
        raise invalid("template_id", "Not a financial template (its entity must be finance).")
    return template


def _pdf(kind):
    def post(self, body, **ids):
        caller = current_caller()
        with app_db().read_only() as session:
            request = finance_pdf.prepare(session, caller, kind, _id(ids))
        template = _financial_template(body["template_id"])
        rendered = documents_gateway().render_financial(
            template.id,
            context=request.context(template.language),
            dossier_id=request.dossier_id,
            category=request.category,
            filename=request.number,
        )
        with app_db().transaction() as session:
            finance_pdf.record(session, request, rendered.document_id)
        answer = {
            "kind": kind,
            "id": request.document_id,
            "number": request.number,
            "document_id": rendered.document_id,
            "state": rendered.state,
            "filename": rendered.filename,
            "template_id": template.id,
        }
        return answer, (202 if rendered.status_code == 202 else 201)

    label = kind.replace("_", " ")
    post.__doc__ = (
        f"Render the {label} to PDF from a financial Word template, filed under the dossier (client side, marked "
        f"financial: participants never see it). 409 for a draft (no number yet) or a closed dossier (rendering "
        f"files a new document; the PDF made before closing stays readable)."
    )
    return require_roles("agent")(
        blp.arguments(PdfRenderSchema)(
            blp.response(201, PdfSchema, description="The PDF is made (state ready, or pdf_unavailable).")(
                blp.alt_response(
                    202, schema=PdfSchema, description="The .docx is filed; the documents worker makes the PDF."
                )(problems(503)(documents_problems(blp, 403, 404, 409, 422)(post)))
            )
        )
    )


@blp.route("/quotes/<quote_id>")
class QuoteById(MethodView):
    get = _one("quote")
    patch = _patch("quote")


@blp.route("/quotes/<quote_id>/transitions")
class QuoteTransitions(MethodView):
    post = _transitions(
        "quote",
        "draft → sent (takes its number) → accepted (becomes an order, in the answer's `order`) / refused / expired.",
        AcceptedQuoteSchema,
    )


@blp.route("/orders/<order_id>")
class OrderById(MethodView):
    get = _one("order")


@blp.route("/orders/<order_id>/transitions")
class OrderTransitions(MethodView):
    post = _transitions("order", "open → delivered / cancelled (not while it has invoices).")


@blp.route("/orders/<order_id>/invoices")
class OrderInvoices(MethodView):
    @require_roles("agent")
    @blp.arguments(InvoiceFromOrderSchema)
    @blp.response(201, FinanceDocumentSchema)
    @documents_problems(blp, 403, 404, 409, 422)
    def post(self, body, order_id):
        """A draft invoice of the order's lines not billed yet (or the given lines and quantities)."""
        with app_db().transaction() as session:
            return finance.invoice_from_order(session, current_caller(), order_id, body)


@blp.route("/invoices/<invoice_id>")
class InvoiceById(MethodView):
    get = _one("invoice")
    patch = _patch("invoice")


@blp.route("/invoices/<invoice_id>/transitions")
class InvoiceTransitions(MethodView):
    post = _transitions(
        "invoice",
        "draft → issued (takes its number; never changes again) / cancelled; issued → cancelled while unpaid. "
        "partially_paid and paid follow the payments.",
    )


@blp.route("/invoices/<invoice_id>/payments")
class InvoicePayments(MethodView):
    @require_roles("agent")
    @blp.arguments(PaymentCreateSchema)
    @blp.response(201, PaymentSchema)
    @documents_problems(blp, 403, 404, 409, 422)
    def post(self, body, invoice_id):
        """Record a payment (422 for more than is due; 409 unless the invoice is issued or partially paid)."""
        with app_db().transaction() as session:
            return finance.record_payment(session, current_caller(), invoice_id, body)

    @require_roles(*READERS)
    @blp.response(200, PaymentListSchema)
    @documents_problems(blp, 403, 404)
    def get(self, invoice_id):
        """The invoice's payments, oldest first."""
        with app_db().read_only() as session:
            return {"items": finance.list_payments(session, current_caller(), invoice_id)}


@blp.route("/invoices/<invoice_id>/credit-notes")
class InvoiceCreditNotes(MethodView):
    @require_roles("agent")
    @blp.arguments(CreditNoteCreateSchema)
    @blp.response(201, FinanceDocumentSchema)
    @documents_problems(blp, 403, 404, 409, 422)
    def post(self, body, invoice_id):
        """Correct an issued invoice: a numbered credit note of some or all of its lines."""
        with app_db().transaction() as session:
            return finance.issue_credit_note(session, current_caller(), invoice_id, body)


@blp.route("/credit-notes/<credit_note_id>")
class CreditNoteById(MethodView):
    get = _one("credit_note")


@blp.route("/quotes/<quote_id>/pdf")
class QuotePdf(MethodView):
    post = _pdf("quote")


@blp.route("/orders/<order_id>/pdf")
class OrderPdf(MethodView):
    post = _pdf("order")


@blp.route("/invoices/<invoice_id>/pdf")
class InvoicePdf(MethodView):
    post = _pdf("invoice")


@blp.route("/credit-notes/<credit_note_id>/pdf")
class CreditNotePdf(MethodView):
    post = _pdf("credit_note")
