import time

import pytest
from sqlalchemy import insert, select, text
from sqlalchemy.orm import DeclarativeBase

from platform_shared.db import get_or_404
from platform_shared.errors import NotFound


@pytest.fixture
def item_class(items_table):
    """An ORM class over the conftest's ``items`` table."""

    class Base(DeclarativeBase):
        pass

    class Item(Base):
        __table__ = items_table

    return Item


def _add(db, items_table, *ids):
    with db.transaction() as session:
        for index, item_id in enumerate(ids):
            session.execute(insert(items_table).values(id=item_id, rank=index))


def test_objects_read_in_a_read_only_session_stay_loaded_after_it_ends(db, items_table, item_class):
    _add(db, items_table, "a", "b")
    with db.read_only() as session:
        rows = session.scalars(select(item_class).order_by(item_class.id)).all()
    assert [(row.id, row.rank) for row in rows] == [("a", 0), ("b", 1)]


def test_a_read_only_session_commits_nothing_it_changed(db, items_table, item_class):
    _add(db, items_table, "a")
    with db.read_only() as session:
        row = session.get(item_class, "a")
        row.rank = 99
        session.flush()
    with db.read_only() as session:
        assert session.get(item_class, "a").rank == 0


def test_get_or_404_returns_the_row_it_finds(db, items_table, item_class):
    _add(db, items_table, "a")
    with db.read_only() as session:
        assert get_or_404(session, item_class, "a", "No such item.").id == "a"


def test_get_or_404_answers_a_missing_row_and_an_invisible_one_alike(db, items_table, item_class):
    _add(db, items_table, "a")
    with db.read_only() as session:
        with pytest.raises(NotFound) as missing:
            get_or_404(session, item_class, "nope", "No such item.")
        with pytest.raises(NotFound) as hidden:
            get_or_404(session, item_class, "a", "No such item.", visible=lambda row: row.rank > 0)
    assert missing.value.detail == hidden.value.detail == "No such item."


def test_on_postgresql_a_pooled_connection_killed_while_resting_is_replaced_without_an_error(monkeypatch):
    """No pre-ping per request (issue 18), yet a connection the server closed while it rested is not used."""
    import psycopg
    import pytest

    from platform_shared import db as db_module
    from platform_shared.testing import infra

    try:
        admin = infra.postgres_url()
    except infra.InfraUnavailable as error:
        pytest.skip(str(error))
    monkeypatch.setattr(db_module, "IDLE_PING_SECONDS", 0.2)
    name = infra.unique_name("idle_ping")
    database = db_module.Database(infra.create_postgres_database(admin, name))
    try:
        with database.read_only() as session:
            backend = session.execute(text("select pg_backend_pid()")).scalar_one()
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute("select pg_terminate_backend(%s)", (backend,))
        time.sleep(0.3)
        with database.read_only() as session:
            assert session.execute(text("select pg_backend_pid()")).scalar_one() != backend
        # Back to back (no rest), the same pooled connection serves again.
        with database.read_only() as session:
            again = session.execute(text("select pg_backend_pid()")).scalar_one()
        with database.read_only() as session:
            assert session.execute(text("select pg_backend_pid()")).scalar_one() == again
    finally:
        database.dispose()
        infra.drop_postgres_database(admin, name)
