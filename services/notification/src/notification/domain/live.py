"""What the live stream tells whom: the dossier changes a person may hear of, and what a line carries.

A line says *that* something changed (the event's type and the ids it is about), never the content: the
person's page reads the content again through the REST API, which applies every view and visibility rule.
Staff hear of every change (they see every dossier); everyone else hears of a change only when they are an
actor of the dossier (``services/targeting.dossier_actors``) who may see what the change is about
(``audience.may_see``, the rule the in-app notifications follow).
"""

from __future__ import annotations

from .audience import CLIENT, PARTICIPANT, STAFF, Person, Subject, may_see

NOTIFICATION, DOSSIER = "notification", "dossier"
STAFF_AUDIENCE = "staff"

# Changes only staff hear of: the third parties' work (answers, invitations, pieces), a document's sharing or
# removal (who could see it is not in the event), filings, appointments (their attendees get a notification).
STAFF_ONLY_PREFIXES = ("solicitation.", "contributor.", "piece.", "filing.", "event.")
STAFF_ONLY_TYPES = frozenset({"document.visibility_changed", "document.deleted", "dossier.assigned"})
# The dossier's important developments are the client side's (the built-in rule tells the client side only).
CLIENT_SIDE_TYPES = frozenset({"dossier.development_added"})
# The ids a line may carry, besides the dossier's: enough for a page to know which part to read again.
CARRIED_IDS = ("solicitation_id", "contributor_id", "document_id", "note_id", "filing_id")


def audience_of(person: Person) -> str:
    return f"sub:{person.sub}"


def audiences_of_caller(sub: str, role: str) -> tuple[str, ...]:
    """The audiences whose lines a caller's stream carries: their own, and the staff's for agents and admins."""
    own = f"sub:{sub}"
    return (own, STAFF_AUDIENCE) if role in ("agent", "admin") else (own,)


def is_dossier_change(event_type: str, data: dict) -> bool:
    return bool(data.get("dossier_id")) and not event_type.startswith(("contract.", "attestation."))


def may_hear_of(person: Person, event_type: str, subject: Subject) -> bool:
    """Whether a non-staff actor of the dossier hears of this change."""
    if person.kind == STAFF:
        return False  # staff hear of it through the staff audience, once
    if not person.sub or event_type.startswith(STAFF_ONLY_PREFIXES) or event_type in STAFF_ONLY_TYPES:
        return False
    if event_type in CLIENT_SIDE_TYPES:
        return person.kind in (CLIENT, PARTICIPANT) and subject.client_visible
    return may_see(person, subject)


def change_data(event_id: str, event_type: str, data: dict, at: str) -> dict:
    """What a dossier change line carries: its type, when, and the ids it is about (no content)."""
    carried = {name: data[name] for name in CARRIED_IDS if isinstance(data.get(name), str)}
    return {"event_id": event_id, "type": event_type, "dossier_id": data["dossier_id"], "at": at, **carried}
