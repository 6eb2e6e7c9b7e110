"""Keyset pages whose cursor is checked against the order columns' types, so a forged cursor is a 422, never a 500."""
from __future__ import annotations

from typing import Sequence

from sqlalchemy import Select
from sqlalchemy.orm import Session

from platform_shared.errors import ValidationFailed
from platform_shared.pagination import decode_cursor, keyset_page


def _fits(column, value) -> bool:
    column_type = getattr(column.type, "impl", column.type)  # a TypeDecorator reports ``object``
    return isinstance(value, column_type.python_type) and not isinstance(value, bool)


def checked_page(session: Session, statement: Select, order_columns: Sequence, *, limit: int, cursor: str | None,
                 descending: bool = False) -> tuple[list, str | None]:
    if cursor and not all(_fits(column, value) for column, value in
                          zip(order_columns, decode_cursor(cursor, len(order_columns)))):
        raise ValidationFailed("The cursor is not valid.", errors={"cursor": ["Invalid cursor."]})
    return keyset_page(session, statement, order_columns, limit=limit, cursor=cursor, descending=descending)
