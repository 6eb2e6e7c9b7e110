"""The workspace of a dossier as the portal shows it (quotes, orders, invoices, credit notes, events, expenses,
time spent, participants): the reads (shared with the CRM's dossier page), the client's and the participant's
views, an event's .ics for the client."""

from __future__ import annotations

from ..clients import Api
from ..identity import signed_in
from . import bp
from .common import pdf_states, stream_ics

READS = ("quotes", "orders", "invoices", "credit_notes", "events", "expenses", "activities", "participants")


def workspace_calls(dossier_id: str, calls: Api) -> dict:
    """The workspace's reads, to run with the dossier page's other calls (each one a list, or the totals)."""

    def listed(path: str):
        return lambda: calls.optional(lambda: calls.get_all("dossier", path), default=[])

    return {
        "quotes": listed(f"/dossiers/{dossier_id}/quotes"),
        "orders": listed(f"/dossiers/{dossier_id}/orders"),
        "invoices": listed(f"/dossiers/{dossier_id}/invoices"),
        "credit_notes": listed(f"/dossiers/{dossier_id}/credit-notes"),
        "events": listed(f"/dossiers/{dossier_id}/events"),
        "expenses": listed(f"/dossiers/{dossier_id}/expenses"),
        "activities": listed(f"/dossiers/{dossier_id}/activities"),
        "participants": lambda: calls.optional(
            lambda: calls.get("dossier", f"/dossiers/{dossier_id}/participants")["items"], default=[]
        ),
        "activity_totals": lambda: calls.optional(
            lambda: calls.get("dossier", f"/dossiers/{dossier_id}/activity-totals"), default=None
        ),
    }


def client_workspace(found: dict) -> dict:
    """The client's view of the workspace (the API already leaves out drafts and unbilled expenses): the items,
    the state of each filed PDF and which receipts the client may open (the documents listed for them)."""
    visible = {document["id"] for document in found["documents"]}
    return {
        "ws": {name: found[name] for name in (*READS, "activity_totals")},
        "ws_pdf": pdf_states(found["documents"]),
        "ws_visible": visible,
        "ws_ics": True,
    }


def participant_workspace(view: dict | None) -> dict:
    """A participant's view (``GET /me/dossiers/{id}/workspace``): events, billed expenses, activities and the
    participants' names; never quotes, orders or invoices. No .ics: the gateway offers none to third parties."""
    view = view or {}
    return {
        "ws": {name: view.get(name) or [] for name in ("events", "expenses", "activities", "participants")}
        | {
            "activity_totals": view.get("activity_totals"),
            "quotes": [],
            "orders": [],
            "invoices": [],
            "credit_notes": [],
        },
        "ws_pdf": {},
        "ws_visible": set(),
        "ws_ics": False,
    }


@bp.get("/events/<event_id>.ics")
@signed_in("client")
def event_ics(event_id: str):
    """An event of one of my dossiers as an iCalendar file (the dossier service's, streamed through)."""
    return stream_ics(f"/events/{event_id}.ics")
