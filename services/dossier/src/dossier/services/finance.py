"""Quotes, orders, invoices, payments and credit notes of a dossier.

Numbers (``QUO-2026-0001``) are taken from the per-prefix, per-year counter in the very transaction that
sends the quote, creates the order or issues the invoice: a transaction that fails gives its number back, so
the sequence has no gap. Every change publishes one domain event and appends a timeline entry naming who."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from platform_shared import clock
from platform_shared.auth import Caller
from platform_shared.errors import NotFound
from platform_shared.messaging.outbox import record_event
from platform_shared.pagination import Page, keyset_page

from .. import SERVICE_NAME
from ..db import Dossier
from ..domain import money
from ..domain.workspace import (
    BILLING_STATUSES,
    CREDITABLE_STATUSES,
    INITIAL_STATUS,
    NUMBER_PREFIX,
    PAYABLE_STATUSES,
    allowed,
    timeline_visibility,
)
from ..domain.workspace_errors import InvalidWorkspaceInput, NotEditable, StatusNotAllowed, invalid
from ..workspace_db import FinanceDocument, FinanceLine, Payment
from . import references, timeline
from .workspace_access import display_name, readable_dossier, writable_dossier

LABELS = {"quote": "Quote", "order": "Order", "invoice": "Invoice", "credit_note": "Credit note"}
# The client side never sees drafts: a quote exists for them once sent, an invoice once issued.
HIDDEN_FROM_CLIENTS = ("draft",)


# --- input ----------------------------------------------------------------------------------------------


def parse_lines(raw_lines: list[dict[str, Any]], vat_rates: list[str], *, field: str = "lines") -> list[dict]:
    """Validated lines with their amounts; every problem named by its place (``lines.2.vat_rate``)."""
    allowed_rates = {money.rate_to_bp(money.parse_decimal(rate, places=2)): rate for rate in vat_rates}
    problems: dict[str, list[str]] = {}
    parsed: list[dict] = []
    if not raw_lines:
        problems[field] = ["At least one line."]
    for index, line in enumerate(raw_lines):
        place = f"{field}.{index}"
        try:
            quantity = money.to_milli(money.parse_decimal(line.get("quantity"), places=3, allow_zero=False))
        except money.MoneyError as error:
            problems[f"{place}.quantity"] = [str(error)]
            quantity = None
        try:
            price = money.to_cents(money.parse_decimal(line.get("unit_price"), places=2))
        except money.MoneyError as error:
            problems[f"{place}.unit_price"] = [str(error)]
            price = None
        try:
            rate = money.rate_to_bp(money.parse_decimal(line.get("vat_rate"), places=2))
            if rate not in allowed_rates:
                raise money.MoneyError("Not a configured VAT rate: " + ", ".join(vat_rates) + ".")
        except money.MoneyError as error:
            problems[f"{place}.vat_rate"] = [str(error)]
            rate = None
        if quantity is not None and price is not None and rate is not None:
            amounts = money.line_amounts(quantity, price, rate)
            parsed.append(
                {
                    "label": line["label"],
                    "unit": line.get("unit") or "",
                    "quantity_milli": quantity,
                    "unit_price_cents": price,
                    "vat_rate_bp": rate,
                    "net_cents": amounts.net_cents,
                    "vat_cents": amounts.vat_cents,
                    "total_cents": amounts.total_cents,
                    "source_line_id": line.get("source_line_id"),
                }
            )
    if problems:
        raise InvalidWorkspaceInput(problems)
    return parsed


def _check_currency(currency: str, currencies: list[str]) -> str:
    if currency not in currencies:
        raise invalid("currency", "Not a configured currency: " + ", ".join(currencies) + ".")
    return currency


# --- storage helpers ------------------------------------------------------------------------------------


def _new_document(session: Session, caller: Caller, dossier: Dossier, kind: str, body: dict[str, Any]):
    now = clock.now()
    document = FinanceDocument(
        id=clock.new_id(),
        dossier_id=dossier.id,
        kind=kind,
        organisation=dossier.client_org or "",
        number=None,
        status=INITIAL_STATUS[kind],
        currency=body["currency"],
        title=body.get("title") or "",
        source_id=body.get("source_id"),
        net_cents=0,
        vat_cents=0,
        total_cents=0,
        paid_cents=0,
        credited_cents=0,
        valid_until=body.get("valid_until"),
        due_on=body.get("due_on"),
        created_by=caller.sub,
        created_at=now,
        updated_at=now,
    )
    session.add(document)
    return document


def _replace_lines(session: Session, document: FinanceDocument, lines: list[dict]) -> list[FinanceLine]:
    for old in _lines(session, document.id):
        session.delete(old)
    rows = [
        FinanceLine(id=clock.new_id(), document_id=document.id, position=position, **line)
        for position, line in enumerate(lines, start=1)
    ]
    session.add_all(rows)
    totals = money.sum_amounts([money.LineAmounts(r.net_cents, r.vat_cents, r.total_cents) for r in rows])
    document.net_cents, document.vat_cents, document.total_cents = (
        totals.net_cents,
        totals.vat_cents,
        totals.total_cents,
    )
    session.flush()
    return rows


def _lines(session: Session, document_id: str) -> list[FinanceLine]:
    return list(
        session.scalars(
            select(FinanceLine).where(FinanceLine.document_id == document_id).order_by(FinanceLine.position)
        )
    )


def _take_number(session: Session, document: FinanceDocument) -> None:
    document.number = references.next_finance_number(session, NUMBER_PREFIX[document.kind], document.organisation)
    document.issued_at = clock.now()


def _document(session: Session, document_id: str, kind: str, *, for_update: bool = False) -> FinanceDocument:
    document = session.get(FinanceDocument, document_id, with_for_update=for_update or None)
    if document is None or document.kind != kind:
        raise NotFound(f"No such {kind.replace('_', ' ')}.")
    return document


def _readable(session: Session, caller: Caller, document_id: str, kind: str) -> tuple[FinanceDocument, str]:
    document = _document(session, document_id, kind)
    _, audience = readable_dossier(session, caller, document.dossier_id, _item(kind))
    if audience != "staff" and document.status in HIDDEN_FROM_CLIENTS:
        raise NotFound(f"No such {kind.replace('_', ' ')}.")
    return document, audience


def readable_document(session: Session, caller: Caller, document_id: str, kind: str) -> FinanceDocument:
    """The document as the caller may see it (404 otherwise: a draft is staff's)."""
    return _readable(session, caller, document_id, kind)[0]


def _writable(session: Session, caller: Caller, document_id: str, kind: str) -> tuple[FinanceDocument, Dossier]:
    document = _document(session, document_id, kind)
    dossier = writable_dossier(session, caller, document.dossier_id)
    session.refresh(document, with_for_update=True)
    return document, dossier


def _item(kind: str) -> str:
    return "invoice" if kind == "credit_note" else kind


def _publish(
    session: Session,
    caller: Caller,
    event_type: str,
    dossier: Dossier,
    document: FinanceDocument,
    summary: str,
    extra: dict[str, Any] | None = None,
    *,
    visible: bool = True,
) -> None:
    data = {
        f"{document.kind}_id": document.id,
        "dossier_id": dossier.id,
        "reference": dossier.reference,
        "number": document.number,
        "status": document.status,
        "currency": document.currency,
        "net": money.format_cents(document.net_cents),
        "vat": money.format_cents(document.vat_cents),
        "total": money.format_cents(document.total_cents),
        "client_sub": dossier.client_sub,
        "client_org": dossier.client_org,
        **(extra or {}),
    }
    record_event(session, event_type, data, producer=SERVICE_NAME, aggregate_id=dossier.id, actor=caller.as_actor())
    timeline.append(
        session,
        dossier.id,
        event_type.replace(".", "_"),
        f"{summary} by {display_name(caller)}",
        visibility=timeline_visibility(_item(document.kind)) if visible else "internal",
        actor={**caller.as_actor()},
        details={f"{document.kind}_id": document.id, "number": document.number, "actor_name": display_name(caller)},
        subject_id=document.id,
    )


def _title(document: FinanceDocument) -> str:
    return f"{LABELS[document.kind]} {document.number}" if document.number else f"{LABELS[document.kind]} (draft)"


# --- quotes ---------------------------------------------------------------------------------------------


def create_draft(session: Session, caller: Caller, dossier_id: str, kind: str, body: dict, settings) -> dict:
    """A draft quote or invoice with its lines (nothing is written when a line or the currency is wrong)."""
    dossier = writable_dossier(session, caller, dossier_id)
    _check_currency(body["currency"], settings.currencies)
    lines = parse_lines(body["lines"], settings.vat_rates)
    document = _new_document(session, caller, dossier, kind, body)
    _replace_lines(session, document, lines)
    _publish(session, caller, f"{kind}.created", dossier, document, f"{_title(document)} drafted", visible=False)
    return present(session, document, "staff")


def update_draft(session: Session, caller: Caller, document_id: str, kind: str, body: dict, settings) -> dict:
    """A draft changes freely; once sent or issued it never does (409: a correction is a credit note)."""
    document, dossier = _writable(session, caller, document_id, kind)
    if document.status != "draft":
        hint = " Issue a credit note to correct it." if kind == "invoice" else ""
        raise NotEditable(f"{_title(document)} is {document.status}: it can no longer be changed.{hint}")
    if "currency" in body:
        document.currency = _check_currency(body["currency"], settings.currencies)
    lines = parse_lines(body["lines"], settings.vat_rates) if "lines" in body else None
    for key in ("title", "valid_until", "due_on"):
        if key in body:
            setattr(document, key, body[key] if key != "title" else (body[key] or ""))
    if lines is not None:
        _replace_lines(session, document, lines)
    document.updated_at = clock.now()
    _publish(session, caller, f"{kind}.updated", dossier, document, f"{_title(document)} changed", visible=False)
    return present(session, document, "staff")


def transition(session: Session, caller: Caller, document_id: str, kind: str, target: str) -> dict:
    document, dossier = _writable(session, caller, document_id, kind)
    if not allowed(kind, document.status, target):
        raise StatusNotAllowed(kind, document.status, target)
    if kind == "invoice" and target == "cancelled" and document.paid_cents:
        raise NotEditable("A paid invoice cannot be cancelled: issue a credit note.", "to")
    if kind == "order" and target == "cancelled" and _billed_invoices(session, document.id):
        raise NotEditable("An order with invoices cannot be cancelled: cancel or credit its invoices first.", "to")
    previous = document.status
    document.status = target
    document.updated_at = clock.now()
    if (kind, target) in (("quote", "sent"), ("invoice", "issued")):
        _take_number(session, document)
    _publish(
        session,
        caller,
        f"{kind}.{target}",
        dossier,
        document,
        f"{_title(document)} {target.replace('_', ' ')}",
        {"from": previous},
    )
    result = present(session, document, "staff")
    if kind == "quote" and target == "accepted":
        result["order"] = _order_from_quote(session, caller, dossier, document)
    return result


def _order_from_quote(session: Session, caller: Caller, dossier: Dossier, quote: FinanceDocument) -> dict:
    """An accepted quote becomes an open order with the same lines (each remembering its quote line)."""
    order = _new_document(
        session, caller, dossier, "order", {"currency": quote.currency, "title": quote.title, "source_id": quote.id}
    )
    lines = [_copy(line, line.quantity_milli) for line in _lines(session, quote.id)]
    _replace_lines(session, order, lines)
    _take_number(session, order)
    _publish(session, caller, "order.created", dossier, order, f"{_title(order)} opened", {"quote_id": quote.id})
    return present(session, order, "staff")


def _copy(line: FinanceLine, quantity_milli: int) -> dict:
    amounts = money.line_amounts(quantity_milli, line.unit_price_cents, line.vat_rate_bp)
    return {
        "label": line.label,
        "unit": line.unit,
        "quantity_milli": quantity_milli,
        "unit_price_cents": line.unit_price_cents,
        "vat_rate_bp": line.vat_rate_bp,
        "net_cents": amounts.net_cents,
        "vat_cents": amounts.vat_cents,
        "total_cents": amounts.total_cents,
        "source_line_id": line.id,
    }


# --- invoices from orders, payments, credit notes --------------------------------------------------------


def _billed_invoices(session: Session, order_id: str) -> list[FinanceDocument]:
    return list(
        session.scalars(
            select(FinanceDocument).where(
                FinanceDocument.kind == "invoice",
                FinanceDocument.source_id == order_id,
                FinanceDocument.status.in_(BILLING_STATUSES),
            )
        )
    )


def _used_quantities(session: Session, source_line_ids: list[str], document_ids: list[str]) -> dict[str, int]:
    if not source_line_ids or not document_ids:
        return {}
    rows = session.execute(
        select(FinanceLine.source_line_id, func.sum(FinanceLine.quantity_milli))
        .where(FinanceLine.source_line_id.in_(source_line_ids), FinanceLine.document_id.in_(document_ids))
        .group_by(FinanceLine.source_line_id)
    ).all()
    return {line_id: int(total) for line_id, total in rows}


def _select_lines(
    requested: list[dict] | None, source_lines: list[FinanceLine], used: dict[str, int], id_key: str
) -> list[dict]:
    """The lines to copy with their quantities: all remaining by default, else the ones asked (each at most what
    remains; 422 naming ``lines.N.quantity`` otherwise)."""
    by_id = {line.id: line for line in source_lines}
    problems: dict[str, list[str]] = {}
    chosen: list[dict] = []
    if requested is None:
        requested = [{id_key: line.id, "quantity": None} for line in source_lines]
    for index, ask in enumerate(requested):
        line = by_id.get(ask[id_key])
        if line is None:
            problems[f"lines.{index}.{id_key}"] = ["Not a line of this document."]
            continue
        remaining = line.quantity_milli - used.get(line.id, 0)
        if ask.get("quantity") is None:
            quantity = remaining
        else:
            try:
                quantity = money.to_milli(money.parse_decimal(ask["quantity"], places=3, allow_zero=False))
            except money.MoneyError as error:
                problems[f"lines.{index}.quantity"] = [str(error)]
                continue
        if quantity > remaining:
            problems[f"lines.{index}.quantity"] = [f"At most {money.format_milli(remaining)} remain."]
        elif quantity > 0:
            chosen.append(_copy(line, quantity))
    if not chosen and not problems:
        problems["lines"] = ["Nothing remains to bill or credit."]
    if problems:
        raise InvalidWorkspaceInput(problems)
    return chosen


def invoice_from_order(session: Session, caller: Caller, order_id: str, body: dict) -> dict:
    """A draft invoice of all the order's lines not billed yet, or of the given lines and quantities."""
    order, dossier = _writable(session, caller, order_id, "order")
    if order.status == "cancelled":
        raise NotEditable("A cancelled order cannot be invoiced.")
    source_lines = _lines(session, order.id)
    invoices = [invoice.id for invoice in _billed_invoices(session, order.id)]
    used = _used_quantities(session, [line.id for line in source_lines], invoices)
    lines = _select_lines(body.get("lines"), source_lines, used, "order_line_id")
    invoice = _new_document(
        session,
        caller,
        dossier,
        "invoice",
        {"currency": order.currency, "title": body.get("title") or order.title, "source_id": order.id, **body},
    )
    _replace_lines(session, invoice, lines)
    _publish(
        session,
        caller,
        "invoice.created",
        dossier,
        invoice,
        f"{_title(invoice)} drafted",
        {"order_id": order.id},
        visible=False,
    )
    return present(session, invoice, "staff")


def record_payment(session: Session, caller: Caller, invoice_id: str, body: dict) -> dict:
    invoice, dossier = _writable(session, caller, invoice_id, "invoice")
    if invoice.status not in PAYABLE_STATUSES:
        raise NotEditable(f"{_title(invoice)} is {invoice.status}: no payment can be recorded against it.")
    try:
        amount = money.to_cents(money.parse_decimal(body["amount"], places=2, allow_zero=False))
    except money.MoneyError as error:
        raise invalid("amount", str(error)) from None
    due = balance_due(invoice)
    if amount > due:
        raise invalid("amount", f"More than is due ({money.format_cents(due)} {invoice.currency}).")
    payment = Payment(
        id=clock.new_id(),
        invoice_id=invoice.id,
        amount_cents=amount,
        paid_on=body.get("paid_on") or clock.now().date(),
        method=body.get("method") or "",
        reference=body.get("reference") or "",
        recorded_by=caller.sub,
        created_at=clock.now(),
    )
    session.add(payment)
    invoice.paid_cents += amount
    invoice.status = "paid" if balance_due(invoice) == 0 else "partially_paid"
    invoice.updated_at = clock.now()
    _publish(
        session,
        caller,
        "payment.recorded",
        dossier,
        invoice,
        f"Payment of {money.format_cents(amount)} {invoice.currency} on {_title(invoice)} recorded",
        {
            "payment_id": payment.id,
            "amount": money.format_cents(amount),
            "paid": money.format_cents(invoice.paid_cents),
            "balance_due": money.format_cents(balance_due(invoice)),
        },
    )
    session.flush()
    return present_payment(payment, invoice.currency)


def issue_credit_note(session: Session, caller: Caller, invoice_id: str, body: dict) -> dict:
    """A correction of an issued invoice (which itself never changes): some or all of its lines, numbered."""
    invoice, dossier = _writable(session, caller, invoice_id, "invoice")
    if invoice.status not in CREDITABLE_STATUSES:
        raise NotEditable(f"{_title(invoice)} is {invoice.status}: only an issued invoice takes a credit note.")
    source_lines = _lines(session, invoice.id)
    notes = list(
        session.scalars(
            select(FinanceDocument.id).where(
                FinanceDocument.kind == "credit_note", FinanceDocument.source_id == invoice.id
            )
        )
    )
    used = _used_quantities(session, [line.id for line in source_lines], notes)
    lines = _select_lines(body.get("lines"), source_lines, used, "invoice_line_id")
    note = _new_document(
        session, caller, dossier, "credit_note", {"currency": invoice.currency, "source_id": invoice.id, **body}
    )
    _replace_lines(session, note, lines)
    _take_number(session, note)
    invoice.credited_cents += note.total_cents
    if balance_due(invoice) == 0 and invoice.status != "paid":
        invoice.status = "paid"
    invoice.updated_at = clock.now()
    _publish(
        session,
        caller,
        "credit_note.issued",
        dossier,
        note,
        f"{_title(note)} issued against {_title(invoice)}",
        {"invoice_id": invoice.id, "invoice_number": invoice.number, "reason": body.get("reason") or ""},
    )
    return present(session, note, "staff")


def balance_due(invoice: FinanceDocument) -> int:
    return max(invoice.total_cents - invoice.paid_cents - invoice.credited_cents, 0)


# --- reading --------------------------------------------------------------------------------------------


def get_document(session: Session, caller: Caller, document_id: str, kind: str) -> dict:
    document, audience = _readable(session, caller, document_id, kind)
    return present(session, document, audience)


def list_documents(
    session: Session, caller: Caller, dossier_id: str, kind: str, *, limit: int, cursor: str | None
) -> Page:
    _, audience = readable_dossier(session, caller, dossier_id, _item(kind))
    statement = select(FinanceDocument).where(FinanceDocument.dossier_id == dossier_id, FinanceDocument.kind == kind)
    if audience != "staff":
        statement = statement.where(FinanceDocument.status.not_in(HIDDEN_FROM_CLIENTS))
    page = keyset_page(session, statement, [FinanceDocument.created_at, FinanceDocument.id], limit=limit, cursor=cursor)
    return page.map(lambda document: present(session, document, audience))


def list_payments(session: Session, caller: Caller, invoice_id: str) -> list[dict]:
    invoice, _ = _readable(session, caller, invoice_id, "invoice")
    return [present_payment(payment, invoice.currency) for payment in _payments(session, invoice.id)]


def _payments(session: Session, invoice_id: str) -> list[Payment]:
    return list(
        session.scalars(
            select(Payment).where(Payment.invoice_id == invoice_id).order_by(Payment.created_at, Payment.id)
        )
    )


def present_line(line: FinanceLine) -> dict:
    return {
        "id": line.id,
        "position": line.position,
        "label": line.label,
        "quantity": money.format_milli(line.quantity_milli),
        "unit": line.unit,
        "unit_price": money.format_cents(line.unit_price_cents),
        "vat_rate": money.format_bp(line.vat_rate_bp),
        "net": money.format_cents(line.net_cents),
        "vat": money.format_cents(line.vat_cents),
        "total": money.format_cents(line.total_cents),
        "source_line_id": line.source_line_id,
    }


def present_payment(payment: Payment, currency: str) -> dict:
    return {
        "id": payment.id,
        "invoice_id": payment.invoice_id,
        "amount": money.format_cents(payment.amount_cents),
        "currency": currency,
        "paid_on": payment.paid_on,
        "method": payment.method,
        "reference": payment.reference,
        "created_at": payment.created_at,
    }


def present(session: Session, document: FinanceDocument, audience: str) -> dict:
    result = {
        "id": document.id,
        "dossier_id": document.dossier_id,
        "kind": document.kind,
        "number": document.number,
        "status": document.status,
        "title": document.title,
        "currency": document.currency,
        "source_id": document.source_id,
        "lines": [present_line(line) for line in _lines(session, document.id)],
        "net": money.format_cents(document.net_cents),
        "vat": money.format_cents(document.vat_cents),
        "total": money.format_cents(document.total_cents),
        "valid_until": document.valid_until,
        "due_on": document.due_on,
        "issued_at": document.issued_at,
        "pdf_document_id": document.pdf_document_id,
        "created_at": document.created_at,
        "updated_at": document.updated_at,
    }
    if document.kind == "invoice":
        result["paid"] = money.format_cents(document.paid_cents)
        result["credited"] = money.format_cents(document.credited_cents)
        result["balance_due"] = money.format_cents(balance_due(document))
        result["credit_notes"] = [
            {"id": note.id, "number": note.number, "total": money.format_cents(note.total_cents)}
            for note in session.scalars(
                select(FinanceDocument)
                .where(FinanceDocument.kind == "credit_note", FinanceDocument.source_id == document.id)
                .order_by(FinanceDocument.created_at)
            )
        ]
    return result


def order_of_dossier(session: Session, dossier_id: str, order_id: str) -> FinanceDocument | None:
    order = session.get(FinanceDocument, order_id)
    if order is None or order.kind != "order" or order.dossier_id != dossier_id:
        return None
    return order


def today() -> date:
    return clock.now().date()
