"""Recording an event in the same transaction as the state change it describes."""

from __future__ import annotations

from datetime import UTC
from typing import Any

from sqlalchemy import func, insert, select, text
from sqlalchemy.orm import Session

from .. import clock
from ..events import check_recorded
from .envelope import Envelope, new_envelope
from .tables import outbox_table
from .wake import wake_after_commit


def notify_channel(service_name: str) -> str:
    """PostgreSQL NOTIFY channel that wakes a service's relay."""
    return "outbox_" + service_name.replace("-", "_")


def record_event(
    session: Session,
    event_type: str,
    data: dict[str, Any],
    *,
    producer: str,
    aggregate_id: str | None = None,
    actor: dict | None = None,
) -> Envelope:
    """Add an event to the outbox of the session's transaction; it is published after commit.

    On PostgreSQL a ``pg_notify`` in the same transaction wakes the relay at commit
    (notifications are delivered only if the transaction commits); on SQLite a datagram sent after the commit
    does (``messaging.wake``). The data must match its type's schema (``platform_shared.events``), else
    :class:`~platform_shared.events.InvalidEventData` is raised and nothing is written.
    """
    envelope = new_envelope(event_type, data, producer=producer, actor=actor)
    check_recorded(envelope.type, envelope.data, producer=producer)  # as JSON will carry it (dates as text)
    session.execute(
        insert(outbox_table).values(
            event_id=envelope.id,
            event_type=envelope.type,
            aggregate_id=aggregate_id or data.get("id") or data.get(f"{event_type.split('.')[0]}_id"),
            payload=envelope.to_json(),
            created_at=clock.now(),
        )
    )
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        session.execute(text("SELECT pg_notify(:channel, '')"), {"channel": notify_channel(producer)})
    elif dialect == "sqlite":
        wake_after_commit(session)  # the relay no longer polls every 20 ms (issue 18)
    return envelope


def unsent_count(session: Session) -> int:
    return session.execute(
        select(func.count()).select_from(outbox_table).where(outbox_table.c.sent_at.is_(None))
    ).scalar_one()


def oldest_unsent_age_seconds(session: Session) -> float:
    oldest = session.execute(
        select(func.min(outbox_table.c.created_at)).where(outbox_table.c.sent_at.is_(None))
    ).scalar_one()
    if oldest is None:
        return 0.0
    if isinstance(oldest, str):  # SQLite aggregate bypasses the column type
        from datetime import datetime

        oldest = datetime.fromisoformat(oldest)
        if oldest.tzinfo is None:
            oldest = oldest.replace(tzinfo=UTC)
    return max(0.0, (clock.now() - oldest).total_seconds())
