"""A dossier's timeline: entries appended by every change and by other services' events, read by audience."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from platform_shared import clock
from platform_shared.auth import Caller
from platform_shared.pagination import Page, keyset_page

from ..db import TimelineEntry
from ..domain.access import visible_audiences


def append(
    session: Session,
    dossier_id: str,
    kind: str,
    summary: str,
    *,
    visibility: str,
    actor: dict | None = None,
    details: dict[str, Any] | None = None,
    occurred_at: datetime | None = None,
    subject_id: str | None = None,
) -> TimelineEntry:
    entry = TimelineEntry(
        dossier_id=dossier_id,
        kind=kind,
        visibility=visibility,
        summary=summary[:500],
        details=details or {},
        actor_sub=(actor or {}).get("sub"),
        actor_role=(actor or {}).get("role"),
        occurred_at=occurred_at or clock.now(),
        subject_id=subject_id,
    )
    session.add(entry)
    return entry


def list_entries(session: Session, caller: Caller, dossier_id: str, *, limit: int, cursor: str | None) -> Page:
    """Oldest first; only the entries whose visibility the caller's audience includes."""
    statement = select(TimelineEntry).where(
        TimelineEntry.dossier_id == dossier_id, TimelineEntry.visibility.in_(visible_audiences(caller))
    )
    return keyset_page(session, statement, [TimelineEntry.occurred_at, TimelineEntry.seq], limit=limit, cursor=cursor)


def change_subject_visibility(session: Session, subject_id: str, visibility: str) -> None:
    """Entries about one subject (a document) follow its visibility: a hidden file leaves no trace for clients."""
    session.execute(update(TimelineEntry).where(TimelineEntry.subject_id == subject_id).values(visibility=visibility))
