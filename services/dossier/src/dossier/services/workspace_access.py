"""The dossier behind a workspace item, as the caller may see it (``domain.workspace.SEES``), or 404."""

from __future__ import annotations

from sqlalchemy.orm import Session

from platform_shared.auth import Caller
from platform_shared.errors import NotFound

from ..db import Dossier
from ..domain.workspace import audience_of, may_see
from .dossiers import open_dossier


def readable_dossier(session: Session, caller: Caller, dossier_id: str, item: str) -> tuple[Dossier, str]:
    """The dossier and the caller's audience on it; 404 when it is unknown, not theirs, or the item hidden."""
    dossier = session.get(Dossier, dossier_id)
    audience = audience_of(caller, dossier.client_sub, dossier.client_org) if dossier is not None else None
    if dossier is None or audience is None or not may_see(audience, item):
        raise NotFound("No such dossier.")
    return dossier, audience


def writable_dossier(session: Session, caller: Caller, dossier_id: str) -> Dossier:
    """Staff only (the routes say so): the dossier locked for the change, 409 once closed."""
    return open_dossier(session, caller, dossier_id)


def display_name(actor: Caller) -> str:
    """How the timeline names someone: their name, else their email, never a raw id."""
    if actor.name:
        return actor.name
    if actor.email:
        return actor.email
    return {"client": "the client", "partner": "a participant", "service": "the platform"}.get(actor.role, "staff")
