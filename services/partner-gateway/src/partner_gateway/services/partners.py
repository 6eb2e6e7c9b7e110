"""Partners: the people agents solicit."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from platform_shared import clock
from platform_shared.auth import Caller
from platform_shared.db import get_or_404
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
    partner = Partner(id=clock.new_id(), created_by=caller.sub, created_at=clock.now(), **body)
    session.add(partner)
    session.flush()
    return partner


def get_partner(session: Session, partner_id: str) -> Partner:
    partner = get_or_404(session, Partner, partner_id, "No such partner.")
    return partner


def list_partners(session: Session, kind: str | None, *, limit: int, cursor: str | None):
    statement = select(Partner)
    if kind:
        statement = statement.where(Partner.kind == kind)
    return keyset_page(session, statement, [Partner.created_at, Partner.id], limit=limit, cursor=cursor)
