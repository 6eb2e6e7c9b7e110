"""A completion draft's values checked against the field types of the partner view, when the draft is saved.

The dossier service checks them again at submit (``domain/values.py`` there, the same rules); a draft may leave
a value empty (``null``), the required fields being the dossier service's business at submit.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
MAX_TEXT = 2000
MAX_LONG_TEXT = 50000


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


def type_problem(field: dict[str, Any], value: Any) -> str | None:
    """Why ``value`` does not fit the partner view's ``field`` (its ``type`` and ``choices``), or None."""
    if value is None:
        return None
    kind = field.get("type")
    if kind in ("text", "long_text"):
        limit = MAX_TEXT if kind == "text" else MAX_LONG_TEXT
        if not isinstance(value, str):
            return "must be a string"
        return f"must be at most {limit} characters" if len(value) > limit else None
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
        choices = field.get("choices") or []
        return None if value in choices else f"must be one of: {', '.join(map(str, choices))}"
    return None  # a type this gateway does not know: the dossier service decides at submit


def value_problems(values: dict[str, Any], fields: list[dict[str, Any]]) -> dict[str, list[str]]:
    """Per key, why its value does not fit its field (keys without a field are the caller's other check)."""
    by_key = {field["key"]: field for field in fields}
    problems: dict[str, list[str]] = {}
    for key, value in values.items():
        problem = type_problem(by_key[key], value) if key in by_key else None
        if problem:
            problems[key] = [problem]
    return problems
