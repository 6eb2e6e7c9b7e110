import dataclasses
import threading

import pytest
from sqlalchemy import event, func, insert, select

from platform_shared.db import Database
from platform_shared.messaging.envelope import new_envelope
from platform_shared.messaging.inbox import handle_once
from platform_shared.messaging.outbox import record_event, unsent_count
from platform_shared.messaging.tables import inbox_table, messaging_metadata
from platform_shared.testing.schema import scratch_database
from platform_shared.testing.unit import outbox_events


def test_an_event_is_recorded_only_if_its_transaction_commits(db):
    with pytest.raises(RuntimeError), db.transaction() as session:
        record_event(session, "thing.created", {"id": "1"}, producer="demo")
        raise RuntimeError("use case failed")
    assert outbox_events(db) == []
    with db.transaction() as session:
        record_event(session, "thing.created", {"id": "2"}, producer="demo")
    assert [event.data["id"] for event in outbox_events(db)] == ["2"]
    with db.read_only() as session:
        assert unsent_count(session) == 1


@pytest.fixture
def effects(db, items_table):
    """A handler whose effect is one row per event, and a way to count them."""

    def effect(session, envelope):
        session.execute(insert(items_table).values(id=envelope.id, rank=1))

    def count():
        with db.read_only() as session:
            return session.execute(select(func.count()).select_from(items_table)).scalar_one()

    return effect, count


def test_the_same_event_handled_twice_has_one_effect(db, effects):
    effect, count = effects
    envelope = new_envelope("thing.created", {}, producer="demo")
    assert handle_once(db, "demo", {"thing.created": effect}, envelope) is True
    assert handle_once(db, "demo", {"thing.created": effect}, envelope) is False
    assert count() == 1


def test_a_failing_handler_leaves_no_inbox_row_so_the_redelivery_runs_it(db, effects):
    effect, count = effects
    envelope = new_envelope("thing.created", {}, producer="demo")

    def failing(session, event):
        effect(session, event)
        raise RuntimeError("transient")

    with pytest.raises(RuntimeError):
        handle_once(db, "demo", {"thing.created": failing}, envelope)
    with db.read_only() as session:
        assert session.execute(select(func.count()).select_from(inbox_table)).scalar_one() == 0
    assert count() == 0
    assert handle_once(db, "demo", {"thing.created": effect}, envelope) is True
    assert count() == 1


@pytest.fixture(params=["sqlite", "postgresql"])
def any_db(request, db, items_table):
    if request.param == "sqlite":
        yield db
        return
    with scratch_database("postgresql") as url:
        database = Database(url)
        messaging_metadata.create_all(database.engine)  # a test database, not a service's
        items_table.metadata.create_all(database.engine)
        yield database
        database.dispose()


def test_the_inbox_check_and_insert_are_one_statement_and_a_duplicate_writes_nothing(any_db):
    """Issue 18: one round trip fewer per event; the duplicate still has no effect."""
    statements = []
    listen = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(any_db.engine, "before_cursor_execute", listen)
    try:
        envelope = new_envelope("thing.created", {}, producer="demo")
        assert handle_once(any_db, "demo", {"thing.created": lambda session, event: None}, envelope) is True
        inbox_statements = [sql for sql in statements if "inbox" in sql]
        assert len(inbox_statements) == 1 and "ON CONFLICT" in inbox_statements[0].upper()
        ran = []
        assert handle_once(any_db, "demo", {"thing.created": lambda session, event: ran.append(1)}, envelope) is False
        assert ran == []
        assert handle_once(any_db, "other", {"thing.created": lambda session, event: ran.append(1)}, envelope) is True
        assert ran == [1]
    finally:
        event.remove(any_db.engine, "before_cursor_execute", listen)


def test_a_concurrent_duplicate_waits_for_the_first_and_then_does_nothing(any_db, items_table):
    if any_db.is_sqlite:
        pytest.skip("SQLite serialises writers: no two transactions are ever in flight")
    envelope = new_envelope("thing.created", {}, producer="demo")
    inside, release = threading.Event(), threading.Event()
    effect_rows = []

    def slow(session, event):
        session.execute(insert(items_table).values(id=event.id, rank=1))
        effect_rows.append(event.id)
        inside.set()
        release.wait(10)

    results = {}
    envelope = dataclasses.replace(envelope, type="t")
    first = threading.Thread(target=lambda: results.update(first=handle_once(any_db, "demo", {"t": slow}, envelope)))
    first.start()
    assert inside.wait(10)
    second = threading.Thread(target=lambda: results.update(second=handle_once(any_db, "demo", {"t": slow}, envelope)))
    second.start()
    second.join(0.5)
    assert second.is_alive()  # waiting on the inbox row the first one holds
    release.set()
    first.join(10)
    second.join(10)
    assert results == {"first": True, "second": False}
    assert effect_rows == [envelope.id]
    with any_db.read_only() as session:
        assert session.execute(select(func.count()).select_from(items_table)).scalar_one() == 1
