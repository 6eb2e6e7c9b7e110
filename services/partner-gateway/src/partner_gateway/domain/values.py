"""A completion draft's values checked against the field types of the partner view, when the draft is saved.

The dossier service checks them again at submit (the same rules: ``platform_shared.field_values``); a draft may leave
a value empty (``null``), the required fields being the dossier service's business at submit.
"""

from __future__ import annotations

from typing import Any

from platform_shared.field_values import value_problem


def type_problem(field: dict[str, Any], value: Any) -> str | None:
    """Why ``value`` does not fit the partner view's ``field`` (its ``type`` and ``choices``), or None; a type
    this gateway does not know is the dossier service's to judge at submit."""
    if value is None:
        return None
    return value_problem(field.get("type"), value, field.get("choices") or [])


def value_problems(values: dict[str, Any], fields: list[dict[str, Any]]) -> dict[str, list[str]]:
    """Per key, why its value does not fit its field (keys without a field are the caller's other check)."""
    by_key = {field["key"]: field for field in fields}
    problems: dict[str, list[str]] = {}
    for key, value in values.items():
        problem = type_problem(by_key[key], value) if key in by_key else None
        if problem:
            problems[key] = [problem]
    return problems
