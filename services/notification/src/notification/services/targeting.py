"""Who an event's notifications go to: the built-in rules' recipients, the admin rules' ones, minus the actor."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from platform_shared.i18n import supported
from platform_shared.messaging.envelope import Envelope

from ..db import BuiltinSwitch, Contact, DossierCopy, DossierParty, Rule
from ..domain import audience
from ..domain.audience import ADDRESS, CLIENT, CONTRIBUTOR, PARTICIPANT, PARTNER, STAFF, Person
from ..domain.rules import BUILTIN_RULES, PORTAL_REQUESTS_GROUP, Target, event_facts, rule_matches
from .local_copy import contact_for


def person_for_sub(
    session: Session, sub: str, kind: str, *, email: str | None = None, name: str | None = None, role: str | None = None
) -> Person:
    contact = contact_for(session, sub)
    if contact is not None:
        return Person(kind, sub, contact.email, name or contact.name, role, contact.language)
    return Person(kind, sub, email, name, role)


# The statements each event runs, built once with bound parameters (building them per event was a large part of
# a handler's CPU; issue 18).
_ACTIVE_PARTIES = (
    select(DossierParty)
    .where(
        DossierParty.dossier_id == bindparam("dossier_id"),
        DossierParty.active.is_(True),
        DossierParty.attached.is_(True),
    )
    .order_by(DossierParty.updated_at, DossierParty.id)
)
_RULES_OF_TYPE = select(Rule).where(Rule.event_type == bindparam("event_type")).order_by(Rule.created_at, Rule.id)


def dossier_actors(session: Session, dossier: DossierCopy | None) -> list[Person]:
    """The client side (the client, and the company's members who took part), the assignee and the
    attached, active third parties of a dossier."""
    if dossier is None:
        return []
    people: list[Person] = []
    if dossier.client_sub:
        people.append(person_for_sub(session, dossier.client_sub, CLIENT, email=dossier.client_email))
    elif dossier.client_email:
        people.append(Person(CLIENT, email=dossier.client_email))
    if dossier.assignee_sub:
        people.append(person_for_sub(session, dossier.assignee_sub, STAFF))
    parties = session.execute(_ACTIVE_PARTIES, {"dossier_id": dossier.dossier_id}).scalars()
    for party in parties:
        if party.sub:
            people.append(
                person_for_sub(session, party.sub, party.kind, email=party.email, name=party.name, role=party.role)
            )
    return people


def people_with_role(session: Session, role: str) -> list[Person]:
    contacts = session.execute(select(Contact).where(Contact.role == role).order_by(Contact.email)).scalars()
    kind = STAFF if role in ("agent", "admin") else CLIENT if role == "client" else PARTNER
    return [Person(kind, c.sub, c.email, c.name, None, c.language) for c in contacts]


def people_in_group(session: Session, group: str) -> list[Person]:
    contacts = session.execute(select(Contact).where(Contact.registered.is_(True)).order_by(Contact.email)).scalars()
    return [Person(STAFF, c.sub, c.email, c.name, None, c.language) for c in contacts if group in (c.groups or [])]


def _partner(session, envelope, dossier) -> list[Person]:
    """The solicited partner. An internal partner is an agent working in the CRM: told as staff, so every link
    goes to the CRM, never to the portal's attach page."""
    data = envelope.data
    if data.get("notify") is False:
        return []  # the gateway says the partner cannot act now (closed, hidden status, not open in it)
    kind = PARTNER if data.get("partner_sub") else ADDRESS
    if data.get("partner_kind") == "internal":
        kind = STAFF
    if not data.get("partner_email"):
        return []
    return [Person(kind, data.get("partner_sub"), data["partner_email"], data.get("partner_name"))]


def _invited(session, envelope, dossier) -> list[Person]:
    data = envelope.data
    if not data.get("notify") or not data.get("email"):
        return []
    return [Person(ADDRESS, None, data["email"], data.get("name"), data.get("role"))]


def _filed_for(session, envelope, dossier) -> list[Person]:
    """The person a partner filed a dossier for (by address: they have no account on it yet)."""
    data = envelope.data
    if not data.get("person_email"):
        return []
    return [Person(ADDRESS, None, data["person_email"], data.get("person_name"))]


def _assignee(session, envelope, dossier) -> list[Person]:
    """The dossier's assignee (from the local copy), told as staff."""
    if dossier is None or not dossier.assignee_sub:
        return []
    return [person_for_sub(session, dossier.assignee_sub, STAFF)]


def _invited_reminded(session, envelope, dossier) -> list[Person]:
    data = envelope.data
    if not data.get("email"):
        return []
    kind = CONTRIBUTOR if data.get("account_sub") else ADDRESS
    return [Person(kind, data.get("account_sub"), data["email"], data.get("name"), data.get("role"))]


def _validators(session, envelope, dossier) -> list[Person]:
    data = envelope.data
    people = [person_for_sub(session, sub, STAFF) for sub in data.get("validator_subs") or []]
    if data.get("validator_role"):
        people += people_with_role(session, data["validator_role"])
    return people


def _in_language(person: Person, language: str | None) -> Person:
    """The language the client chose for this request (their token's locale or their browser's) comes first."""
    chosen = supported(language)
    return replace(person, language=chosen) if chosen else person


def _client(session, envelope, dossier) -> list[Person]:
    data = envelope.data
    if data.get("client_sub"):
        person = person_for_sub(
            session, data["client_sub"], CLIENT, email=data.get("client_email"), name=data.get("client_name")
        )
    elif data.get("client_email"):
        person = Person(CLIENT, email=data["client_email"], name=data.get("client_name"))
    else:
        return []
    return [_in_language(person, data.get("client_language"))]


def _portal_requester(session, envelope, dossier) -> list[Person]:
    if envelope.data.get("origin") != "portal":
        return []
    return _client(session, envelope, dossier)


def _client_side(session, envelope, dossier) -> list[Person]:
    """The dossier's client and the members of the company who took part."""
    return [person for person in dossier_actors(session, dossier) if person.kind == CLIENT]


# An attendee's role, as the dossier service names it (docs/contracts.md, event.*), -> the side they stand on.
_ATTENDEE_SIDES = {
    "client": CLIENT,
    "agent": STAFF,
    "admin": STAFF,
    "participant": PARTICIPANT,
    "contributor": CONTRIBUTOR,
    "partner": PARTNER,
}


def _event_attendees(session, envelope, dossier) -> list[Person]:
    """The attendees the event names, then the dossier's client (an event of their dossier is theirs to know
    of) when not among them; once per account."""
    data = envelope.data
    people: list[Person] = []
    seen: set[str] = set()
    for attendee in data.get("attendees") or []:
        sub = attendee.get("sub")
        if not sub and not attendee.get("email"):
            continue
        kind = _ATTENDEE_SIDES.get(attendee.get("role") or "", STAFF if sub else ADDRESS)
        person = (
            person_for_sub(session, sub, kind, email=attendee.get("email"), name=attendee.get("name"))
            if sub
            else Person(ADDRESS, None, attendee["email"], attendee.get("name"))
        )
        if person.key not in seen:
            seen.add(person.key)
            people.append(person)
    client_sub = data.get("client_sub") or (dossier.client_sub if dossier else None)
    if client_sub and client_sub not in seen:
        people.append(person_for_sub(session, client_sub, CLIENT, email=dossier.client_email if dossier else None))
    return people


def _visible_actors(session, envelope, dossier) -> list[Person]:
    subject = audience.subject_of(envelope.type, envelope.data, dossier)
    return [person for person in dossier_actors(session, dossier) if audience.may_see(person, subject)]


def _status_actors(session, envelope, dossier) -> list[Person]:
    if not envelope.data.get("client_visible"):
        return []
    return _visible_actors(session, envelope, dossier)


def _portal_request_team(session, envelope, dossier) -> list[Person]:
    if envelope.data.get("origin") != "portal":
        return []
    return people_in_group(session, PORTAL_REQUESTS_GROUP)


BUILTIN_RECIPIENTS: dict[str, Callable[[Session, Envelope, DossierCopy | None], list[Person]]] = {
    "partner": _partner,
    "invited": _invited,
    "filed_for": _filed_for,
    "assignee": _assignee,
    "invited_reminded": _invited_reminded,
    "validators": _validators,
    "client": _client,
    "visible_actors": _visible_actors,
    "status_actors": _status_actors,
    "portal_request_team": _portal_request_team,
    "portal_requester": _portal_requester,
    "client_side": _client_side,
    "event_attendees": _event_attendees,
}


def builtin_enabled(session: Session) -> dict[str, bool]:
    switches = dict(session.execute(select(BuiltinSwitch.name, BuiltinSwitch.enabled)).all())
    return {rule.name: switches.get(rule.name, True) for rule in BUILTIN_RULES}


def admin_rule_people(session: Session, rule: Rule, envelope: Envelope, dossier: DossierCopy | None) -> list[Person]:
    recipients = rule.recipients or {}
    people = [person_for_sub(session, sub, STAFF) for sub in recipients.get("users") or []]
    for role in recipients.get("roles") or []:
        people += people_with_role(session, role)
    for group in recipients.get("groups") or []:
        people += people_in_group(session, group)
    people += [Person(ADDRESS, email=address) for address in recipients.get("addresses") or []]
    if recipients.get("dossier_actors"):
        subject = audience.subject_of(envelope.type, envelope.data, dossier)
        people += [person for person in dossier_actors(session, dossier) if audience.may_see(person, subject)]
    return people


def targets_for(session: Session, envelope: Envelope, dossier: DossierCopy | None) -> list[Target]:
    """Every (person, channel, template) an event calls for, minus the actor who caused it."""
    targets: list[Target] = []
    enabled = builtin_enabled(session)
    for rule in BUILTIN_RULES:
        if envelope.type in rule.event_types and enabled[rule.name]:
            people = BUILTIN_RECIPIENTS[rule.recipients](session, envelope, dossier)
            if not rule.tells_actor:
                people = audience.without_actor(people, envelope.actor)
            targets += [Target(person, rule.channel, rule.template, f"builtin:{rule.name}") for person in people]
    admin_rules = session.execute(_RULES_OF_TYPE, {"event_type": envelope.type}).scalars()
    facts = event_facts(envelope, dossier)
    for rule in admin_rules:
        if rule_matches(rule.filters or {}, facts):
            people = audience.without_actor(admin_rule_people(session, rule, envelope, dossier), envelope.actor)
            targets += [
                Target(audience.with_language(person, rule.language), rule.channel, rule.template, f"rule:{rule.id}")
                for person in people
            ]
    return targets
