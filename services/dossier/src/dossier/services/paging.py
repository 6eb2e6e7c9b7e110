"""Keyset pages of the dossier service (the shared cursor check refuses forged cursors with a 422)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Select
from sqlalchemy.orm import Session

from platform_shared.pagination import keyset_page


def checked_page(
    session: Session,
    statement: Select,
    order_columns: Sequence,
    *,
    limit: int,
    cursor: str | None,
    descending: bool = False,
) -> tuple[list, str | None]:
    return keyset_page(session, statement, order_columns, limit=limit, cursor=cursor, descending=descending)
