"""The worker's periodic job: remind unanswered partners a few days before their due date."""

from __future__ import annotations

import logging
from datetime import timedelta

from platform_shared.db import Database
from platform_shared.worker import PeriodicJob

from .services import solicitations

log = logging.getLogger(__name__)


def run_automatic_reminders(db: Database, settings) -> int:
    with db.transaction() as session:
        count = solicitations.remind_automatically(
            session, settings.auto_reminder_days_before, timedelta(hours=settings.reminder_quiet_hours)
        )
    if count:
        log.info("automatic reminders sent", extra={"count": count})
    return count


def periodic_jobs(settings) -> list[PeriodicJob]:
    return [PeriodicJob("automatic-reminders", settings.auto_reminder_interval_seconds, run_automatic_reminders)]
