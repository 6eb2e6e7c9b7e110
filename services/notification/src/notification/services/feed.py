"""The in-app feed of the signed-in user, and the admin's view of deliveries."""

from __future__ import annotations

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from platform_shared import clock
from platform_shared.db import get_or_404
from platform_shared.pagination import keyset_page

from ..db import Delivery, Notification


def feed_page(session: Session, sub: str, *, limit: int, cursor: str | None):
    """Unread first, then newest first."""
    statement = select(Notification).where(Notification.sub == sub)
    return keyset_page(
        session,
        statement,
        [Notification.unread, Notification.created_at, Notification.id],
        limit=limit,
        cursor=cursor,
        descending=True,
    )


def unread_count(session: Session, sub: str) -> int:
    return session.execute(
        select(func.count()).select_from(Notification).where(Notification.sub == sub, Notification.unread == 1)
    ).scalar_one()


def mark_read(session: Session, sub: str, notification_id: str) -> Notification:
    notification = get_or_404(
        session,
        Notification,
        notification_id,
        "No such notification.",
        visible=lambda notification: notification.sub == sub,
    )
    if notification.unread:
        notification.unread, notification.read_at = 0, clock.now()
    return notification


def deliveries_page(session: Session, filters: dict, *, limit: int, cursor: str | None):
    """Newest first, narrowed by event id, recipient (address or sub), status, dossier, event type."""
    statement = select(Delivery)
    for name in ("event_id", "status", "dossier_id", "event_type", "channel"):
        if filters.get(name):
            statement = statement.where(getattr(Delivery, name) == filters[name])
    if filters.get("recipient"):
        wanted = filters["recipient"].strip()
        statement = statement.where(or_(Delivery.recipient == wanted.lower(), Delivery.recipient_sub == wanted))
    return keyset_page(
        session, statement, [Delivery.created_at, Delivery.id], limit=limit, cursor=cursor, descending=True
    )
