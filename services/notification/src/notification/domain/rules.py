"""Built-in rules (work with no configuration, can be switched off) and admin rules: event -> targets."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from platform_shared.messaging.envelope import Envelope

from .audience import Person

if TYPE_CHECKING:  # the ORM row is read as plain data here
    from ..db import DossierCopy

EMAIL, IN_APP, BOTH = "email", "in_app", "both"
CHANNELS = (EMAIL, IN_APP, BOTH)
PORTAL_REQUESTS_GROUP = "portal_requests"


@dataclass(frozen=True)
class Target:
    """Send ``template`` to ``person`` over ``channel`` because of ``rule``."""

    person: Person
    channel: str
    template: str
    rule: str


@dataclass(frozen=True)
class BuiltinRule:
    name: str
    event_types: tuple[str, ...]
    description: str
    template: str
    channel: str
    recipients: str  # who receives it: a name that services.targeting resolves (it needs the database)
    # An acknowledgement goes to the very person who acted; every other rule leaves the actor out.
    tells_actor: bool = False


BUILTIN_RULES: tuple[BuiltinRule, ...] = (
    BuiltinRule(
        "partner_key",
        ("solicitation.created", "solicitation.key_reissued"),
        "The solicited partner receives the solicitation (and its access key when external).",
        "partner_key",
        EMAIL,
        "partner",
    ),
    BuiltinRule(
        "partner_reminder",
        ("solicitation.reminded",),
        "The partner who has not answered is reminded.",
        "partner_reminder",
        EMAIL,
        "partner",
    ),
    BuiltinRule(
        "contributor_invitation",
        ("contributor.invited",),
        "An invited contributor or participant receives the invitation and key when 'notify' is set.",
        "contributor_invitation",
        EMAIL,
        "invited",
    ),
    BuiltinRule(
        "on_behalf_claim",
        ("filing.created",),
        "The person a partner filed a dossier for receives the key to claim it as their own.",
        "on_behalf_claim",
        EMAIL,
        "filed_for",
    ),
    BuiltinRule(
        "partner_answered",
        ("solicitation.answered",),
        "The dossier's assignee is told a partner answered (opinion or completion).",
        "partner_answered",
        BOTH,
        "assignee",
    ),
    BuiltinRule(
        "piece_provided",
        ("piece.provided",),
        "The dossier's assignee is told a contributor provided a piece.",
        "piece_provided",
        BOTH,
        "assignee",
    ),
    BuiltinRule(
        "solicitation_changed",
        ("solicitation.changed",),
        "The partner is told their solicitation changed (due date, instructions, scope, open statuses), when "
        "they can act on it.",
        "solicitation_changed",
        EMAIL,
        "partner",
    ),
    BuiltinRule(
        "partner_declined",
        ("solicitation.declined",),
        "The dossier's assignee is told a partner declined, with the reason.",
        "partner_declined",
        BOTH,
        "assignee",
    ),
    BuiltinRule(
        "contributor_reminder",
        ("contributor.reminded",),
        "A contributor who has not provided every piece is reminded of the missing ones.",
        "contributor_reminder",
        EMAIL,
        "invited_reminded",
    ),
    BuiltinRule(
        "validation_requested",
        ("attestation.validation_requested",),
        "The validators are asked to approve or reject an attestation.",
        "validation_requested",
        BOTH,
        "validators",
    ),
    BuiltinRule(
        "attestation_issued",
        ("attestation.issued",),
        "The client is told an attestation is ready.",
        "attestation_issued",
        BOTH,
        "client",
    ),
    BuiltinRule(
        "attestation_approved",
        ("attestation.approved",),
        "The client is told an attestation was approved.",
        "attestation_approved",
        BOTH,
        "client",
    ),
    BuiltinRule(
        "attestation_rejected",
        ("attestation.rejected",),
        "The client is told an attestation request was rejected.",
        "attestation_rejected",
        BOTH,
        "client",
    ),
    BuiltinRule(
        "attestation_failed",
        ("attestation.failed",),
        "The client is told their attestation could not be generated.",
        "attestation_failed",
        BOTH,
        "client",
    ),
    BuiltinRule(
        "attestation_failed_validators",
        ("attestation.failed",),
        "The validators the request names (the product's, or the global ones) are told a generation failed.",
        "attestation_failed_staff",
        BOTH,
        "validators",
    ),
    BuiltinRule(
        "attestation_revoked",
        ("attestation.revoked",),
        "The client is told an attestation was revoked (and why).",
        "attestation_revoked",
        BOTH,
        "client",
    ),
    BuiltinRule(
        "document_added",
        ("document.added",),
        "The dossier's other actors who may see the document.",
        "document_added",
        BOTH,
        "visible_actors",
    ),
    BuiltinRule(
        "note_added",
        ("dossier.note_added",),
        "The dossier's other actors the note's visibility allows.",
        "note_added",
        BOTH,
        "visible_actors",
    ),
    BuiltinRule(
        "status_changed",
        ("dossier.status_changed",),
        "The dossier's other actors, when the new status is visible to the client.",
        "status_changed",
        BOTH,
        "status_actors",
    ),
    BuiltinRule(
        "portal_request",
        ("dossier.created",),
        f"The recipients registered in the '{PORTAL_REQUESTS_GROUP}' group, for a portal request.",
        "portal_request",
        BOTH,
        "portal_request_team",
    ),
    BuiltinRule(
        "portal_request_received",
        ("dossier.created",),
        "The requester is told their portal request was received (an acknowledgement).",
        "portal_request_received",
        EMAIL,
        "portal_requester",
        tells_actor=True,
    ),
    BuiltinRule(
        "development_added",
        ("dossier.development_added",),
        "The requester (the dossier's client side) is told of an important development.",
        "development_added",
        BOTH,
        "client_side",
    ),
    BuiltinRule(
        "event_invitation",
        ("event.scheduled", "event.rescheduled"),
        "The attendees of a scheduled or moved appointment or meeting (and the dossier's client) receive the "
        "invitation, with its .ics (METHOD:REQUEST).",
        "event_invitation",
        BOTH,
        "event_attendees",
    ),
    BuiltinRule(
        "event_cancelled",
        ("event.cancelled",),
        "The attendees of a cancelled appointment or meeting (and the dossier's client) are told, with its .ics "
        "(METHOD:CANCEL).",
        "event_cancelled",
        BOTH,
        "event_attendees",
    ),
)
BUILTIN_BY_NAME = {rule.name: rule for rule in BUILTIN_RULES}


def event_facts(envelope: Envelope, dossier: DossierCopy | None) -> dict[str, object]:
    """The values admin rule filters compare with (from the event, else from the dossier copy)."""
    data = envelope.data
    visibility = data.get("visibility")
    flags: set[str] = set()
    if isinstance(visibility, str):
        flags.add(visibility)
    elif isinstance(visibility, dict):
        flags.update(name for name in ("client", "partner") if visibility.get(name))
        flags.update(f"role:{role}" for role in visibility.get("roles") or [])
    return {
        "category": data.get("category") or (dossier.category if dossier else None),
        "model_id": data.get("model_id") or (dossier.model_id if dossier else None),
        "origin": data.get("origin") or (dossier.origin if dossier else None),
        "visibility": flags,
    }


def rule_matches(filters: dict, facts: dict) -> bool:
    for name in ("category", "model_id", "origin"):
        if filters.get(name) and filters[name] != facts.get(name):
            return False
    return not (filters.get("visibility") and filters["visibility"] not in facts["visibility"])
