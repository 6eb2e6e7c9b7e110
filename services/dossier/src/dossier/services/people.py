"""The people directory: persons and organisations, members, search, first sign-in, merge, import, export, erasure.

Every change records an event (``person.created``, ``person.updated``, ``organisation.updated``,
``person.merged``, ``person.erased``) that the other services copy into their ``directory_copy``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.orm import Session

from platform_shared import clock
from platform_shared.auth import Caller
from platform_shared.db import get_or_404
from platform_shared.directory import PersonRef, redact_outbox, scrub, scrub_json
from platform_shared.errors import Conflict, NotFound, ValidationFailed
from platform_shared.i18n import supported
from platform_shared.messaging.outbox import record_event
from platform_shared.pagination import Page, keyset_page

from .. import SERVICE_NAME
from ..db import Dossier, Note, Organisation, OrganisationMember, Person, TimelineEntry
from ..domain.access import sees_everything
from ..domain.people import (
    ORGANISATION_FIELDS,
    PERSON_FIELDS,
    claims_to_fill,
    like_pattern,
    merged_values,
    normal_email,
    parse_csv,
    sort_name,
)

RECENT_ACTIVITY = 10
PAGE_DOSSIERS = 50


# ---------------------------------------------------------------- events


def person_data(session: Session, person: Person) -> dict[str, Any]:
    organisations = session.scalars(
        select(OrganisationMember.organisation_id).where(OrganisationMember.person_id == person.id)
    ).all()
    return {
        "person_id": person.id,
        "sub": person.sub,
        "email": person.email,
        "name": person.name,
        "language": person.language,
        "organisation_ids": sorted(organisations),
    }


def _person_event(session: Session, caller: Caller, event_type: str, person: Person) -> None:
    session.flush()
    record_event(
        session,
        event_type,
        person_data(session, person),
        producer=SERVICE_NAME,
        aggregate_id=person.id,
        actor=caller.as_actor(),
    )


def _organisation_event(session: Session, caller: Caller, organisation: Organisation) -> None:
    record_event(
        session,
        "organisation.updated",
        {
            "organisation_id": organisation.id,
            "code": organisation.code,
            "name": organisation.name,
            "registration_number": organisation.registration_number,
        },
        producer=SERVICE_NAME,
        aggregate_id=organisation.id,
        actor=caller.as_actor(),
    )


# ---------------------------------------------------------------- persons


def _check_email_free(session: Session, email: str | None, person_id: str | None = None) -> None:
    if not email:
        return
    other = session.scalars(select(Person.id).where(Person.email == email)).first()
    if other is not None and other != person_id:
        raise ValidationFailed(
            "Another person of the directory has this email: merge them instead.",
            errors={"email": [f"already the email of person {other}"]},
        )


def live_person(session: Session, person_id: str, *, field: str | None = None, for_update: bool = False) -> Person:
    """A person that is neither merged nor erased; 404 (or 422 naming ``field`` when a body refers to it)."""
    person = session.get(Person, person_id, with_for_update=for_update or None)
    if person is None or person.merged_into or person.erased_at:
        if field:
            raise ValidationFailed("Unknown person.", errors={field: [f"no person {person_id} in the directory"]})
        raise NotFound("No such person.")
    return person


def create_person(session: Session, caller: Caller, body: dict[str, Any], *, source: str = "staff") -> Person:
    email = normal_email(body.get("email"))
    _check_email_free(session, email)
    now = clock.now()
    typed = [key for key in PERSON_FIELDS if body.get(key)] if source != "sign_in" else []
    person = Person(
        id=clock.new_id(),
        name=body.get("name"),
        sort_name=sort_name(body.get("name")),
        email=email,
        phone=body.get("phone"),
        postal_address=body.get("postal_address"),
        language=supported(body.get("language")),
        sub=body.get("sub"),
        source=source,
        staff_fields=typed,
        merged_into=None,
        erased_at=None,
        created_at=now,
        updated_at=now,
    )
    session.add(person)
    _person_event(session, caller, "person.created", person)
    return person


def update_person(session: Session, caller: Caller, person_id: str, body: dict[str, Any]) -> Person:
    person = live_person(session, person_id, for_update=True)
    if "email" in body:
        body = {**body, "email": normal_email(body["email"])}
        _check_email_free(session, body["email"], person.id)
    if "language" in body:
        body = {**body, "language": supported(body["language"])}
    changed = [key for key in PERSON_FIELDS if key in body and getattr(person, key) != body[key]]
    if not changed:
        return person
    for key in changed:
        setattr(person, key, body[key])
    person.sort_name = sort_name(person.name)
    person.staff_fields = sorted(set(person.staff_fields or []) | set(changed))
    person.updated_at = clock.now()
    _person_event(session, caller, "person.updated", person)
    return person


def list_persons(session: Session, filters: dict[str, Any], *, limit: int, cursor: str | None) -> Page:
    """By name (then id), live entries only; ``q`` searches the name, the email and the phone number."""
    statement = select(Person).where(Person.merged_into.is_(None), Person.erased_at.is_(None))
    if filters.get("q"):
        pattern = like_pattern(filters["q"])
        statement = statement.where(
            or_(
                Person.sort_name.like(pattern, escape="\\"),
                Person.email.like(pattern, escape="\\"),
                func.lower(Person.phone).like(pattern, escape="\\"),
            )
        )
    if filters.get("email"):
        statement = statement.where(Person.email == normal_email(filters["email"]))
    if filters.get("organisation_id"):
        statement = statement.where(
            Person.id.in_(
                select(OrganisationMember.person_id).where(
                    OrganisationMember.organisation_id == filters["organisation_id"]
                )
            )
        )
    return keyset_page(session, statement, [Person.sort_name, Person.id], limit=limit, cursor=cursor)


def person_by_sub(session: Session, sub: str | None) -> Person | None:
    if not sub:
        return None
    return session.scalars(select(Person).where(Person.sub == sub, Person.erased_at.is_(None))).first()


def ensure_from_caller(session: Session, caller: Caller) -> Person | None:
    """At sign-in (and when a client acts): the caller's entry, matched by ``sub`` then by email, created from
    the token's claims when there is none. A claim fills only what staff did not type."""
    if caller.is_service or not caller.sub:
        return None
    claims = {"name": caller.name, "email": normal_email(caller.email), "language": caller.locale}
    person = person_by_sub(session, caller.sub)
    if person is None and claims["email"]:
        person = session.scalars(
            select(Person).where(Person.email == claims["email"], Person.erased_at.is_(None)).with_for_update()
        ).first()
        if person is not None and person.merged_into is None and person.sub not in (None, caller.sub):
            person = None  # the address belongs to another account's entry: the new account gets its own
            claims["email"] = None
    if person is None:
        return create_person(session, caller, {**claims, "sub": caller.sub}, source="sign_in")
    current = {"name": person.name, "email": person.email, "language": person.language}
    changes = claims_to_fill(current, claims, person.staff_fields or [])
    if "email" in changes:
        try:
            _check_email_free(session, changes["email"], person.id)
        except ValidationFailed:
            changes.pop("email")
    if person.sub == caller.sub and not changes:
        return person
    person.sub = caller.sub
    for key, value in changes.items():
        setattr(person, key, value)
    person.sort_name = sort_name(person.name)
    person.updated_at = clock.now()
    _person_event(session, caller, "person.updated", person)
    return person


def member_org_codes(session: Session, caller: Caller) -> frozenset[str]:
    """The codes of the organisations the directory makes the caller a member of (clients only)."""
    if caller.role != "client" or not caller.sub:
        return frozenset()
    rows = session.scalars(
        select(Organisation.code)
        .join(OrganisationMember, OrganisationMember.organisation_id == Organisation.id)
        .join(Person, Person.id == OrganisationMember.person_id)
        .where(Person.sub == caller.sub, Person.erased_at.is_(None))
    )
    return frozenset(rows)


# ---------------------------------------------------------------- organisations


def _check_organisation_unique(session: Session, body: dict[str, Any], organisation_id: str | None = None) -> None:
    problems = {}
    for key, column in (("code", Organisation.code), ("registration_number", Organisation.registration_number)):
        if body.get(key):
            other = session.scalars(select(Organisation.id).where(column == body[key])).first()
            if other is not None and other != organisation_id:
                problems[key] = [f"already the {key.replace('_', ' ')} of organisation {other}"]
    if problems:
        raise ValidationFailed("Another organisation has the same identifier.", errors=problems)


def create_organisation(session: Session, caller: Caller, body: dict[str, Any]) -> Organisation:
    _check_organisation_unique(session, body)
    now = clock.now()
    organisation_id = clock.new_id()
    organisation = Organisation(
        id=organisation_id,
        code=body.get("code") or organisation_id,
        name=body["name"],
        sort_name=sort_name(body["name"]),
        registration_number=body.get("registration_number"),
        postal_address=body.get("postal_address"),
        created_at=now,
        updated_at=now,
    )
    session.add(organisation)
    session.flush()
    _organisation_event(session, caller, organisation)
    return organisation


def get_organisation(session: Session, organisation_id: str, *, field: str | None = None) -> Organisation:
    organisation = session.get(Organisation, organisation_id)
    if organisation is None:
        if field:
            raise ValidationFailed(
                "Unknown organisation.", errors={field: [f"no organisation {organisation_id} in the directory"]}
            )
        raise NotFound("No such organisation.")
    return organisation


def update_organisation(session: Session, caller: Caller, organisation_id: str, body: dict[str, Any]) -> Organisation:
    organisation = get_or_404(session, Organisation, organisation_id, "No such organisation.", with_for_update=True)
    if "code" in body and body["code"] != organisation.code:
        raise ValidationFailed(
            "An organisation's code is what its dossiers and tokens carry: it cannot change.",
            errors={"code": ["cannot change"]},
        )
    _check_organisation_unique(session, body, organisation.id)
    changed = [key for key in ORGANISATION_FIELDS if key in body and getattr(organisation, key) != body[key]]
    for key in changed:
        setattr(organisation, key, body[key])
    if changed:
        organisation.sort_name = sort_name(organisation.name)
        organisation.updated_at = clock.now()
        _organisation_event(session, caller, organisation)
    return organisation


def list_organisations(session: Session, filters: dict[str, Any], *, limit: int, cursor: str | None) -> Page:
    """By name; ``q`` searches the name, the registration number and the code."""
    statement = select(Organisation)
    if filters.get("q"):
        pattern = like_pattern(filters["q"])
        statement = statement.where(
            or_(
                Organisation.sort_name.like(pattern, escape="\\"),
                func.lower(Organisation.registration_number).like(pattern, escape="\\"),
                func.lower(Organisation.code).like(pattern, escape="\\"),
            )
        )
    return keyset_page(session, statement, [Organisation.sort_name, Organisation.id], limit=limit, cursor=cursor)


def organisation_by_code(session: Session, code: str | None) -> Organisation | None:
    if not code:
        return None
    return session.scalars(select(Organisation).where(Organisation.code == code)).first()


def sole_organisation(session: Session, person_id: str) -> Organisation | None:
    """The organisation a person is the member of, when there is exactly one."""
    found = session.scalars(
        select(Organisation)
        .join(OrganisationMember, OrganisationMember.organisation_id == Organisation.id)
        .where(OrganisationMember.person_id == person_id)
        .limit(2)
    ).all()
    return found[0] if len(found) == 1 else None


def members(session: Session, organisation_id: str) -> list[dict[str, Any]]:
    rows = session.execute(
        select(Person, OrganisationMember.function)
        .join(OrganisationMember, OrganisationMember.person_id == Person.id)
        .where(OrganisationMember.organisation_id == organisation_id)
        .order_by(Person.sort_name, Person.id)
    ).all()
    return [
        {"person_id": person.id, "name": person.name, "email": person.email, "function": function}
        for person, function in rows
    ]


def add_member(
    session: Session, caller: Caller, organisation_id: str, person_id: str, function: str | None
) -> OrganisationMember:
    """404 for an unknown organisation, 422 for an unknown person, 409 for a person already a member."""
    get_or_404(session, Organisation, organisation_id, "No such organisation.", with_for_update=True)
    person = live_person(session, person_id, field="person_id")
    if session.get(OrganisationMember, (organisation_id, person_id)) is not None:
        raise Conflict("This person is already a member of the organisation (change their function with PATCH).")
    member = OrganisationMember(
        organisation_id=organisation_id, person_id=person_id, function=function, created_at=clock.now()
    )
    session.add(member)
    _person_event(session, caller, "person.updated", person)
    return member


def change_member(session: Session, organisation_id: str, person_id: str, function: str | None) -> OrganisationMember:
    member = get_or_404(session, OrganisationMember, (organisation_id, person_id), "Not a member.")
    member.function = function
    return member


def remove_member(session: Session, caller: Caller, organisation_id: str, person_id: str) -> None:
    member = get_or_404(session, OrganisationMember, (organisation_id, person_id), "Not a member.")
    session.delete(member)
    person = session.get(Person, person_id)
    if person is not None:
        _person_event(session, caller, "person.updated", person)


def organisations_of(session: Session, person_id: str) -> list[dict[str, Any]]:
    rows = session.execute(
        select(Organisation, OrganisationMember.function)
        .join(OrganisationMember, OrganisationMember.organisation_id == Organisation.id)
        .where(OrganisationMember.person_id == person_id)
        .order_by(Organisation.sort_name, Organisation.id)
    ).all()
    return [
        {"organisation_id": org.id, "code": org.code, "name": org.name, "function": function} for org, function in rows
    ]


# ---------------------------------------------------------------- page data


def _dossier_line(dossier: Dossier) -> dict[str, Any]:
    return {
        "id": dossier.id,
        "reference": dossier.reference,
        "title": dossier.title,
        "kind": dossier.kind,
        "status": dossier.status,
        "closed": dossier.closed,
        "created_at": dossier.created_at,
    }


def _person_dossiers_clause(person: Person):
    clauses = [Dossier.client_person_id == person.id]
    if person.sub:
        clauses.append(Dossier.client_sub == person.sub)
    return or_(*clauses)


def _activity(session: Session, clause) -> list[dict[str, Any]]:
    rows = session.scalars(
        select(TimelineEntry).where(clause).order_by(TimelineEntry.occurred_at.desc(), TimelineEntry.seq.desc())
    ).all()[:RECENT_ACTIVITY]
    return [
        {
            "dossier_id": row.dossier_id,
            "kind": row.kind,
            "summary": row.summary,
            "actor_sub": row.actor_sub,
            "occurred_at": row.occurred_at,
        }
        for row in rows
    ]


def _split(dossiers: list[Dossier]) -> dict[str, list[dict[str, Any]]]:
    return {
        "dossiers": [_dossier_line(item) for item in dossiers if item.kind != "contract"],
        "contracts": [_dossier_line(item) for item in dossiers if item.kind == "contract"],
    }


def person_page(session: Session, caller: Caller, person_id: str) -> dict[str, Any]:
    """Staff: contact details, organisations, dossiers and contracts, recent activity. A client: their own entry."""
    person = session.get(Person, person_id)
    if person is None or (not sees_everything(caller) and (person.sub != caller.sub or person.erased_at)):
        raise NotFound("No such person.")
    page = present_person(person)
    page["organisations"] = organisations_of(session, person.id)
    if not sees_everything(caller):
        return page
    dossiers = session.scalars(
        select(Dossier).where(_person_dossiers_clause(person)).order_by(Dossier.created_at.desc())
    ).all()[:PAGE_DOSSIERS]
    page.update(_split(dossiers))
    page["recent_activity"] = _activity(session, TimelineEntry.actor_sub == person.sub) if person.sub else []
    return page


def visible_organisation(session: Session, caller: Caller, organisation_id: str) -> Organisation:
    organisation = get_organisation(session, organisation_id)
    if sees_everything(caller):
        return organisation
    if caller.role == "client" and (
        caller.org == organisation.code or organisation.code in member_org_codes(session, caller)
    ):
        return organisation
    raise NotFound("No such organisation.")


def organisation_page(session: Session, caller: Caller, organisation_id: str) -> dict[str, Any]:
    """Staff: details, members with their function, its dossiers and contracts, recent activity.
    A member: the company's details and its members' names and functions."""
    organisation = visible_organisation(session, caller, organisation_id)
    page = present_organisation(organisation)
    member_list = members(session, organisation.id)
    if not sees_everything(caller):
        page["members"] = [{key: item[key] for key in ("person_id", "name", "function")} for item in member_list]
        return page
    page["members"] = member_list
    dossiers = session.scalars(
        select(Dossier)
        .where(or_(Dossier.client_org == organisation.code, Dossier.client_organisation_id == organisation.id))
        .order_by(Dossier.created_at.desc())
    ).all()[:PAGE_DOSSIERS]
    page.update(_split(dossiers))
    ids = [item.id for item in dossiers]
    page["recent_activity"] = _activity(session, TimelineEntry.dossier_id.in_(ids)) if ids else []
    return page


def present_person(person: Person) -> dict[str, Any]:
    return {
        "id": person.id,
        "name": person.name,
        "email": person.email,
        "phone": person.phone,
        "postal_address": person.postal_address,
        "language": person.language,
        "sub": person.sub,
        "source": person.source,
        "merged_into": person.merged_into,
        "erased": person.erased_at is not None,
        "created_at": person.created_at,
        "updated_at": person.updated_at,
    }


def present_organisation(organisation: Organisation) -> dict[str, Any]:
    return {
        "id": organisation.id,
        "code": organisation.code,
        "name": organisation.name,
        "registration_number": organisation.registration_number,
        "postal_address": organisation.postal_address,
        "created_at": organisation.created_at,
        "updated_at": organisation.updated_at,
    }


def names_by_sub(session: Session, subs) -> dict[str, str]:
    """``sub -> name`` from the directory, for a page of timeline entries or notes (one query)."""
    wanted = sorted({sub for sub in subs if sub})
    if not wanted:
        return {}
    rows = session.execute(select(Person.sub, Person.name).where(Person.sub.in_(wanted), Person.name.is_not(None)))
    return {row.sub: row.name for row in rows}


# ---------------------------------------------------------------- dossier parties


def resolve_client(session: Session, body: dict[str, Any]) -> dict[str, Any]:
    """The client party of a dossier staff create from directory entries (``client_person_id``,
    ``client_organisation_id``); what the body says explicitly wins. 422 for an unknown entry."""
    resolved: dict[str, Any] = {}
    if body.get("client_person_id"):
        person = live_person(session, body["client_person_id"], field="client_person_id")
        resolved.update(
            client_person_id=person.id, client_sub=person.sub, client_email=person.email, client_name=person.name
        )
    if body.get("client_organisation_id"):
        organisation = get_organisation(session, body["client_organisation_id"], field="client_organisation_id")
        resolved.update(
            client_organisation_id=organisation.id, client_org=organisation.code, client_org_name=organisation.name
        )
    for key in ("client_sub", "client_email", "client_name", "client_org", "client_org_name"):
        if body.get(key):
            resolved[key] = body[key]
    if not resolved.get("client_person_id") and resolved.get("client_sub"):
        person = person_by_sub(session, resolved["client_sub"])
        if person is not None:
            resolved["client_person_id"] = person.id
            resolved.setdefault("client_name", person.name)
    if not resolved.get("client_organisation_id") and resolved.get("client_org"):
        organisation = organisation_by_code(session, resolved["client_org"])
        if organisation is not None:
            resolved["client_organisation_id"] = organisation.id
            resolved.setdefault("client_org_name", organisation.name)
    return resolved


# ---------------------------------------------------------------- merge


def merge(session: Session, caller: Caller, person_id: str, duplicate_id: str) -> Person:
    """Fold ``duplicate_id`` into ``person_id``: missing fields, memberships, dossiers; the duplicate points to it."""
    if person_id == duplicate_id:
        raise ValidationFailed("A person cannot be merged with itself.", errors={"duplicate_id": ["same person"]})
    kept = live_person(session, person_id, for_update=True)
    duplicate = live_person(session, duplicate_id, field="duplicate_id", for_update=True)
    if kept.sub and duplicate.sub and kept.sub != duplicate.sub:
        raise Conflict("Both entries have signed in with different accounts: they are two people, or two accounts.")
    taken = merged_values(
        {key: getattr(kept, key) for key in (*PERSON_FIELDS, "sub")},
        {key: getattr(duplicate, key) for key in (*PERSON_FIELDS, "sub")},
    )
    for key in (*PERSON_FIELDS, "sub"):
        setattr(duplicate, key, None)
    duplicate.sort_name, duplicate.merged_into, duplicate.updated_at = "", kept.id, clock.now()
    session.flush()
    for key, value in taken.items():
        setattr(kept, key, value)
    kept.sort_name = sort_name(kept.name)
    kept.staff_fields = sorted(set(kept.staff_fields or []) | set(duplicate.staff_fields or []) & set(taken))
    kept.updated_at = clock.now()
    kept_orgs = set(
        session.scalars(select(OrganisationMember.organisation_id).where(OrganisationMember.person_id == kept.id))
    )
    for member in session.scalars(select(OrganisationMember).where(OrganisationMember.person_id == duplicate.id)):
        if member.organisation_id in kept_orgs:
            session.delete(member)
        else:
            session.add(
                OrganisationMember(
                    organisation_id=member.organisation_id,
                    person_id=kept.id,
                    function=member.function,
                    created_at=member.created_at,
                )
            )
            session.delete(member)
    session.execute(update(Dossier).where(Dossier.client_person_id == duplicate.id).values(client_person_id=kept.id))
    _person_event(session, caller, "person.updated", kept)
    record_event(
        session,
        "person.merged",
        {"person_id": kept.id, "duplicate_id": duplicate.id},
        producer=SERVICE_NAME,
        aggregate_id=kept.id,
        actor=caller.as_actor(),
    )
    return kept


# ---------------------------------------------------------------- import


def import_csv(session: Session, caller: Caller, text: str) -> dict[str, Any]:
    """Persons from a CSV file, all or nothing. A known email is the same person: the file fills only what is
    empty (never what staff typed); ``organisation`` (code, registration number or exact name) adds a membership."""
    rows, problems = parse_csv(text)
    organisations: dict[str, Organisation] = {}
    for row in rows:
        reference = row.get("organisation")
        if not reference or reference in organisations:
            continue
        found = session.scalars(
            select(Organisation).where(
                or_(
                    Organisation.code == reference,
                    Organisation.registration_number == reference,
                    Organisation.sort_name == sort_name(reference),
                )
            )
        ).all()
        if len(found) != 1:
            problems.setdefault(f"line {row['line']}", []).append(
                f"organisation '{reference}' is {'unknown' if not found else 'ambiguous'}"
            )
        else:
            organisations[reference] = found[0]
    if not rows and not problems:
        problems["file"] = ["no person in the file"]
    if problems:
        raise ValidationFailed("The file cannot be imported; nothing was imported.", errors=problems)
    report = {"created": 0, "updated": 0, "unchanged": 0, "memberships_added": 0, "person_ids": []}
    for row in rows:
        person = session.scalars(select(Person).where(Person.email == row["email"])).first() if row["email"] else None
        if person is not None and (person.merged_into or person.erased_at):
            person = None if person.erased_at else session.get(Person, person.merged_into)
        if person is None:
            person = create_person(session, caller, row, source="import")
            report["created"] += 1
        else:
            fill = {key: row[key] for key in PERSON_FIELDS if row.get(key) and not getattr(person, key)}
            for key, value in fill.items():
                setattr(person, key, value)
            if fill:
                person.sort_name = sort_name(person.name)
                person.updated_at = clock.now()
                _person_event(session, caller, "person.updated", person)
            report["updated" if fill else "unchanged"] += 1
        report["person_ids"].append(person.id)
        organisation = organisations.get(row.get("organisation") or "")
        if organisation is not None and session.get(OrganisationMember, (organisation.id, person.id)) is None:
            session.add(
                OrganisationMember(
                    organisation_id=organisation.id,
                    person_id=person.id,
                    function=row.get("function"),
                    created_at=clock.now(),
                )
            )
            session.flush()
            _person_event(session, caller, "person.updated", person)
            report["memberships_added"] += 1
    return report


# ---------------------------------------------------------------- export and erasure


def export(session: Session, caller: Caller, person_id: str) -> dict[str, Any]:
    """Everything the dossier service holds about a person, as JSON (staff, or the person themselves)."""
    person = session.get(Person, person_id)
    if person is None or person.merged_into or (not sees_everything(caller) and person.sub != caller.sub):
        raise NotFound("No such person.")
    dossiers = session.scalars(
        select(Dossier).where(_person_dossiers_clause(person)).order_by(Dossier.created_at)
    ).all()
    notes = (
        session.scalars(select(Note).where(Note.author_sub == person.sub).order_by(Note.created_at)).all()
        if person.sub
        else []
    )
    return {
        "exported_at": clock.now(),
        "person": present_person(person),
        "organisations": organisations_of(session, person.id),
        "dossiers": [
            {
                **_dossier_line(item),
                "client_email": item.client_email,
                "client_name": item.client_name,
                "client_reference": item.client_reference,
            }
            for item in dossiers
        ],
        "notes": [
            {"dossier_id": note.dossier_id, "body": note.body, "created_at": note.created_at}
            for note in notes
            if note.visibility != "internal" or sees_everything(caller)
        ],
        "activity": _activity(session, TimelineEntry.actor_sub == person.sub) if person.sub else [],
    }


def erase(
    session: Session,
    caller: Caller,
    person_id: str,
    reason: str | None = None,
    *,
    dead_letters: Callable[..., int] | None = None,
) -> Person:
    """Anonymise a person here and tell every service (``person.erased``). Refused (409) while they hold an
    open dossier. Kept by law: dossiers (their client becomes anonymous), the timeline, pseudonymous ids.
    ``dead_letters`` rewrites this service's dead letters and retry queues naming them, and ``domain.unrouted``
    (``platform_shared.dead_letter_erasure``)."""
    person = live_person(session, person_id, for_update=True)
    open_dossiers = session.scalars(
        select(Dossier.reference).where(_person_dossiers_clause(person), Dossier.closed_at.is_(None))
    ).all()
    if open_dossiers:
        raise Conflict(
            f"This person still holds open dossiers ({', '.join(sorted(open_dossiers)[:5])}): close them first."
        )
    ref = PersonRef(person.id, person.sub, person.email, person.name)
    values = [value for value in (person.email, person.name, person.phone, person.postal_address) if value]
    erase_dossier_data(session, ref, _person_dossiers_clause(person))
    session.execute(delete(OrganisationMember).where(OrganisationMember.person_id == person.id))
    for key in (*PERSON_FIELDS, "sub"):
        setattr(person, key, None)
    person.sort_name, person.staff_fields = "", []
    person.erased_at = person.updated_at = clock.now()
    session.flush()
    redact_outbox(session, values)
    if dead_letters is not None:
        dead_letters(values, unrouted=True)  # the directory's owner rewrites domain.unrouted too
    record_event(
        session,
        "person.erased",
        {"person_id": person.id, "sub": ref.sub, "reason": scrub(reason, ref)},
        producer=SERVICE_NAME,
        aggregate_id=person.id,
        actor=caller.as_actor(),
    )
    return person


def erase_dossier_data(session: Session, ref: PersonRef, dossiers_clause) -> None:
    """The person's name and email out of dossiers, notes and the timeline (the entries themselves stay)."""
    for dossier in session.scalars(select(Dossier).where(dossiers_clause)):
        dossier.client_email = dossier.client_name = None
        dossier.field_values = scrub_json(dossier.field_values, ref)
    if ref.email:
        session.execute(update(Dossier).where(Dossier.client_email == ref.email).values(client_email=None))
        session.execute(update(Dossier).where(Dossier.assignee_email == ref.email).values(assignee_email=None))
    if ref.sub:
        session.execute(update(Note).where(Note.author_sub == ref.sub).values(author_name=None))
    if not ref.values():
        return
    for value in ref.values():
        pattern = like_pattern(value)
        for note in session.scalars(select(Note).where(func.lower(Note.body).like(pattern, escape="\\"))):
            note.body = scrub(note.body, ref)
        for dossier in session.scalars(
            select(Dossier).where(func.lower(Dossier.description).like(pattern, escape="\\"))
        ):
            dossier.description = scrub(dossier.description, ref)
    timeline_clause = TimelineEntry.dossier_id.in_(select(Dossier.id).where(dossiers_clause))
    if ref.sub:
        timeline_clause = or_(timeline_clause, TimelineEntry.actor_sub == ref.sub)
    for entry in session.scalars(select(TimelineEntry).where(timeline_clause)):
        details, summary = scrub_json(entry.details, ref), scrub(entry.summary, ref)
        if details != entry.details or summary != entry.summary:
            entry.details, entry.summary = details, summary
