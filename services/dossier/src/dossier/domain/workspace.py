"""Rules of a dossier's workspace: the statuses of quotes, orders and invoices, and who sees which item.

One rule set (``SEES``) says, for each kind of caller, which kinds of workspace items they see; every route
and every feed asks it (``may_see``) and ``tests/test_workspace_access.py`` checks each line."""

from __future__ import annotations

from platform_shared.auth import Caller

# --- statuses -------------------------------------------------------------------------------------------

QUOTE_TRANSITIONS: dict[str, tuple[str, ...]] = {
    "draft": ("sent",),
    "sent": ("accepted", "refused", "expired"),
    "accepted": (),
    "refused": (),
    "expired": (),
}
ORDER_TRANSITIONS: dict[str, tuple[str, ...]] = {"open": ("delivered", "cancelled"), "delivered": (), "cancelled": ()}
# partially_paid and paid are reached by recording payments, never asked for directly.
INVOICE_TRANSITIONS: dict[str, tuple[str, ...]] = {
    "draft": ("issued", "cancelled"),
    "issued": ("cancelled",),
    "partially_paid": (),
    "paid": (),
    "cancelled": (),
}
CREDIT_NOTE_TRANSITIONS: dict[str, tuple[str, ...]] = {"issued": ()}
TRANSITIONS = {
    "quote": QUOTE_TRANSITIONS,
    "order": ORDER_TRANSITIONS,
    "invoice": INVOICE_TRANSITIONS,
    "credit_note": CREDIT_NOTE_TRANSITIONS,
}
INITIAL_STATUS = {"quote": "draft", "order": "open", "invoice": "draft", "credit_note": "issued"}
NUMBER_PREFIX = {"quote": "QUO", "order": "ORD", "invoice": "INV", "credit_note": "CRN"}
# Invoices a payment or a credit note may still be recorded against.
PAYABLE_STATUSES = ("issued", "partially_paid")
CREDITABLE_STATUSES = ("issued", "partially_paid", "paid")
# Order lines already billed by these invoices cannot be billed again.
BILLING_STATUSES = ("draft", "issued", "partially_paid", "paid")


def allowed(kind: str, current: str, target: str) -> bool:
    return target in TRANSITIONS[kind].get(current, ())


# --- who sees what --------------------------------------------------------------------------------------

AUDIENCES = ("staff", "client", "company_member", "participant", "contributor", "partner")
ITEMS = (
    "quote",
    "order",
    "invoice",
    "finance_pdf",
    "billed_expense",
    "unbilled_expense",
    "event",
    "activity",
    "participant_names",
)
_CLIENT_SIDE = frozenset(
    {"quote", "order", "invoice", "finance_pdf", "billed_expense", "event", "activity", "participant_names"}
)
FINANCIAL_ITEMS = frozenset({"quote", "order", "invoice", "finance_pdf"})
SEES: dict[str, frozenset[str]] = {
    "staff": frozenset(ITEMS),
    "client": _CLIENT_SIDE,
    "company_member": _CLIENT_SIDE,
    # Intervenants: what a client sees, but neither quotes, orders, invoices nor their PDFs.
    "participant": _CLIENT_SIDE - FINANCIAL_ITEMS,
    "contributor": frozenset(),
    "partner": frozenset(),
}


def may_see(audience: str, item: str) -> bool:
    return item in SEES.get(audience, frozenset())


def audience_of(caller: Caller, client_sub: str | None, client_org: str | None) -> str | None:
    """The kind of caller a token is for one dossier, or None when it is not an actor of it.

    Staff and services are ``staff``. A client is ``client`` on their own dossier and ``company_member`` on
    their company's; a partner token (partners, contributors and participants alike) is ``partner``: third
    parties reach the workspace only through the partner-gateway, which names the third party's kind."""
    if caller.is_staff or caller.is_service:
        return "staff"
    if caller.role == "client":
        if client_sub is not None and client_sub == caller.sub:
            return "client"
        if client_org is not None and client_org == caller.org:
            return "company_member"
        return None
    if caller.role == "partner":
        return "partner"
    return None


def expense_item(billable: bool) -> str:
    return "billed_expense" if billable else "unbilled_expense"


# Timeline visibilities of workspace items: what the client side sees is ``requester``; what participants
# see too is ``participants``; the rest is internal.
def timeline_visibility(item: str) -> str:
    if may_see("participant", item):
        return "participants"
    if may_see("client", item):
        return "requester"
    return "internal"
