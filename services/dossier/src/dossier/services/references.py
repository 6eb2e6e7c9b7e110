"""Human references ``DOS-2026-000042`` and finance numbers ``QUO-2026-0001``: a counter row per prefix and year
(and organisation, for finance numbers), incremented in the caller's transaction."""

from __future__ import annotations

from sqlalchemy import insert, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from platform_shared import clock

from ..db import ReferenceCounter
from ..workspace_db import FinanceCounter


def _next_value(session: Session, table, keys: dict) -> int:
    """The counter row's next value. The UPDATE takes the row lock until commit: concurrent creators queue here and
    never share a number; the first of a year inserts the row in a savepoint and retries if another won."""

    def increment() -> int | None:
        return session.execute(
            update(table)
            .where(*(getattr(table, name) == value for name, value in keys.items()))
            .values(last_value=table.last_value + 1)
            .returning(table.last_value)
        ).scalar_one_or_none()

    number = increment()
    if number is None:
        try:
            with session.begin_nested():
                session.execute(insert(table).values(**keys, last_value=1))
            number = 1
        except IntegrityError:  # another transaction created the year's row first
            number = increment()
    return number


def next_reference(session: Session, prefix: str, *, width: int = 6) -> str:
    year = clock.now().year
    number = _next_value(session, ReferenceCounter, {"prefix": prefix, "year": year})
    return f"{prefix}-{year}-{number:0{width}d}"


def next_finance_number(session: Session, prefix: str, organisation: str, *, width: int = 4) -> str:
    """``QUO-2026-0001``: the sequence of ``organisation`` (a dossier's client organisation, or '') and the year."""
    year = clock.now().year
    number = _next_value(session, FinanceCounter, {"prefix": prefix, "organisation": organisation, "year": year})
    return f"{prefix}-{year}-{number:0{width}d}"
