"""Outbox and inbox retention (platform_shared.messaging.retention), on SQLite and PostgreSQL."""

import json
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select, update

from platform_shared import clock
from platform_shared.config import ConfigError, load_settings
from platform_shared.db import Database
from platform_shared.messaging.envelope import new_envelope
from platform_shared.messaging.inbox import handle_once
from platform_shared.messaging.outbox import record_event
from platform_shared.messaging.retention import purge_messaging_tables
from platform_shared.messaging.tables import inbox_table, messaging_metadata, outbox_table
from platform_shared.testing.schema import scratch_database

START = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request, tmp_path):
    if request.param == "sqlite":
        database = Database(f"sqlite:///{tmp_path / 'retention.db'}")
        messaging_metadata.create_all(database.engine)  # a test database, not a service's
        yield database
        database.dispose()
        return
    with scratch_database("postgresql") as url:
        database = Database(url)
        messaging_metadata.create_all(database.engine)
        yield database
        database.dispose()


def _count(database, table) -> int:
    with database.read_only() as session:
        return session.execute(select(func.count()).select_from(table)).scalar_one()


def _record(database, day: int, *, sent: bool) -> None:
    with clock.frozen_at(START + timedelta(days=day)), database.transaction() as session:
        envelope = record_event(session, "thing.created", {"id": str(day)}, producer="demo")
        if sent:
            session.execute(
                update(outbox_table).where(outbox_table.c.event_id == envelope.id).values(sent_at=clock.now())
            )
    with clock.frozen_at(START + timedelta(days=day)):
        handle_once(database, "demo", {"thing.created": lambda session, envelope: None}, envelope_of(day))


def envelope_of(day: int):
    return new_envelope("thing.created", {"id": str(day)}, producer="other")


def test_sent_outbox_rows_and_old_inbox_rows_go_in_batches_unsent_ones_stay(database):
    for day in range(40):
        _record(database, day, sent=day != 3)  # one event never confirmed, from day 3
    settings = load_settings(
        database_url="sqlite://", outbox_retention_days=7, inbox_retention_days=30, retention_batch_size=4
    )
    with clock.frozen_at(START + timedelta(days=40)):
        counts = purge_messaging_tables(database, settings)
    # outbox: days 0-32 sent more than 7 days ago, except day 3 (unsent, kept whatever its age)
    assert counts == {"outbox": 32, "inbox": 10}
    with database.read_only() as session:
        kept = [json.loads(payload)["data"]["id"] for payload in session.scalars(select(outbox_table.c.payload))]
        too_old = session.execute(
            select(func.count()).where(inbox_table.c.processed_at < START + timedelta(days=10))
        ).scalar_one()
    assert sorted(kept, key=int) == ["3", *map(str, range(33, 40))]
    assert _count(database, inbox_table) == 30 and too_old == 0
    with clock.frozen_at(START + timedelta(days=40)):
        assert purge_messaging_tables(database, settings) == {"outbox": 0, "inbox": 0}


def test_the_inbox_may_not_be_kept_shorter_than_the_outbox():
    with pytest.raises(ConfigError, match="INBOX_RETENTION_DAYS=5 must be at least OUTBOX_RETENTION_DAYS=7"):
        load_settings(environ={"DATABASE_URL": "sqlite://", "INBOX_RETENTION_DAYS": "5"})
