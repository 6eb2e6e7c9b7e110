"""Handling an event at most once per consumer: the inbox row and the handler's effects commit together."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from typing import Any

from sqlalchemy import bindparam
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from .. import clock
from ..db import Database
from .envelope import Envelope
from .tables import inbox_table

log = logging.getLogger(__name__)

Handler = Callable[[Session, Envelope], None]
HandlerTable = Mapping[str, Handler]


def _claim_statement(dialect) -> Any:
    return (
        dialect.insert(inbox_table)
        .values(
            event_id=bindparam("event_id"),
            consumer=bindparam("consumer"),
            event_type=bindparam("event_type"),
            processed_at=bindparam("processed_at"),
        )
        .on_conflict_do_nothing(index_elements=[inbox_table.c.event_id, inbox_table.c.consumer])
        .returning(inbox_table.c.event_id)  # this INSERT's rowcount reads -1 through psycopg
    )


# Built once per dialect (building the statement per event was a third of a small handler's CPU; issue 18).
_CLAIMS = {"postgresql": _claim_statement(postgresql), "sqlite": _claim_statement(sqlite)}


def _claim_inbox_row(session: Session, consumer: str, envelope: Envelope) -> bool:
    """Insert the inbox row of ``envelope`` for ``consumer``; False when it was already there."""
    claim = _CLAIMS["postgresql" if session.get_bind().dialect.name == "postgresql" else "sqlite"]
    params = {"event_id": envelope.id, "consumer": consumer, "event_type": envelope.type, "processed_at": clock.now()}
    return session.execute(claim, params).first() is not None


def handle_once(db: Database, consumer: str, handlers: HandlerTable, envelope: Envelope) -> bool:
    """Run the handler of ``envelope.type`` unless this consumer already did.

    Returns True when the handler ran, False for a duplicate or an event type
    this consumer does not handle. The inbox row is inserted in the handler's
    transaction, so a crash before commit leaves no trace and the redelivery runs
    it again, while a redelivery after commit finds the row and does nothing.
    The check and the insert are one statement (``INSERT ... ON CONFLICT DO NOTHING``, issue 18: one round trip
    fewer per event): a concurrent duplicate waits on the inbox primary key for the first one's transaction,
    then inserts nothing (it committed) or inserts its row (it rolled back).
    """
    handler = handlers.get(envelope.type)
    with db.transaction() as session:
        if not _claim_inbox_row(session, consumer, envelope):
            log.info("duplicate event ignored", extra={"event_id": envelope.id, "event_type": envelope.type})
            return False
        if handler is None:
            return False
        handler(session, envelope)
    return True
