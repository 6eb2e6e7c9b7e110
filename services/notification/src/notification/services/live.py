"""The live feed: lines written in the consumer's transaction, read by the stream after a ``Last-Event-ID``.

Ids are the SSE event ids, so a reader that saw id N must never later find a committed line below N. On
PostgreSQL two transactions could take ids 7 and 8 and commit 8 first; every writer therefore takes one
transaction-level advisory lock before its first line, so lines commit in id order (the consumer is the only
writer, and its transactions are short). SQLite has one writer at a time anyway.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import timedelta

from sqlalchemy import delete, func, select, text
from sqlalchemy.orm import Session

from platform_shared import clock
from platform_shared.messaging.envelope import Envelope

from ..db import DossierCopy, LiveEvent, Notification
from ..domain import audience, live
from ..domain.audience import Person

_WRITER_LOCK = 0x6C697665  # "live": the advisory lock that orders the feed's writers (PostgreSQL)


def _take_writer_lock(session: Session) -> None:
    if session.info.get("live_writer_lock"):
        return
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _WRITER_LOCK})
    session.info["live_writer_lock"] = True


def _add(session: Session, envelope: Envelope, audience_name: str, kind: str, data: dict) -> None:
    _take_writer_lock(session)
    session.add(
        LiveEvent(
            audience=audience_name,
            kind=kind,
            event_id=envelope.id,
            event_type=envelope.type,
            dossier_id=envelope.data.get("dossier_id"),
            data=data,
            created_at=clock.now(),
        )
    )


def record_notification(session: Session, envelope: Envelope, notification: Notification) -> None:
    """The in-app notification just recorded, as a line of its person's feed."""
    _add(
        session,
        envelope,
        f"sub:{notification.sub}",
        live.NOTIFICATION,
        {
            "id": notification.id,
            "event_type": notification.event_type,
            "dossier_id": notification.dossier_id,
            "title": notification.title,
            "link": notification.link,
            "created_at": notification.created_at.isoformat(),
        },
    )


def record_dossier_change(
    session: Session, envelope: Envelope, dossier: DossierCopy | None, actors: Iterable[Person]
) -> None:
    """One line for staff, and one for each other actor of the dossier who may see what changed."""
    if not live.is_dossier_change(envelope.type, envelope.data):
        return
    data = live.change_data(envelope.id, envelope.type, envelope.data, envelope.occurred_at or clock.now().isoformat())
    _add(session, envelope, live.STAFF_AUDIENCE, live.DOSSIER, data)
    subject = audience.subject_of(envelope.type, envelope.data, dossier)
    told: set[str] = set()
    for person in actors:
        if person.sub and person.sub not in told and live.may_hear_of(person, envelope.type, subject):
            told.add(person.sub)
            _add(session, envelope, live.audience_of(person), live.DOSSIER, data)


def lines_after(session: Session, audiences: Sequence[str], after_id: int, *, limit: int) -> list[LiveEvent]:
    """The caller's lines after ``after_id``, oldest first (keyset on the id)."""
    return list(
        session.execute(
            select(LiveEvent)
            .where(LiveEvent.audience.in_(audiences), LiveEvent.id > after_id)
            .order_by(LiveEvent.id)
            .limit(limit)
        ).scalars()
    )


def last_id(session: Session) -> int:
    """The newest line's id (a stream without ``Last-Event-ID`` starts after it: live lines only)."""
    return session.execute(select(func.max(LiveEvent.id))).scalar_one() or 0


def purge_older_than(session: Session, age: timedelta) -> int:
    """Forget lines older than the retention (a client that was away longer reads its pages again)."""
    result = session.execute(delete(LiveEvent).where(LiveEvent.created_at < clock.now() - age))
    return result.rowcount or 0
