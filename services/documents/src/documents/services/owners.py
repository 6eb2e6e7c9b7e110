"""The service's copy of each owner (dossier, contract, beneficiary, solicitation), kept from events: who its
client is, the dossier it belongs to, whether that dossier is closed."""

from __future__ import annotations

from sqlalchemy.orm import Session

from platform_shared import clock

from ..db import Owner
from ..domain import access as rules
from ..domain.errors import DossierClosed


def owner_row(session: Session, owner_type: str, owner_id: str) -> Owner:
    owner = session.get(Owner, (owner_type, owner_id))
    if owner is None:
        owner = Owner(owner_type=owner_type, owner_id=owner_id, closed=False, updated_at=clock.now())
        session.add(owner)
    return owner


def record_client(session: Session, owner_type: str, owner_id: str, client_sub, client_org) -> Owner:
    owner = owner_row(session, owner_type, owner_id)
    owner.client_sub = client_sub or None
    owner.client_org = client_org or None
    owner.updated_at = clock.now()
    return owner


def owner_client(session: Session, owner_type: str, owner_id: str) -> rules.OwnerClient | None:
    owner = session.get(Owner, (owner_type, owner_id))
    if owner is None:
        return None
    return rules.OwnerClient(owner.client_sub, owner.client_org)


def resolve_dossier_id(session: Session, owner_type: str, owner_id: str, given: str | None) -> str | None:
    """The dossier a document belongs to: the owner itself, a solicitation's dossier, or what was given."""
    if owner_type == "dossier":
        return owner_id
    owner = session.get(Owner, (owner_type, owner_id))
    if owner is not None and owner.dossier_id:
        return owner.dossier_id
    return given


def ensure_dossier_open(session: Session, dossier_id: str | None) -> None:
    if not dossier_id:
        return
    owner = session.get(Owner, ("dossier", dossier_id))
    if owner is not None and owner.closed:
        raise DossierClosed()
