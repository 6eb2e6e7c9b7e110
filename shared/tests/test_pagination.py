from datetime import UTC, datetime

import pytest
from sqlalchemy import insert, select

from platform_shared.errors import ValidationFailed
from platform_shared.pagination import keyset_page


def test_keyset_pages_cover_every_row_once_in_a_stable_order_despite_ties(db, items_table):
    moment = datetime(2026, 1, 1, tzinfo=UTC)
    with db.transaction() as session:
        for index in range(25):
            session.execute(insert(items_table).values(id=f"id-{index:03d}", rank=index % 3, created_at=moment))
    seen, cursor = [], None
    columns = [items_table.c.rank, items_table.c.created_at, items_table.c.id]
    while True:
        with db.read_only() as session:
            rows, cursor = keyset_page(session, select(items_table), columns, limit=7, cursor=cursor, scalars=False)
        seen.extend(row.id for row in rows)
        if cursor is None:
            break
    assert len(seen) == 25 and len(set(seen)) == 25
    assert seen == sorted(seen, key=lambda key: (int(key[-3:]) % 3, key))


def test_a_forged_cursor_is_a_validation_error(db, items_table):
    with db.read_only() as session, pytest.raises(ValidationFailed):
        keyset_page(session, select(items_table), [items_table.c.id], limit=5, cursor="not-a-cursor")


def test_a_cursor_whose_values_have_the_wrong_types_is_a_validation_error(db, items_table):
    from platform_shared.pagination import encode_cursor

    forged = encode_cursor(["not-a-rank", "also-not-a-date", 7])
    columns = [items_table.c.rank, items_table.c.created_at, items_table.c.id]
    with db.read_only() as session, pytest.raises(ValidationFailed):
        keyset_page(session, select(items_table), columns, limit=5, cursor=forged)


def test_a_page_dumps_as_items_and_next_cursor_with_each_item_presented():
    from marshmallow import Schema, fields

    from platform_shared.pagination import Page, page_schema

    class NameSchema(Schema):
        name = fields.String()

    page = Page(["a", "b"], "next").map(lambda item: {"name": item.upper()})
    assert page_schema(NameSchema)().dump(page) == {"items": [{"name": "A"}, {"name": "B"}], "next_cursor": "next"}


def test_split_page_args_separates_the_page_from_the_filters():
    from platform_shared.pagination import split_page_args

    args = {"limit": 5, "cursor": None, "status": "open"}
    assert split_page_args(args) == ({"limit": 5, "cursor": None}, {"status": "open"})
    assert args == {"limit": 5, "cursor": None, "status": "open"}


def test_descending_pages_with_distinct_moments_and_ties_cover_every_row_once_newest_first(db, items_table):
    with db.transaction() as session:
        for index in range(40):
            moment = datetime(2026, 1, 1 + index % 5, tzinfo=UTC)
            session.execute(insert(items_table).values(id=f"id-{index:03d}", rank=0, created_at=moment))
    seen, cursor = [], None
    columns = [items_table.c.created_at, items_table.c.id]
    while True:
        with db.read_only() as session:
            rows, cursor = keyset_page(
                session, select(items_table), columns, limit=6, cursor=cursor, descending=True, scalars=False
            )
        seen.extend((row.created_at, row.id) for row in rows)
        if cursor is None:
            break
    assert len(seen) == 40 and len(set(seen)) == 40
    assert seen == sorted(seen, reverse=True)


def test_the_keyset_bound_is_one_row_value_comparison_an_index_can_start_from(items_table):
    from platform_shared.pagination import _after

    moment = datetime(2026, 1, 1, tzinfo=UTC)
    bound = _after([items_table.c.created_at, items_table.c.id], [moment, "id-1"], descending=True)
    sql = str(bound.compile(compile_kwargs={"literal_binds": False}))
    assert sql.startswith("(items.created_at, items.id) <") and " OR " not in sql


def test_on_postgresql_a_deep_page_starts_an_index_range_scan_at_the_cursor(items_table):
    from platform_shared.db import Database
    from platform_shared.pagination import _after
    from platform_shared.testing import infra

    try:
        admin = infra.postgres_url()
    except infra.InfraUnavailable as error:
        pytest.skip(str(error))
    name = infra.unique_name("keyset")
    database = Database(infra.create_postgres_database(admin, name))
    try:
        from sqlalchemy import Index, text

        items_table.metadata.create_all(database.engine)
        Index("ix_items_created", items_table.c.created_at, items_table.c.id).create(database.engine)
        with database.transaction() as session:
            session.execute(
                text(
                    "insert into items (id, rank, created_at) select lpad(n::text, 8, '0'), 0,"
                    " timestamptz '2026-01-01' + n * interval '1 second' from generate_series(1, 20000) n"
                )
            )
            session.execute(text("analyze items"))
        columns = [items_table.c.created_at, items_table.c.id]
        middle = datetime(2026, 1, 1, 2, 46, 40, tzinfo=UTC)  # row 10,000
        statement = (
            select(items_table)
            .where(_after(columns, [middle, "00010000"], descending=True))
            .order_by(items_table.c.created_at.desc(), items_table.c.id.desc())
            .limit(51)
        )
        with database.read_only() as session:
            compiled = statement.compile(database.engine, compile_kwargs={"literal_binds": True})
            plan = "\n".join(row[0] for row in session.execute(text(f"explain (analyze, buffers) {compiled}")))
            rows = session.execute(statement).all()
        assert [row.id for row in rows][:2] == ["00009999", "00009998"] and len(rows) == 51
        assert "Index Cond" in plan and "Rows Removed by Filter" not in plan, plan
    finally:
        database.dispose()
        infra.drop_postgres_database(admin, name)
