"""The worker's periodic jobs: remind unanswered partners a few days before their due date; forget attach
failures once they are out of the lock-out window."""

from __future__ import annotations

import logging
from datetime import timedelta

from platform_shared.db import Database
from platform_shared.worker import PeriodicJob

from .services import keys, solicitations

log = logging.getLogger(__name__)


def run_automatic_reminders(db: Database, settings) -> int:
    with db.transaction() as session:
        count = solicitations.remind_automatically(
            session, settings.auto_reminder_days_before, timedelta(hours=settings.reminder_quiet_hours)
        )
    if count:
        log.info("automatic reminders sent", extra={"count": count})
    return count


def purge_attach_failures(db: Database, settings) -> int:
    """Delete attach failures older than the lock-out window, one short transaction per batch."""
    window = timedelta(minutes=settings.attach_window_minutes)
    total = 0
    while True:
        with db.transaction() as session:
            deleted = keys.purge_attach_failures(session, window, settings.retention_batch_size)
        total += deleted
        if deleted < settings.retention_batch_size:
            if total:
                log.info("attach failures out of their window deleted", extra={"count": total})
            return total


def periodic_jobs(settings) -> list[PeriodicJob]:
    return [
        PeriodicJob("automatic-reminders", settings.auto_reminder_interval_seconds, run_automatic_reminders),
        PeriodicJob("attach-failures-retention", settings.retention_interval_seconds, purge_attach_failures),
    ]
