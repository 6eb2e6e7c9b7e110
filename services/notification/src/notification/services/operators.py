"""What an operator does from ``notification-ctl deliveries``: list the emails whose outcome is unknown, and
send chosen ones again.

A delivery left ``sending`` by a worker that died mid-send becomes ``unknown`` and is never sent again by
itself (at most once: the email may have left). Only an operator, who can ask the recipient, decides to
send it again; the choice is recorded on the delivery (``resent_by``, ``resent_at``) and in the log.
"""

from __future__ import annotations

import logging

from sqlalchemy import select
from sqlalchemy.orm import Session

from platform_shared import clock

from ..db import Delivery
from ..domain.deliveries import KEY_TEMPLATES, PENDING, UNKNOWN
from ..domain.errors import CannotResend

log = logging.getLogger(__name__)


def unknown_deliveries(session: Session, limit: int) -> list[Delivery]:
    """The deliveries whose outcome is unknown, oldest first."""
    return list(
        session.scalars(
            select(Delivery).where(Delivery.status == UNKNOWN).order_by(Delivery.created_at, Delivery.id).limit(limit)
        )
    )


def resend(session: Session, delivery_ids: list[str], operator: str) -> list[Delivery]:
    """Queue the given unknown deliveries again (the sender sends them on its next pass); nothing changes
    unless every one of them can be resent."""
    deliveries = {
        delivery.id: delivery
        for delivery in session.scalars(select(Delivery).where(Delivery.id.in_(delivery_ids)).with_for_update())
    }
    problems = {}
    for delivery_id in delivery_ids:
        delivery = deliveries.get(delivery_id)
        if delivery is None:
            problems[delivery_id] = "no such delivery"
        elif delivery.status != UNKNOWN:
            problems[delivery_id] = f"its outcome is known ({delivery.status}): only unknown deliveries are resent"
        elif delivery.template in KEY_TEMPLATES and not delivery.context.get("sealed_key"):
            problems[delivery_id] = "its access key is no longer held: issue a new key from the partner-gateway"
    if problems:
        raise CannotResend(problems)
    now = clock.now()
    for delivery in deliveries.values():
        delivery.status, delivery.next_attempt_at, delivery.updated_at = PENDING, now, now
        delivery.resent_by, delivery.resent_at = operator, now
        delivery.last_error = f"outcome unknown (the worker stopped while sending); resent by {operator}"
        log.warning("delivery %s resent by %s after an unknown outcome", delivery.id, operator)
    return [deliveries[delivery_id] for delivery_id in delivery_ids]
