"""Expenses of a dossier (travel, purchases...): net amount, VAT, billable to the client or not, a receipt
(a document of the documents service). The client side sees only the billable ones."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from platform_shared import clock
from platform_shared.auth import Caller
from platform_shared.errors import NotFound
from platform_shared.messaging.outbox import record_event
from platform_shared.pagination import Page, keyset_page

from .. import SERVICE_NAME
from ..domain import money
from ..domain.errors import DossierClosed
from ..domain.workspace import expense_item, may_see, timeline_visibility
from ..domain.workspace_errors import InvalidWorkspaceInput, invalid
from ..workspace_db import Expense
from . import timeline
from .workspace_access import display_name, readable_dossier, writable_dossier

CATEGORIES = ("travel", "purchase", "service", "other")


def check_open(session: Session, caller: Caller, dossier_id: str) -> None:
    """Before asking the documents service about a receipt: 404 unknown dossier, 409 closed (nothing locked)."""
    dossier, _ = readable_dossier(session, caller, dossier_id, "unbilled_expense")
    if dossier.closed:
        raise DossierClosed(dossier.reference)


def check_receipt(documents, dossier_id: str, receipt_document_id: str | None) -> None:
    """A receipt is a document of this dossier in the documents service (422 naming ``receipt_document_id``
    otherwise): an expense never points at someone else's file, nor at nothing."""
    if receipt_document_id is None:
        return
    try:
        document = documents.document(receipt_document_id)
    except NotFound:
        raise invalid("receipt_document_id", "No such document in the documents service.") from None
    if document.get("dossier_id") != dossier_id:
        raise invalid("receipt_document_id", "Not a document of this dossier.")


def record(session: Session, caller: Caller, dossier_id: str, body: dict[str, Any], settings) -> dict:
    dossier = writable_dossier(session, caller, dossier_id)
    problems: dict[str, list[str]] = {}
    net = vat_rate = None
    try:
        net = money.to_cents(money.parse_decimal(body["amount"], places=2, allow_zero=False))
    except money.MoneyError as error:
        problems["amount"] = [str(error)]
    try:
        vat_rate = money.rate_to_bp(money.parse_decimal(body["vat_rate"], places=2))
        if vat_rate not in {money.rate_to_bp(money.parse_decimal(r, places=2)) for r in settings.vat_rates}:
            raise money.MoneyError("Not a configured VAT rate: " + ", ".join(settings.vat_rates) + ".")
    except money.MoneyError as error:
        problems["vat_rate"] = [str(error)]
    if body["currency"] not in settings.currencies:
        problems["currency"] = ["Not a configured currency: " + ", ".join(settings.currencies) + "."]
    if problems:
        raise InvalidWorkspaceInput(problems)
    amounts = money.line_amounts(1000, net, vat_rate)
    expense = Expense(
        id=clock.new_id(),
        dossier_id=dossier.id,
        spent_on=body["spent_on"],
        label=body["label"],
        category=body["category"],
        currency=body["currency"],
        net_cents=amounts.net_cents,
        vat_rate_bp=vat_rate,
        vat_cents=amounts.vat_cents,
        total_cents=amounts.total_cents,
        billable=body["billable"],
        receipt_document_id=body.get("receipt_document_id"),
        created_by=caller.sub,
        created_by_name=display_name(caller),
        created_at=clock.now(),
    )
    session.add(expense)
    session.flush()
    data = present(expense)
    record_event(
        session,
        "expense.recorded",
        {
            **{k: v for k, v in data.items() if k not in ("created_at", "spent_on")},
            "expense_id": expense.id,
            "spent_on": expense.spent_on.isoformat(),
            "reference": dossier.reference,
            "client_sub": dossier.client_sub,
            "client_org": dossier.client_org,
        },
        producer=SERVICE_NAME,
        aggregate_id=dossier.id,
        actor=caller.as_actor(),
    )
    timeline.append(
        session,
        dossier.id,
        "expense_recorded",
        f"Expense recorded: {expense.label} ({data['total']} {expense.currency}) by {display_name(caller)}",
        visibility=timeline_visibility(expense_item(expense.billable)),
        actor=caller.as_actor(),
        details={"expense_id": expense.id, "actor_name": display_name(caller)},
        subject_id=expense.id,
    )
    return data


def present(expense: Expense) -> dict:
    return {
        "id": expense.id,
        "dossier_id": expense.dossier_id,
        "spent_on": expense.spent_on,
        "label": expense.label,
        "category": expense.category,
        "currency": expense.currency,
        "amount": money.format_cents(expense.net_cents),
        "vat_rate": money.format_bp(expense.vat_rate_bp),
        "vat": money.format_cents(expense.vat_cents),
        "total": money.format_cents(expense.total_cents),
        "billable": expense.billable,
        "receipt_document_id": expense.receipt_document_id,
        "recorded_by": expense.created_by_name,
        "created_at": expense.created_at,
    }


def _visible_statement(dossier_id: str, audience: str):
    statement = select(Expense).where(Expense.dossier_id == dossier_id)
    if not may_see(audience, "unbilled_expense"):
        statement = statement.where(Expense.billable.is_(True))
    return statement


def list_expenses(session: Session, caller: Caller, dossier_id: str, *, limit: int, cursor: str | None) -> Page:
    _, audience = readable_dossier(session, caller, dossier_id, "billed_expense")
    return keyset_page(
        session, _visible_statement(dossier_id, audience), [Expense.spent_on, Expense.id], limit=limit, cursor=cursor
    ).map(present)


def visible_expenses(session: Session, dossier_id: str, audience: str) -> list[dict]:
    statement = _visible_statement(dossier_id, audience).order_by(Expense.spent_on, Expense.id)
    return [present(expense) for expense in session.scalars(statement)]


def get_expense(session: Session, caller: Caller, expense_id: str) -> dict:
    expense = session.get(Expense, expense_id)
    if expense is None:
        raise NotFound("No such expense.")
    _, audience = readable_dossier(session, caller, expense.dossier_id, "billed_expense")
    if not may_see(audience, expense_item(expense.billable)):
        raise NotFound("No such expense.")
    return present(expense)
