"""Checking field values against a view (may the caller write this key?) and against the field's type."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from typing import Any

from .errors import InvalidValues
from .model_definition import FieldSpec

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


def type_problem(spec: FieldSpec, value: Any) -> str | None:
    """Why ``value`` does not fit ``spec``, or None."""
    if value is None:
        return "is required" if spec.required else None
    kind = spec.type
    if kind in ("text", "long_text"):
        limit = MAX_TEXT if kind == "text" else MAX_LONG_TEXT
        if not isinstance(value, str):
            return "must be a string"
        if len(value) > limit:
            return f"must be at most {limit} characters"
        if spec.required and not value.strip():
            return "is required"
        return None
    if kind in ("number", "amount"):
        return None if _is_number(value) else "must be a number"
    if kind == "boolean":
        return None if isinstance(value, bool) else "must be true or false"
    if kind == "date":
        return None if _is_date(value) else "must be a date (YYYY-MM-DD)"
    if kind == "email":
        return (
            None
            if isinstance(value, str) and EMAIL_PATTERN.match(value) and len(value) <= 320
            else "must be an email address"
        )
    if kind == "choice":
        return None if value in spec.choices else f"must be one of: {', '.join(spec.choices)}"
    return f"has an unknown type '{kind}'"


def check_writable(values: Mapping[str, Any], view: Mapping[str, str], specs: Mapping[str, FieldSpec]) -> None:
    """Every key must be ``write`` in ``view`` and every value fit its type; else 422 naming each key."""
    problems: dict[str, list[str]] = {}
    for key, value in values.items():
        if key not in view or key not in specs:
            problems[key] = ["is not a field of your view"]
        elif view[key] != "write":
            problems[key] = ["is read-only in your view"]
        else:
            problem = type_problem(specs[key], value)
            if problem:
                problems[key] = [problem]
    if problems:
        raise InvalidValues(problems)


def check_required_present(values: Mapping[str, Any], view: Mapping[str, str], specs: Mapping[str, FieldSpec]) -> None:
    """On creation, every required field the creator may write must be given."""
    missing = {
        key: ["is required"]
        for key, mode in view.items()
        if mode == "write" and key in specs and specs[key].required and values.get(key) in (None, "")
    }
    if missing:
        raise InvalidValues(missing)
