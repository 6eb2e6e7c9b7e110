"""Dossiers a partner files on behalf of another person (issue 14), asked by the partner-gateway (service token).

The person becomes the dossier's client: by address and name until they claim it (the gateway's
``filing.claimed`` event gives their account), then as their own. The filer is kept for staff
("filed by X on behalf of Y"); the gateway owns the filer's access and the claim key.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from platform_shared import clock
from platform_shared.auth import Caller
from platform_shared.errors import Conflict, Forbidden
from platform_shared.pseudonyms import pseudonym

from ..db import Dossier
from ..domain.presentation import CLIENT_AUDIENCE, filed_on_behalf_text, present_dossier
from ..domain.values import check_required_present, check_writable
from . import dossiers, models, references, timeline

ORIGIN = "partner"


def filed_on_behalf_label(dossier: Dossier) -> str | None:
    return filed_on_behalf_text(dossier)


def file_dossier(
    session: Session, caller: Caller, body: dict[str, Any], *, reference_prefix: str
) -> tuple[Dossier, Any, dict[str, Any]]:
    """A dossier of a model that lets partners file on behalf (403 otherwise), with the portal view's values."""
    version = models.get_model(session, caller, body["model_id"])
    settings = models.model_settings(version.definition)
    if not settings["partners_can_file"]:
        raise Forbidden("This model does not let partners file dossiers on behalf of another person.")
    model = models.definition_of(version)
    values = body.get("fields") or {}
    check_writable(values, model.views["portal"], model.all_fields())
    person, filer = body["person"], body["filer"]
    initial = model.initial_status
    now = clock.now()
    dossier = Dossier(
        id=clock.new_id(),
        reference=references.next_reference(session, reference_prefix),
        title=body["title"],
        description=body.get("description") or "",
        model_id=version.model_id,
        model_version=version.version,
        category=version.category,
        classification={"source": "model"},
        kind="dossier",
        origin=ORIGIN,
        status=initial.code,
        client_status=initial.code if initial.client_visible else None,
        client_sub=None,
        client_org=None,
        client_email=person["email"],
        client_name=person["name"],
        client_org_name=person.get("company"),
        filed_by_sub=filer["sub"],
        filed_by_name=filer.get("name"),
        filed_by_org=filer.get("organisation"),
        field_values=values,
        closed_at=None,
        created_by=filer["sub"],
        created_at=now,
        updated_at=now,
    )
    session.add(dossier)
    timeline.append(
        session,
        dossier.id,
        "created",
        filed_on_behalf_label(dossier),
        visibility="requester",
        actor={"sub": filer["sub"], "role": "partner", "name": filer.get("name")},
        details={"origin": ORIGIN, "filed_by_sub": filer["sub"], "on_behalf_of": person["email"]},
    )
    dossiers._event(
        session,
        caller,
        "dossier.created",
        dossier,
        {
            **dossiers.created_fields(dossier, initial, ORIGIN),
            "client_sub": None,
            "client_org": None,
            "client_email": dossier.client_email,
            "client_name": dossier.client_name,
            "client_org_name": dossier.client_org_name,
            "assignee_sub": None,
            "created_by": filer["sub"],
            "filed_by": {"sub": filer["sub"], "name": filer.get("name"), "organisation": filer.get("organisation")},
            "classification": {"source": "model"},
        },
    )
    session.flush()
    return dossier, model, settings


def filed_dossier(session: Session, caller: Caller, dossier_id: str) -> Dossier:
    """A dossier filed on behalf, locked for a change (404 unknown, 409 closed or not filed on behalf)."""
    dossier = dossiers.open_dossier(session, caller, dossier_id)
    if not dossier.filed_by_sub:
        raise Conflict("This dossier was not filed on behalf of anyone.")
    return dossier


def write_values(session: Session, caller: Caller, dossier_id: str, values: dict[str, Any]) -> Dossier:
    """The filer completes the portal view's writable fields (422 for any other, 409 once closed)."""
    dossier = filed_dossier(session, caller, dossier_id)
    model = dossiers.definition_for(session, dossier)
    check_writable(values, model.views["portal"], model.all_fields())
    current = dossier.field_values or {}
    changed = [key for key, value in values.items() if current.get(key) != value]
    if changed:
        dossier.field_values = {**current, **values}
        dossiers._record_update(session, caller, dossier, model, changed)
    session.flush()
    return dossier


def submit(session: Session, caller: Caller, dossier_id: str, filer: dict[str, Any]) -> Dossier:
    """The filer submits: every required portal field must be there (422 naming the missing ones)."""
    dossier = filed_dossier(session, caller, dossier_id)
    model = dossiers.definition_for(session, dossier)
    check_required_present(dossier.field_values or {}, model.views["portal"], model.all_fields())
    timeline.append(
        session,
        dossier.id,
        "submitted",
        f"Submitted by {filer.get('name') or pseudonym(filer['sub'], 'partner')} on behalf of {dossier.client_name or dossier.client_email}",
        visibility="requester",
        actor={"sub": filer["sub"], "role": "partner", "name": filer.get("name")},
        details={"filed_by_sub": filer["sub"]},
    )
    dossier.updated_at = clock.now()
    session.flush()
    return dossier


def claim(session: Session, dossier_id: str, data: dict[str, Any], actor: dict | None) -> None:
    """The person claimed the dossier with their key: from now on it is theirs (``filing.claimed``)."""
    dossier = session.get(Dossier, dossier_id)
    if dossier is None or not dossier.filed_by_sub or dossier.client_sub:
        return
    dossier.client_sub = data["client_sub"]
    dossier.client_email = data.get("client_email") or dossier.client_email
    dossier.client_name = dossier.client_name or data.get("client_name")
    dossier.updated_at = clock.now()
    timeline.append(
        session,
        dossier.id,
        "claimed",
        f"Claimed by {dossier.client_name or dossier.client_email}",
        visibility="requester",
        actor=actor,
        details={"client_sub": dossier.client_sub},
    )


def present_portal_view(session: Session, dossier: Dossier, model=None) -> dict[str, Any]:
    """The dossier as its client sees it (what the filer fills and reads)."""
    model = model or dossiers.definition_for(session, dossier)
    return present_dossier(dossier, model, CLIENT_AUDIENCE, dossiers.developments_of(session, dossier.id))
