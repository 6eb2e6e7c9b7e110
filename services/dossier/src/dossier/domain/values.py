"""Checking field values against a view (may the caller write this key?) and against the field's type."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from platform_shared.field_values import FIELD_TYPES, value_problem

from .errors import InvalidValues
from .model_definition import FieldSpec


def type_problem(spec: FieldSpec, value: Any) -> str | None:
    """Why ``value`` does not fit ``spec``, or None."""
    if value is None:
        return "is required" if spec.required else None
    if spec.type not in FIELD_TYPES:
        return f"has an unknown type '{spec.type}'"
    return value_problem(spec.type, value, spec.choices, spec.required)


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
