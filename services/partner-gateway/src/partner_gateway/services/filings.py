"""Dossiers a partner files on behalf of another person (issue 14, ``partners-module.txt``: "saisir un dossier
pour le compte d'une autre personne").

The dossier service creates the dossier (``POST /dossiers/on-behalf``: the model's ``partners_can_file``, the
portal view's values, the person as its client by address); the gateway keeps the filing (who filed it for whom,
how long the filer keeps access), emails the person a key to claim it (``filing.created``) and, on the claim,
tells the dossier service whose it is now (``filing.claimed``). Until the person claims it the filer can
complete and submit it; the filer reads it until it is submitted or until it is closed, as the model said.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from platform_shared import clock
from platform_shared.auth import Caller
from platform_shared.errors import Conflict, NotFound
from platform_shared.messaging.sealed import seal
from platform_shared.pagination import Page, keyset_page

from ..db import Filing
from ..domain.rules import filer_may_change, filer_may_read
from . import audit, dossier_copy, keys
from .events import publish


def record_filing(
    session: Session, caller: Caller, dossier: dict[str, Any], body: dict[str, Any], settings
) -> tuple[Filing, str]:
    """The filing of a dossier the dossier service just created; the claim key is returned here (and emailed)."""
    # The portal view's status is the client's; the dossier.created event brings the real one.
    dossier_copy.seed_from_dossier(
        session, {**dossier, "status": dossier.get("status") or "", "partner_visible": False}
    )
    person = body["person"]
    filing = Filing(
        id=clock.new_id(),
        dossier_id=dossier["id"],
        model_id=body["model_id"],
        filer_sub=caller.sub,
        filer_name=caller.name,
        filer_email=caller.email,
        person_name=person["name"],
        person_email=person["email"],
        person_company=person.get("company"),
        access_until=dossier.get("filer_access_until") or "submission",
        state="draft",
        created_at=clock.now(),
    )
    session.add(filing)
    session.flush()
    expires_at = clock.now() + timedelta(days=settings.invitation_key_days)
    key = keys.issue(session, "filing", filing.id, expires_at)
    publish(
        session,
        "filing.created",
        {
            "filing_id": filing.id,
            "dossier_id": filing.dossier_id,
            "reference": dossier.get("reference"),
            "title": dossier.get("title"),
            "person_name": filing.person_name,
            "person_email": filing.person_email,
            "person_company": filing.person_company,
            "filer_sub": filing.filer_sub,
            "filer_name": filing.filer_name,
            "filer_organisation": caller.org_name or caller.org,
            "sealed_key": seal(key, settings.event_secret_key),
            "key_expires_at": clock.isoformat(expires_at),
        },
        caller.as_actor(),
    )
    audit.record(
        session,
        caller,
        filing.dossier_id,
        "dossier.filed_on_behalf",
        filing.id,
        on_behalf_of=filing.person_email,
        person_name=filing.person_name,
        access_until=filing.access_until,
    )
    return filing, key


def _readable(session: Session, filing: Filing) -> bool:
    return filer_may_read(filing.state, filing.access_until, dossier_copy.status_of(session, filing.dossier_id))


def my_filing(session: Session, caller: Caller, filing_id: str) -> Filing:
    """The caller's filing while their access lasts (404 otherwise, never 403)."""
    filing = session.get(Filing, filing_id)
    if filing is None or filing.filer_sub != caller.sub or not _readable(session, filing):
        raise NotFound("No such filing.")
    return filing


def changeable_filing(session: Session, caller: Caller, filing_id: str) -> Filing:
    """The caller's filing they may still complete or submit: 409 once claimed, submitted or closed."""
    filing = my_filing(session, caller, filing_id)
    reason = filer_may_change(filing.state, filing.claimed_by, dossier_copy.status_of(session, filing.dossier_id))
    if reason:
        raise Conflict(reason)
    return filing


def my_filings(session: Session, caller: Caller, *, limit: int, cursor: str | None):
    statement = select(Filing).where(Filing.filer_sub == caller.sub)
    page = keyset_page(session, statement, [Filing.created_at, Filing.id], limit=limit, cursor=cursor)
    return Page([filing for filing in page.items if _readable(session, filing)], page.next_cursor)


def present(filing: Filing) -> dict[str, Any]:
    return {
        "id": filing.id,
        "dossier_id": filing.dossier_id,
        "model_id": filing.model_id,
        "person": {"name": filing.person_name, "email": filing.person_email, "company": filing.person_company},
        "state": filing.state,
        "access_until": filing.access_until,
        "claimed": filing.claimed_by is not None,
        "claimed_at": filing.claimed_at,
        "submitted_at": filing.submitted_at,
        "created_at": filing.created_at,
    }


def record_completion(session: Session, caller: Caller, filing: Filing, keys_written: list[str]) -> None:
    audit.record(session, caller, filing.dossier_id, "filing.completed", filing.id, fields=sorted(keys_written))


def submit(session: Session, caller: Caller, filing_id: str) -> Filing:
    filing = changeable_filing(session, caller, filing_id)
    filing.state, filing.submitted_at = "submitted", clock.now()
    publish(
        session,
        "filing.submitted",
        {"filing_id": filing.id, "dossier_id": filing.dossier_id, "filer_sub": filing.filer_sub},
        caller.as_actor(),
    )
    audit.record(session, caller, filing.dossier_id, "filing.submitted", filing.id)
    return filing


def claim(session: Session, caller: Caller, filing: Filing) -> dict[str, Any]:
    """The person's key: the dossier becomes theirs (the dossier service applies ``filing.claimed``)."""
    filing.claimed_by, filing.claimed_at = caller.sub, clock.now()
    publish(
        session,
        "filing.claimed",
        {
            "filing_id": filing.id,
            "dossier_id": filing.dossier_id,
            "client_sub": caller.sub,
            "client_email": caller.email or filing.person_email,
            "client_name": caller.name or filing.person_name,
            "filer_sub": filing.filer_sub,
        },
        caller.as_actor(),
    )
    audit.record(session, caller, filing.dossier_id, "filing.claimed", filing.id, filer_sub=filing.filer_sub)
    return {"kind": "filing", "id": filing.id, "dossier_id": filing.dossier_id}
