"""Keyset pagination shared by every list: ``limit`` and an opaque ``cursor``; ``{"items", "next_cursor"}``."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any, NamedTuple

from marshmallow import Schema, fields, validate
from sqlalchemy import Select, bindparam, tuple_
from sqlalchemy.orm import Session

from .errors import ValidationFailed

MAX_LIMIT = 200


class PageArgsSchema(Schema):
    """Query parameters of every list."""

    limit = fields.Integer(
        load_default=50,
        validate=validate.Range(min=1, max=MAX_LIMIT),
        metadata={"description": "Items per page (1 to 200)."},
    )
    cursor = fields.String(load_default=None, metadata={"description": "``next_cursor`` of the previous page."})


class Page(NamedTuple):
    """One page of a list, as ``keyset_page`` returns it and a list route answers it (``page_schema`` dumps it)."""

    items: list
    next_cursor: str | None

    def map(self, present: Callable[[Any], Any]) -> Page:
        """The same page with each item passed through ``present`` (e.g. the caller's view of it)."""
        return Page([present(item) for item in self.items], self.next_cursor)


def split_page_args(args: dict) -> tuple[dict, dict]:
    """``(page, filters)`` of a list's query: ``limit`` and ``cursor`` (for ``keyset_page``), and the rest."""
    filters = dict(args)
    return {"limit": filters.pop("limit"), "cursor": filters.pop("cursor")}, filters


def page_schema(item_schema: type[Schema], name: str | None = None) -> type[Schema]:
    """``{"items": [...], "next_cursor": ...}`` around ``item_schema``."""
    return type(
        name or f"{item_schema.__name__.removesuffix('Schema')}PageSchema",
        (Schema,),
        {
            "items": fields.List(fields.Nested(item_schema), required=True),
            "next_cursor": fields.String(allow_none=True, required=True),
        },
    )


def _encode_value(value: Any) -> Any:
    if isinstance(value, datetime):
        return {"$dt": value.isoformat()}
    return value


def _decode_value(value: Any) -> Any:
    if isinstance(value, dict) and "$dt" in value:
        return datetime.fromisoformat(value["$dt"])
    return value


def encode_cursor(values: Sequence[Any]) -> str:
    raw = json.dumps([_encode_value(value) for value in values], separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def _expected_type(column) -> type | None:
    column_type = getattr(column.type, "impl", column.type)  # a TypeDecorator reports ``object``
    try:
        return column_type.python_type
    except NotImplementedError:
        return None


def decode_cursor(cursor: str, columns: Sequence) -> list[Any]:
    """The values of a cursor, each of its column's type (a forged cursor is a 422, never a 500)."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        values = json.loads(base64.urlsafe_b64decode(padded.encode()))
        if not isinstance(values, list) or len(values) != len(columns):
            raise ValueError("wrong width")
        decoded = [_decode_value(value) for value in values]
        for value, column in zip(decoded, columns, strict=False):
            expected = _expected_type(column)
            # Order columns are never NULL, so a null in a cursor is forged too.
            if value is None or (
                expected is not None
                and not (isinstance(value, expected) and not (expected is int and isinstance(value, bool)))
            ):
                raise TypeError(f"cursor value for {column.key} is not a {expected.__name__}")
            if isinstance(value, str) and "\x00" in value:
                raise ValueError("NUL in cursor")
        return decoded
    except (ValueError, TypeError, UnicodeDecodeError) as error:
        raise ValidationFailed("The cursor is not valid.", errors={"cursor": ["Invalid cursor."]}) from error


def _after(columns: Sequence, values: Sequence[Any], descending: bool):
    """Rows strictly after ``values`` in the order of ``columns``, as one row-value bound.

    ``(created_at, id) < (c, i)`` is what PostgreSQL (and SQLite, 3.15+) use as the start of an index range
    scan over ``(…, created_at, id)``; the expanded ``created_at < c OR (created_at = c AND id < i)`` returns
    the same rows but is only a filter, read row by row from the start of the list (issue 18).
    """
    if len(columns) == 1:
        return columns[0] < values[0] if descending else columns[0] > values[0]
    bound = tuple_(*[_bound(column, value) for column, value in zip(columns, values, strict=True)])
    row = tuple_(*columns)
    return row < bound if descending else row > bound


def _bound(column, value: Any):
    """``value`` bound with ``column``'s type (its TypeDecorator converts it as for ``column == value``)."""
    return bindparam(None, value, type_=column.type)


def keyset_page(
    session: Session,
    statement: Select,
    order_columns: Sequence,
    *,
    limit: int,
    cursor: str | None,
    descending: bool = False,
    scalars: bool = True,
) -> Page:
    """Run ``statement`` one page at a time in a stable order.

    ``order_columns`` must end with a unique column (the id) so the order is total.
    """
    if cursor:
        statement = statement.where(_after(order_columns, decode_cursor(cursor, order_columns), descending))
    ordering = [column.desc() if descending else column.asc() for column in order_columns]
    statement = statement.order_by(*ordering).limit(limit + 1)
    result = session.execute(statement)
    rows = list(result.scalars() if scalars else result)
    next_cursor = None
    if len(rows) > limit:
        rows = rows[:limit]
        last = rows[-1]
        next_cursor = encode_cursor([getattr(last, column.key) for column in order_columns])
    return Page(rows, next_cursor)
