import pytest
from sqlalchemy import func, insert, select

from platform_shared.messaging.envelope import new_envelope
from platform_shared.messaging.inbox import handle_once
from platform_shared.messaging.outbox import record_event, unsent_count
from platform_shared.messaging.tables import inbox_table
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
