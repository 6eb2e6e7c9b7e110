"""HTTP resources of the partner-gateway service."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from sqlalchemy.orm import Session

from platform_shared.web import app_db


@contextlib.contextmanager
def reading() -> Iterator[Session]:
    """A read-only session whose loaded objects stay readable after it ends (the response schema dumps them
    after the route returns; the read-only session's rollback would otherwise expire them)."""
    with app_db().read_only() as session:
        yield session
        session.expunge_all()
