"""The one place time and identifiers come from, so tests can fix them."""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime


def _system_now() -> datetime:
    return datetime.now(UTC)


_now_source: Callable[[], datetime] = _system_now


def now() -> datetime:
    """Current time, timezone-aware UTC."""
    return _now_source()


def today():
    return now().date()


@contextlib.contextmanager
def frozen_at(moment: datetime) -> Iterator[None]:
    """Make :func:`now` return ``moment`` inside the block (tests)."""
    global _now_source
    previous = _now_source
    fixed = moment if moment.tzinfo else moment.replace(tzinfo=UTC)

    def _fixed() -> datetime:
        return fixed

    _now_source = _fixed
    try:
        yield
    finally:
        _now_source = previous


def new_id() -> str:
    """A new random identifier (UUID4 as text: the same on SQLite and PostgreSQL)."""
    return str(uuid.uuid4())


def isoformat(moment: datetime) -> str:
    """RFC 3339 UTC with a ``Z`` suffix, as events carry it."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")
