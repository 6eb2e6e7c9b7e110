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
