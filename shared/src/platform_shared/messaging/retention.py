"""Deleting outbox and inbox rows once they can no longer matter, in batches (a worker's periodic job).

- **Outbox**: a row the broker confirmed (``sent_at`` set) is never published again; it is kept
  ``OUTBOX_RETENTION_DAYS`` (7) for an operator's inquiries, then deleted. Unsent rows are never deleted.
- **Inbox**: a row is what makes a second delivery of an event a no-op, so it must outlive every way a
  copy of that event can still arrive: a redelivery after a crash (seconds), the retry tiers
  (``CONSUMER_RETRY_DELAYS_MS``, seconds to minutes), a message waiting in a queue through a broker or
  consumer outage (hours, days), a dead letter an operator replays (days), and, the longest, the
  republication of everything sent after the backup a producer's database is restored from. Hence
  ``INBOX_RETENTION_DAYS`` (30), longer than the outbox's and than the oldest backup you would restore
  (``deploy/README.md``); ``load_settings`` refuses an inbox retention shorter than the outbox's.

Each batch is one short transaction of at most ``RETENTION_BATCH_SIZE`` rows, so the job never holds
the database long (SQLite's one writer) and several workers may run it at once.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from sqlalchemy import delete, select, tuple_

from .. import clock
from ..db import Database
from .tables import inbox_table, outbox_table

log = logging.getLogger(__name__)


def purge_sent_outbox(db: Database, older_than: timedelta, batch_size: int) -> int:
    """Delete outbox rows sent more than ``older_than`` ago; returns how many."""
    limit = clock.now() - older_than
    oldest = (
        select(outbox_table.c.seq)
        .where(outbox_table.c.sent_at.is_not(None), outbox_table.c.sent_at < limit)
        .order_by(outbox_table.c.seq)
        .limit(batch_size)
    )
    return _in_batches(db, lambda: delete(outbox_table).where(outbox_table.c.seq.in_(oldest.scalar_subquery())))


def purge_inbox(db: Database, older_than: timedelta, batch_size: int) -> int:
    """Delete inbox rows of events handled more than ``older_than`` ago; returns how many."""
    limit = clock.now() - older_than
    oldest = (
        select(inbox_table.c.event_id, inbox_table.c.consumer)
        .where(inbox_table.c.processed_at < limit)
        .limit(batch_size)
    )
    key = tuple_(inbox_table.c.event_id, inbox_table.c.consumer)
    return _in_batches(db, lambda: delete(inbox_table).where(key.in_(oldest)))


def _in_batches(db: Database, statement) -> int:
    total = 0
    while True:
        with db.transaction() as session:
            deleted = session.execute(statement()).rowcount
        total += deleted
        if not deleted:
            return total


def purge_messaging_tables(db: Database, settings) -> dict[str, int]:
    """One pass of the retention job over the outbox and the inbox."""
    counts = {
        "outbox": purge_sent_outbox(db, timedelta(days=settings.outbox_retention_days), settings.retention_batch_size),
        "inbox": purge_inbox(db, timedelta(days=settings.inbox_retention_days), settings.retention_batch_size),
    }
    if any(counts.values()):
        log.info("retention: deleted %(outbox)d outbox and %(inbox)d inbox rows", counts)
    return counts
