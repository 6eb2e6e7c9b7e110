"""Built-in rules (work with no configuration, can be switched off) and admin rules: event -> targets."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from platform_shared.messaging.envelope import Envelope

from ..db import BuiltinSwitch, DossierCopy, Rule
from . import audience
from .audience import ADDRESS, CLIENT, PARTNER, STAFF, Person

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
    recipients: Callable[[Session, Envelope, DossierCopy | None], list[Person]]


def _partner(session, envelope, dossier) -> list[Person]:
    data = envelope.data
    kind = PARTNER if data.get("partner_sub") else ADDRESS
    if not data.get("partner_email"):
        return []
    return [Person(kind, data.get("partner_sub"), data["partner_email"], data.get("partner_name"))]


def _invited(session, envelope, dossier) -> list[Person]:
    data = envelope.data
    if not data.get("notify") or not data.get("email"):
        return []
    return [Person(ADDRESS, None, data["email"], data.get("name"), data.get("role"))]


def _validators(session, envelope, dossier) -> list[Person]:
    data = envelope.data
    people = [audience.person_for_sub(session, sub, STAFF) for sub in data.get("validator_subs") or []]
    if data.get("validator_role"):
        people += audience.people_with_role(session, data["validator_role"])
    return people


def _client(session, envelope, dossier) -> list[Person]:
    data = envelope.data
    if data.get("client_sub"):
        return [audience.person_for_sub(session, data["client_sub"], CLIENT, email=data.get("client_email"))]
    return [Person(CLIENT, email=data["client_email"])] if data.get("client_email") else []


def _visible_actors(session, envelope, dossier) -> list[Person]:
    subject = audience.subject_of(envelope.type, envelope.data, dossier)
    return [person for person in audience.dossier_actors(session, dossier) if audience.may_see(person, subject)]


def _status_actors(session, envelope, dossier) -> list[Person]:
    if not envelope.data.get("client_visible"):
        return []
    return _visible_actors(session, envelope, dossier)


def _portal_request_team(session, envelope, dossier) -> list[Person]:
    if envelope.data.get("origin") != "portal":
        return []
    return audience.people_in_group(session, PORTAL_REQUESTS_GROUP)


BUILTIN_RULES: tuple[BuiltinRule, ...] = (
    BuiltinRule(
        "partner_key",
        ("solicitation.created", "solicitation.key_reissued"),
        "The solicited partner receives the solicitation (and its access key when external).",
        "partner_key",
        EMAIL,
        _partner,
    ),
    BuiltinRule(
        "partner_reminder",
        ("solicitation.reminded",),
        "The partner who has not answered is reminded.",
        "partner_reminder",
        EMAIL,
        _partner,
    ),
    BuiltinRule(
        "contributor_invitation",
        ("contributor.invited",),
        "An invited contributor or participant receives the invitation and key when 'notify' is set.",
        "contributor_invitation",
        EMAIL,
        _invited,
    ),
    BuiltinRule(
        "validation_requested",
        ("attestation.validation_requested",),
        "The validators are asked to approve or reject an attestation.",
        "validation_requested",
        BOTH,
        _validators,
    ),
    BuiltinRule(
        "attestation_issued",
        ("attestation.issued",),
        "The client is told an attestation is ready.",
        "attestation_issued",
        BOTH,
        _client,
    ),
    BuiltinRule(
        "attestation_approved",
        ("attestation.approved",),
        "The client is told an attestation was approved.",
        "attestation_approved",
        BOTH,
        _client,
    ),
    BuiltinRule(
        "attestation_rejected",
        ("attestation.rejected",),
        "The client is told an attestation request was rejected.",
        "attestation_rejected",
        BOTH,
        _client,
    ),
    BuiltinRule(
        "attestation_failed",
        ("attestation.failed",),
        "The client is told their attestation could not be generated.",
        "attestation_failed",
        BOTH,
        _client,
    ),
    BuiltinRule(
        "attestation_failed_validators",
        ("attestation.failed",),
        "The validators the request names (the product's, or the global ones) are told a generation failed.",
        "attestation_failed_staff",
        BOTH,
        _validators,
    ),
    BuiltinRule(
        "document_added",
        ("document.added",),
        "The dossier's other actors who may see the document.",
        "document_added",
        BOTH,
        _visible_actors,
    ),
    BuiltinRule(
        "note_added",
        ("dossier.note_added",),
        "The dossier's other actors the note's visibility allows.",
        "note_added",
        BOTH,
        _visible_actors,
    ),
    BuiltinRule(
        "status_changed",
        ("dossier.status_changed",),
        "The dossier's other actors, when the new status is visible to the client.",
        "status_changed",
        BOTH,
        _status_actors,
    ),
    BuiltinRule(
        "portal_request",
        ("dossier.created",),
        f"The recipients registered in the '{PORTAL_REQUESTS_GROUP}' group, for a portal request.",
        "portal_request",
        BOTH,
        _portal_request_team,
    ),
)
BUILTIN_BY_NAME = {rule.name: rule for rule in BUILTIN_RULES}


def builtin_enabled(session: Session) -> dict[str, bool]:
    switches = {row.name: row.enabled for row in session.execute(select(BuiltinSwitch)).scalars()}
    return {rule.name: switches.get(rule.name, True) for rule in BUILTIN_RULES}


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


def admin_rule_people(session: Session, rule: Rule, envelope: Envelope, dossier: DossierCopy | None) -> list[Person]:
    recipients = rule.recipients or {}
    people = [audience.person_for_sub(session, sub, STAFF) for sub in recipients.get("users") or []]
    for role in recipients.get("roles") or []:
        people += audience.people_with_role(session, role)
    for group in recipients.get("groups") or []:
        people += audience.people_in_group(session, group)
    people += [Person(ADDRESS, email=address) for address in recipients.get("addresses") or []]
    if recipients.get("dossier_actors"):
        subject = audience.subject_of(envelope.type, envelope.data, dossier)
        people += [person for person in audience.dossier_actors(session, dossier) if audience.may_see(person, subject)]
    return people


def targets_for(session: Session, envelope: Envelope, dossier: DossierCopy | None) -> list[Target]:
    """Every (person, channel, template) an event calls for, minus the actor who caused it."""
    targets: list[Target] = []
    enabled = builtin_enabled(session)
    for rule in BUILTIN_RULES:
        if envelope.type in rule.event_types and enabled[rule.name]:
            people = audience.without_actor(rule.recipients(session, envelope, dossier), envelope.actor)
            targets += [Target(person, rule.channel, rule.template, f"builtin:{rule.name}") for person in people]
    admin_rules = session.execute(
        select(Rule).where(Rule.event_type == envelope.type).order_by(Rule.created_at, Rule.id)
    ).scalars()
    facts = event_facts(envelope, dossier)
    for rule in admin_rules:
        if rule_matches(rule.filters or {}, facts):
            people = audience.without_actor(admin_rule_people(session, rule, envelope, dossier), envelope.actor)
            targets += [
                Target(audience.with_language(person, rule.language), rule.channel, rule.template, f"rule:{rule.id}")
                for person in people
            ]
    return targets
