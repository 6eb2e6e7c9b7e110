"""Handling an event at most once per consumer: the inbox row and the handler's effects commit together."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from .. import clock
from ..db import Database
from .envelope import Envelope
from .tables import inbox_table

log = logging.getLogger(__name__)

Handler = Callable[[Session, Envelope], None]
HandlerTable = Mapping[str, Handler]


def already_processed(session: Session, consumer: str, event_id: str) -> bool:
    return (
        session.execute(
            select(inbox_table.c.event_id).where(inbox_table.c.event_id == event_id, inbox_table.c.consumer == consumer)
        ).first()
        is not None
    )


def handle_once(db: Database, consumer: str, handlers: HandlerTable, envelope: Envelope) -> bool:
    """Run the handler of ``envelope.type`` unless this consumer already did.

    Returns True when the handler ran, False for a duplicate or an event type
    this consumer does not handle. The inbox row is inserted in the handler's
    transaction, so a crash before commit leaves no trace and the redelivery runs
    it again, while a redelivery after commit finds the row and does nothing.
    Concurrent duplicates collide on the inbox primary key and one rolls back.
    """
    handler = handlers.get(envelope.type)
    with db.transaction() as session:
        if already_processed(session, consumer, envelope.id):
            log.info("duplicate event ignored", extra={"event_id": envelope.id, "event_type": envelope.type})
            return False
        session.execute(
            insert(inbox_table).values(
                event_id=envelope.id, consumer=consumer, event_type=envelope.type, processed_at=clock.now()
            )
        )
        if handler is None:
            return False
        handler(session, envelope)
    return True
