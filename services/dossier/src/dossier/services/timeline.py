"""A dossier's timeline: entries appended by every change and by other services' events, read by audience."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from platform_shared import clock
from platform_shared.auth import Caller
from platform_shared.pagination import Page, keyset_page
from platform_shared.pseudonyms import pseudonym, without_others_accounts

from ..db import TimelineEntry
from ..domain.access import sees_everything, visible_audiences


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
    details = dict(details or {})
    if (actor or {}).get("name") and "actor_name" not in details:
        details["actor_name"] = actor["name"]
    entry = TimelineEntry(
        dossier_id=dossier_id,
        kind=kind,
        visibility=visibility,
        summary=summary[:500],
        details=details,
        actor_sub=(actor or {}).get("sub"),
        actor_role=(actor or {}).get("role"),
        occurred_at=occurred_at or clock.now(),
        subject_id=subject_id,
    )
    session.add(entry)
    return entry


def list_entries(session: Session, caller: Caller, dossier_id: str, *, limit: int, cursor: str | None) -> Page:
    """Oldest first; only the entries whose visibility the caller's audience includes. A client reads names, not
    account ids: ``actor_sub`` (and any account id in ``details``) only when it is their own."""
    statement = select(TimelineEntry).where(
        TimelineEntry.dossier_id == dossier_id, TimelineEntry.visibility.in_(visible_audiences(caller))
    )
    page = keyset_page(session, statement, [TimelineEntry.occurred_at, TimelineEntry.seq], limit=limit, cursor=cursor)
    named = with_actor_names(session, page)
    if sees_everything(caller):
        return named
    return named.map(lambda entry: without_others_accounts(entry, caller.sub))


def with_actor_names(session: Session, page: Page) -> Page:
    """Each entry with ``actor_name``: the directory's name of its actor (one query per page), else the name
    the event carried, else a pseudonym of the account (never the account id in its place)."""
    from .people import names_by_sub  # the directory reads the timeline too

    names = names_by_sub(session, (entry.actor_sub for entry in page.items))
    return page.map(
        lambda entry: {
            "seq": entry.seq,
            "kind": entry.kind,
            "visibility": entry.visibility,
            "summary": entry.summary,
            "details": entry.details,
            "actor_sub": entry.actor_sub,
            "actor_role": entry.actor_role,
            "actor_name": names.get(entry.actor_sub)
            or (entry.details or {}).get("actor_name")
            or (pseudonym(entry.actor_sub, entry.actor_role) if entry.actor_sub else None),
            "occurred_at": entry.occurred_at,
        }
    )


def change_subject_visibility(session: Session, subject_id: str, visibility: str) -> None:
    """Entries about one subject (a document) follow its visibility: a hidden file leaves no trace for clients."""
    session.execute(update(TimelineEntry).where(TimelineEntry.subject_id == subject_id).values(visibility=visibility))
