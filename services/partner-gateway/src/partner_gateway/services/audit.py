"""The audit log: every partner and third-party action on a dossier, with the request it came from."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from platform_shared import clock
from platform_shared.auth import Caller
from platform_shared.logs import current_correlation_id
from platform_shared.pagination import keyset_page

from ..db import AuditEntry


def record(
    session: Session, caller: Caller, dossier_id: str, action: str, subject_id: str | None = None, **details: Any
) -> None:
    session.add(
        AuditEntry(
            id=clock.new_id(),
            dossier_id=dossier_id,
            actor_sub=caller.sub,
            actor_role=caller.role,
            action=action,
            subject_id=subject_id,
            request_id=current_correlation_id(),
            details=details,
            at=clock.now(),
        )
    )


def record_for_actor(
    session: Session,
    actor: dict[str, Any],
    dossier_id: str,
    action: str,
    subject_id: str | None,
    request_id: str | None,
    **details: Any,
) -> None:
    """An entry for something another service saw a third party do (a download, from its event)."""
    session.add(
        AuditEntry(
            id=clock.new_id(),
            dossier_id=dossier_id,
            actor_sub=actor.get("sub") or "",
            actor_role=actor.get("role") or "",
            action=action,
            subject_id=subject_id,
            request_id=request_id,
            details=details,
            at=clock.now(),
        )
    )


def entries(session: Session, dossier_id: str, *, limit: int, cursor: str | None):
    statement = select(AuditEntry).where(AuditEntry.dossier_id == dossier_id)
    return keyset_page(session, statement, [AuditEntry.at, AuditEntry.id], limit=limit, cursor=cursor)
