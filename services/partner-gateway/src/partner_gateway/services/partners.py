"""Partners: the people agents solicit."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from platform_shared import clock
from platform_shared.auth import Caller
from platform_shared.db import get_or_404
from platform_shared.directory import PERSON, names_by_id, referenced
from platform_shared.errors import ValidationFailed
from platform_shared.pagination import keyset_page

from ..db import Partner


def create_partner(session: Session, caller: Caller, body: dict) -> Partner:
    if body["kind"] == "internal" and not body.get("agent_sub"):
        raise ValidationFailed(
            "An internal partner is an agent: give their agent_sub.",
            errors={"agent_sub": ["Required for an internal partner."]},
        )
    if body["kind"] == "external" and body.get("agent_sub"):
        raise ValidationFailed(
            "An external partner acts from the portal: no agent_sub.",
            errors={"agent_sub": ["Only for internal partners."]},
        )
    body = _from_directory(session, body)
    partner = Partner(id=clock.new_id(), created_by=caller.sub, created_at=clock.now(), **body)
    session.add(partner)
    session.flush()
    return partner


def _from_directory(session: Session, body: dict) -> dict:
    """The name and email of the directory person ``person_id`` names (422 when the copy does not know them),
    unless the body gives its own; a partner without either is a 422 naming the missing one."""
    body = dict(body)
    if body.get("person_id"):
        person = referenced(session, body["person_id"], PERSON, field="person_id")
        body["name"] = body.get("name") or person.name
        body["email"] = body.get("email") or person.email
    missing = {name: ["Required unless person_id gives it."] for name in ("name", "email") if not body.get(name)}
    if missing:
        raise ValidationFailed("A partner needs a name and an email.", errors=missing)
    return body


def with_person_names(session: Session, found: list[Partner]) -> list[Partner]:
    """Each partner with ``person_name``: the directory copy's name of its person (one query)."""
    names = names_by_id(session, [item.person_id for item in found])
    for item in found:
        item.person_name = names.get(item.person_id or "")
    return found


def get_partner(session: Session, partner_id: str) -> Partner:
    partner = get_or_404(session, Partner, partner_id, "No such partner.")
    return partner


def solicitable_partner(session: Session, partner_id: str | None, person_id: str | None) -> Partner:
    """The partner a solicitation names: by its id (404 when unknown), else the one partner registered for the
    directory person ``person_id`` (422 naming ``person_id`` when none is, or several are: then give partner_id)."""
    if partner_id:
        return get_partner(session, partner_id)
    found = session.scalars(select(Partner).where(Partner.person_id == person_id).limit(2)).all()
    if len(found) != 1:
        problem = "no partner is registered for this person" if not found else "several partners: give partner_id"
        raise ValidationFailed("No single partner for this person.", errors={"person_id": [problem]})
    return found[0]


def list_partners(session: Session, filters: dict, *, limit: int, cursor: str | None):
    statement = select(Partner)
    if filters.get("kind"):
        statement = statement.where(Partner.kind == filters["kind"])
    if filters.get("person_id"):
        statement = statement.where(Partner.person_id == filters["person_id"])
    return keyset_page(session, statement, [Partner.created_at, Partner.id], limit=limit, cursor=cursor)
