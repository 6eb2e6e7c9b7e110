"""Words for the codes the APIs send (roles, states, types), in the person's language."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

ROLES = {
    "agent": _l("Agent"),
    "admin": _l("Administrator"),
    "client": _l("Client"),
    "partner": _l("Partner / third party"),
}
SOLICITATION_TYPES = {
    "opinion": _l("Opinion"),
    "completion": _l("Completion"),
    "opinion_completion": _l("Opinion and completion"),
}
SOLICITATION_STATES = {
    "pending": _l("Waiting for the key"),
    "attached": _l("Answer expected"),
    "answered": _l("Answered"),
    "revoked": _l("Revoked"),
    "expired": _l("Expired"),
    "cancelled": _l("Cancelled"),
}
VERDICTS = {
    "favorable": _l("Favourable"),
    "reserved": _l("Favourable with reservations"),
    "unfavorable": _l("Unfavourable"),
}
CONTRACT_STATUSES = {
    "draft": _l("Draft"),
    "in_force": _l("In force"),
    "suspended": _l("Suspended"),
    "terminated": _l("Terminated"),
}
ATTESTATION_STATES = {
    "generating": _l("Being generated"),
    "issued": _l("Available"),
    "pending_validation": _l("Sent for validation"),
    "failed": _l("Failed"),
    "rejected": _l("Refused"),
    "approved": _l("Available"),
}
DOCUMENT_CATEGORIES = {
    "supporting_piece": _l("Supporting piece"),
    "opinion": _l("Opinion"),
    "attestation": _l("Attestation"),
    "letter": _l("Letter"),
    "invoice": _l("Invoice"),
    "quote": _l("Quote"),
    "other": _l("Other"),
}
BENEFICIARY_KINDS = {"person": _l("Person"), "vehicle": _l("Vehicle"), "building": _l("Building")}
NOTE_AUDIENCES = {
    "requester": _l("With our team"),
    "participants": _l("Shared with participants"),
    "internal": _l("Internal"),
}
STAFF_NOTE_AUDIENCES = {
    "internal": _l("Internal (staff only)"),
    "requester": _l("To the requester"),
    "participants": _l("To the requester and participants"),
}
INVITATION_STATES = {"invited": _l("Invited"), "attached": _l("Attached"), "revoked": _l("Revoked")}
TASK_STATES = {"open": _l("To decide"), "approved": _l("Approved"), "rejected": _l("Rejected")}
WORKSPACE_STATUSES = {
    "draft": _l("Draft"),
    "sent": _l("Sent"),
    "accepted": _l("Accepted"),
    "refused": _l("Refused"),
    "expired": _l("Expired"),
    "open": _l("Ongoing"),  # an order's status ("Open" reads as the verb in French)
    "delivered": _l("Delivered"),
    "cancelled": _l("Cancelled"),
    "issued": _l("Issued"),
    "partially_paid": _l("Partially paid"),
    "paid": _l("Paid"),
}
# The buttons of a quote's, an order's or an invoice's moves (by the status they lead to).
WORKSPACE_MOVES = {
    "sent": _l("Send"),
    "accepted": _l("Accepted by the client"),
    "refused": _l("Refused by the client"),
    "expired": _l("Expired"),
    "delivered": _l("Delivered"),
    "cancelled": _l("Cancel"),
    "issued": _l("Issue"),
}
EXPENSE_CATEGORIES = {
    "travel": _l("Travel"),
    "purchase": _l("Purchase"),
    "service": _l("Service"),
    "other": _l("Other"),
}
EVENT_KINDS = {"appointment": _l("Appointment"), "meeting": _l("Meeting")}
TONES = {
    "answered": "success",
    "attached": "warning",
    "pending": "neutral",
    "in_force": "success",
    "terminated": "danger",
    "suspended": "warning",
    "issued": "success",
    "approved": "success",
    "pending_validation": "warning",
    "generating": "primary",
    "failed": "danger",
    "rejected": "danger",
    "open": "warning",
    "revoked": "danger",
    "draft": "neutral",
    "sent": "primary",
    "accepted": "success",
    "refused": "danger",
    "expired": "neutral",
    "delivered": "success",
    "cancelled": "danger",
    "partially_paid": "warning",
    "paid": "success",
}


def label(table: dict, code) -> str:
    return str(table.get(code, code or ""))


def tone(code) -> str:
    return TONES.get(code, "neutral")


ATTESTATION_REASONS = {
    "no_template": _l("no attestation is offered for this product"),
    "not_in_force": _l("the contract is not in force"),
    "not_covered_by_paid_receipt": _l("today is not covered by a fully paid premium receipt"),
}


# The workspace's timeline entries (kind: the event type with "_"), by the number and name their details carry.
WORKSPACE_TIMELINE = {
    "quote_created": _l("Quote drafted by %(name)s"),
    "quote_updated": _l("Draft quote changed by %(name)s"),
    "quote_sent": _l("Quote %(number)s sent by %(name)s"),
    "quote_accepted": _l("Quote %(number)s accepted (recorded by %(name)s)"),
    "quote_refused": _l("Quote %(number)s refused (recorded by %(name)s)"),
    "quote_expired": _l("Quote %(number)s expired (recorded by %(name)s)"),
    "order_created": _l("Order %(number)s opened by %(name)s"),
    "order_delivered": _l("Order %(number)s delivered (recorded by %(name)s)"),
    "order_cancelled": _l("Order %(number)s cancelled by %(name)s"),
    "invoice_created": _l("Invoice drafted by %(name)s"),
    "invoice_updated": _l("Draft invoice changed by %(name)s"),
    "invoice_issued": _l("Invoice %(number)s issued by %(name)s"),
    "invoice_cancelled": _l("Invoice %(number)s cancelled by %(name)s"),
    "payment_recorded": _l("Payment on invoice %(number)s recorded by %(name)s"),
    "credit_note_issued": _l("Credit note %(number)s issued by %(name)s"),
    "event_scheduled": _l("Event scheduled by %(name)s"),
    "event_rescheduled": _l("Event moved by %(name)s"),
    "event_updated": _l("Event changed by %(name)s"),
    "event_cancelled": _l("Event cancelled by %(name)s"),
    "expense_recorded": _l("Expense recorded by %(name)s"),
    "activity_logged": _l("Time spent logged by %(name)s"),
}


def _after_colon(summary: str) -> str:
    """The name or label the dossier service puts after "…: " in its English summaries."""
    return summary.split(": ", 1)[1] if ": " in summary else ""


def timeline_text(entry: dict) -> str:
    """A history line in the person's language (the API's summaries are English sentences)."""
    kind, summary, details = entry.get("kind"), entry.get("summary") or "", entry.get("details") or {}
    if kind == "created":
        if details.get("origin") == "portal":
            return str(_l("Request filed from the portal"))
        return str(_l("Dossier created"))
    if kind == "assigned":
        return str(_l("Assigned to an agent"))
    if kind == "updated":
        return str(_l("Information updated"))
    if kind == "status_changed":
        return str(_l("Status: %(label)s", label=_after_colon(summary) or details.get("to", "")))
    if kind == "development":
        return str(_l("Important development: %(title)s", title=summary))
    if kind == "note":
        return str(_l("New message"))
    if kind == "document":
        return str(_l("Document added: %(name)s", name=_after_colon(summary) or summary))
    if kind == "closed":
        return str(_l("Dossier closed"))
    if kind == "piece":
        return str(_l("Piece provided by a contributor"))
    if kind == "attestation":
        return str(_l("Attestation issued: %(title)s", title=_after_colon(summary) or summary))
    if kind == "third_party_answer":
        return str(_l("Partner answer received"))
    if kind in WORKSPACE_TIMELINE and details.get("actor_name"):
        return str(WORKSPACE_TIMELINE[kind]) % {"number": details.get("number") or "", "name": details["actor_name"]}
    return summary
