"""The relay's leadership on PostgreSQL (issue 18): each read and mark of the outbox is one statement on the
lock's session that checks the lock itself, so a relay whose lock is gone publishes nothing more."""

import pytest
from sqlalchemy import event, func, select, text

from platform_shared.db import Database
from platform_shared.messaging.outbox import record_event
from platform_shared.messaging.relay import LeaderLock, LeaderLost
from platform_shared.messaging.tables import messaging_metadata, outbox_table
from platform_shared.testing.schema import scratch_database


@pytest.fixture
def pg():
    with scratch_database("postgresql") as url:
        database = Database(url)
        messaging_metadata.create_all(database.engine)  # a test database, not a service's
        yield database
        database.dispose()


def _record(db, count):
    with db.transaction() as session:
        for number in range(count):
            record_event(session, "thing.created", {"n": number}, producer="demo")


def _unsent(db) -> int:
    with db.read_only() as session:
        return session.scalar(select(func.count()).select_from(outbox_table).where(outbox_table.c.sent_at.is_(None)))


def test_the_leader_reads_unsent_rows_in_order_and_marks_them_in_one_statement_each(pg):
    _record(pg, 3)
    lock = LeaderLock(pg, "demo")
    try:
        assert lock.try_acquire()
        statements = []

        @event.listens_for(pg.engine, "before_cursor_execute")
        def _count(_conn, _cursor, statement, *_args):
            statements.append(statement)

        rows = lock.unsent(10)
        assert [row[0] for row in rows] == sorted(row[0] for row in rows) and len(rows) == 3
        lock.mark([rows[0][0], rows[1][0]], {rows[2][0]: "nacked by the broker"})
        event.remove(pg.engine, "before_cursor_execute", _count)
        assert len(statements) == 3 and not any(s.strip().upper() in ("BEGIN", "COMMIT") for s in statements)
        assert _unsent(pg) == 1
        assert lock.unsent(10)[0][0] == rows[2][0]
        with pg.read_only() as session:
            assert (
                session.execute(select(outbox_table.c.last_error).where(outbox_table.c.seq == rows[2][0])).scalar_one()
                == "nacked by the broker"
            )
    finally:
        lock.release()


def test_a_standby_cannot_take_the_lock_while_the_leader_holds_it(pg):
    leader, standby = LeaderLock(pg, "demo"), LeaderLock(pg, "demo")
    try:
        assert leader.try_acquire() and not standby.try_acquire()
        with pytest.raises(LeaderLost):
            standby.unsent(10)  # it holds nothing: it reads nothing
    finally:
        leader.release()
        standby.release()


def test_a_leader_whose_lock_was_released_reads_and_marks_nothing(pg):
    _record(pg, 2)
    lock = LeaderLock(pg, "demo")
    try:
        assert lock.try_acquire()
        rows = lock.unsent(10)
        lock._connection.execute(text("SELECT pg_advisory_unlock_all()"))  # the lock goes, the session stays
        with pytest.raises(LeaderLost):
            lock.mark([row[0] for row in rows], {})
        assert _unsent(pg) == 2  # nothing marked: they will be published again, never lost
        assert lock.try_acquire()
        lock._connection.execute(text("SELECT pg_advisory_unlock_all()"))
        with pytest.raises(LeaderLost):
            lock.unsent(10)
    finally:
        lock.release()


def test_a_leader_whose_session_was_terminated_stops(pg):
    _record(pg, 1)
    lock = LeaderLock(pg, "demo")
    try:
        assert lock.try_acquire()
        pid = lock._connection.execute(text("SELECT pg_backend_pid()")).scalar_one()
        with pg.engine.connect() as other:
            other.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
            other.commit()
        with pytest.raises(LeaderLost):
            lock.unsent(10)
        assert _unsent(pg) == 1
    finally:
        lock.release()
