"""Use cases of the dossier service: they take a session, change state, record events; never commit."""
from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from platform_shared import clock
from platform_shared.auth import Caller
from platform_shared.messaging.outbox import record_event

from . import SERVICE_NAME
from .db import Dossier


def _next_reference(session: Session, prefix: str) -> str:
    year = clock.now().year
    count = session.execute(select(func.count()).select_from(Dossier)).scalar_one()
    return f"{prefix}-{year}-{count + 1:06d}"


def create_dossier(session: Session, caller: Caller, *, title: str, description: str,
                   client_sub: str | None, client_org: str | None, reference_prefix: str) -> Dossier:
    dossier = Dossier(
        id=clock.new_id(), reference=_next_reference(session, reference_prefix), title=title,
        description=description, status="submitted", origin="crm",
        client_sub=client_sub, client_org=client_org, created_by=caller.sub, created_at=clock.now(),
    )
    session.add(dossier)
    session.flush()
    record_event(session, "dossier.created", {
        "dossier_id": dossier.id, "reference": dossier.reference, "title": dossier.title,
        "origin": dossier.origin, "category": None, "status": dossier.status,
        "client_sub": dossier.client_sub, "client_org": dossier.client_org,
    }, producer=SERVICE_NAME, aggregate_id=dossier.id, actor=caller.as_actor())
    return dossier
