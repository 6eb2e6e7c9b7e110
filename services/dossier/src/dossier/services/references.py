"""Human references ``DOS-2026-000042``: a counter row per prefix and year, incremented in the caller's transaction."""

from __future__ import annotations

from sqlalchemy import insert, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from platform_shared import clock

from ..db import ReferenceCounter


def _increment(session: Session, prefix: str, year: int) -> int | None:
    # The UPDATE takes the row lock until commit: concurrent creators queue here and never share a number.
    return session.execute(
        update(ReferenceCounter)
        .where(ReferenceCounter.prefix == prefix, ReferenceCounter.year == year)
        .values(last_value=ReferenceCounter.last_value + 1)
        .returning(ReferenceCounter.last_value)
    ).scalar_one_or_none()


def next_reference(session: Session, prefix: str, *, width: int = 6) -> str:
    year = clock.now().year
    number = _increment(session, prefix, year)
    if number is None:
        try:
            with session.begin_nested():
                session.execute(insert(ReferenceCounter).values(prefix=prefix, year=year, last_value=1))
            number = 1
        except IntegrityError:  # another transaction created the year's row first
            number = _increment(session, prefix, year)
    return f"{prefix}-{year}-{number:0{width}d}"
