"""A dossier field's value checked against its type: one rule set for every service that takes field values
(the dossier service at creation, change and submit; the partner-gateway when a completion draft is saved)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date
from typing import Any

EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
MAX_TEXT = 2000
MAX_LONG_TEXT = 50000
FIELD_TYPES = ("text", "long_text", "number", "amount", "boolean", "date", "email", "choice")


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and value == value and abs(value) < 1e15


def _is_date(value: Any) -> bool:
    if not isinstance(value, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return False
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return True


def value_problem(kind: str | None, value: Any, choices: Sequence[Any] = (), required: bool = False) -> str | None:
    """Why ``value`` (not None) does not fit a field of type ``kind``, or None; an unknown type is the caller's
    to judge (``kind not in FIELD_TYPES``)."""
    if kind in ("text", "long_text"):
        limit = MAX_TEXT if kind == "text" else MAX_LONG_TEXT
        if not isinstance(value, str):
            return "must be a string"
        if len(value) > limit:
            return f"must be at most {limit} characters"
        return "is required" if required and not value.strip() else None
    if kind in ("number", "amount"):
        return None if _is_number(value) else "must be a number"
    if kind == "boolean":
        return None if isinstance(value, bool) else "must be true or false"
    if kind == "date":
        return None if _is_date(value) else "must be a date (YYYY-MM-DD)"
    if kind == "email":
        ok = isinstance(value, str) and EMAIL_PATTERN.match(value) and len(value) <= 320
        return None if ok else "must be an email address"
    if kind == "choice":
        return None if value in choices else f"must be one of: {', '.join(map(str, choices))}"
    return None
