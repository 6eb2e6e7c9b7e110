"""DriverRead: a Core SELECT run on the driver's cursor gives the values a SQLAlchemy read gives, on both
backends; it sees its session's transaction; on PostgreSQL a connection the server dropped is replaced and the
read answers (skipped only when no PostgreSQL answers, and not under CI)."""

from __future__ import annotations

import contextlib
from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import JSON, Boolean, Column, Integer, MetaData, String, Table, bindparam, insert, select, text

from platform_shared.db import Database, DriverRead, UTCDateTime
from platform_shared.testing.schema import scratch_database

metadata = MetaData()
things = Table(
    "things",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("rank", Integer, nullable=False),
    Column("done", Boolean, nullable=False),
    Column("payload", JSON),
    Column("seen_at", UTCDateTime()),
    Column("note", String(200)),
)
READ = DriverRead(
    select(things.c.id, things.c.rank, things.c.done, things.c.payload, things.c.seen_at, things.c.note.label("n"))
    .where(things.c.rank >= bindparam("low"))
    .order_by(things.c.rank)
)
ROWS = [
    {
        "id": "a",
        "rank": 1,
        "done": True,
        "payload": {"k": ["é", 1, None]},
        "seen_at": datetime(2026, 3, 1, 12, 30, tzinfo=timezone(timedelta(hours=2))),
        "note": None,
    },
    {"id": "b", "rank": 2, "done": False, "payload": None, "seen_at": None, "note": "x"},
]


@contextlib.contextmanager
def seeded(dialect: str):
    with scratch_database(dialect) as url:
        db = Database(url)
        metadata.create_all(db.engine)  # test fixture only: services use Alembic
        with db.transaction() as session:
            session.execute(insert(things), ROWS)
        try:
            yield db
        finally:
            db.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request):
    with seeded(request.param) as db:
        yield db


def test_the_values_are_those_a_sqlalchemy_read_gives(database):
    with database.read_only() as session:
        expected = [tuple(row) for row in session.execute(READ.statement, {"low": 0})]
    with database.single_statement_read() as session:
        rows = READ.rows(session, {"low": 0})
    assert rows == expected
    assert READ.keys == ["id", "rank", "done", "payload", "seen_at", "n"]
    first = dict(zip(READ.keys, rows[0], strict=True))
    assert first["done"] is True and first["payload"] == {"k": ["é", 1, None]}
    assert first["seen_at"] == datetime(2026, 3, 1, 10, 30, tzinfo=UTC) and first["seen_at"].tzinfo is UTC
    with database.single_statement_read() as session:
        assert [row[0] for row in READ.rows(session, {"low": 2})] == ["b"]
        assert READ.rows(session, {"low": 3}) == []


def test_inside_a_transaction_it_reads_on_the_sessions_connection(database):
    with database.transaction() as session:
        session.execute(insert(things).values(id="c", rank=3, done=False))
        assert [row[0] for row in READ.rows(session, {"low": 3})] == ["c"]
        session.rollback()
    with database.read_only() as session:
        assert READ.rows(session, {"low": 3}) == []


def test_it_leaves_no_connection_checked_out(database):
    pool = database.engine.pool if database.is_sqlite else database._autocommit_session_factory.kw["bind"].pool
    for _ in range(20):
        with database.single_statement_read() as session:
            READ.rows(session, {"low": 0})
    assert getattr(pool, "checkedout", lambda: 0)() == 0


@pytest.fixture
def postgres():
    with seeded("postgresql") as db:
        yield db


def test_on_postgresql_a_connection_the_server_dropped_is_replaced_and_the_read_answers(postgres):
    with postgres.single_statement_read() as session:
        assert len(READ.rows(session, {"low": 0})) == 2  # the connection now rests in the pool
        engine = session.get_bind()
    with engine.connect() as connection:  # the pool's only connection, back in it afterwards
        pid = connection.exec_driver_sql("select pg_backend_pid()").scalar_one()
    with postgres.engine.connect() as other:
        assert other.execute(text("select pg_terminate_backend(:pid)"), {"pid": pid}).scalar_one() is True
    with postgres.single_statement_read() as session:
        assert [row[0] for row in READ.rows(session, {"low": 0})] == ["a", "b"]
    with engine.connect() as connection:
        assert connection.exec_driver_sql("select pg_backend_pid()").scalar_one() != pid


def test_on_postgresql_it_is_a_prepared_statement(postgres):
    with postgres.single_statement_read() as session:
        READ.rows(session, {"low": 0})
        engine = session.get_bind()
    with engine.connect() as connection:
        statements = connection.exec_driver_sql("select statement from pg_prepared_statements").scalars().all()
    assert any("FROM things" in statement for statement in statements)
