"""The fields a dossier model defines, as form inputs: which input each type gets, and how a submitted value
becomes the JSON value the dossier service checks (it checks again: this only spares a round trip for input
that can never be right, such as letters in a number field)."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from flask_babel import format_currency, format_decimal
from flask_babel import lazy_gettext as _l

INPUT_TYPES = {"text": "text", "email": "email", "date": "date", "number": "number", "amount": "number"}


@dataclass(frozen=True)
class ModelField:
    key: str
    label: str
    type: str = "text"
    mode: str = "read"
    required: bool = False
    choices: tuple[str, ...] = ()
    value: Any = None
    financial: bool = False
    source: str = ""

    @property
    def writable(self) -> bool:
        return self.mode == "write"

    @property
    def input_name(self) -> str:
        return f"field-{self.key}"

    @property
    def input_type(self) -> str:
        return INPUT_TYPES.get(self.type, "text")

    @property
    def step(self) -> str | None:
        return "0.01" if self.type == "amount" else "any" if self.type == "number" else None

    def shown(self) -> str:
        """The value as text for a read-only display."""
        if self.value is None or self.value == "":
            return ""
        if self.type == "boolean":
            return str(_l("Yes") if self.value else _l("No"))
        if self.type in ("amount", "number"):
            try:
                number = Decimal(str(self.value))
            except InvalidOperation:
                return str(self.value)
            return format_currency(number, "EUR") if self.type == "amount" else format_decimal(number)
        return str(self.value)

    def input_value(self) -> str:
        return "" if self.value is None else str(self.value)


@dataclass
class ParsedValues:
    values: dict[str, Any] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)


def humanised(key: str) -> str:
    return key.replace("_", " ").strip().capitalize()


def from_specs(specs: list[dict], modes: dict[str, str], values: dict[str, Any]) -> list[ModelField]:
    """Model field specs (``GET /models/{id}``) with the caller's modes and the dossier's values."""
    by_key = {spec["key"]: spec for spec in specs}
    result = []
    for key, mode in modes.items():
        spec = by_key.get(key, {})
        result.append(
            ModelField(
                key=key,
                label=spec.get("label") or humanised(key),
                type=spec.get("type", "text"),
                mode=mode,
                required=bool(spec.get("required")),
                choices=tuple(spec.get("choices") or ()),
                value=values.get(key),
                financial=bool(spec.get("financial")),
            )
        )
    return result


def from_partner_view(entries: list[dict]) -> list[ModelField]:
    """The partner view's fields (``GET /me/dossiers/{id}``), which carry their own label, type and mode."""
    return [
        ModelField(
            key=entry["key"],
            label=entry.get("label") or humanised(entry["key"]),
            type=entry.get("type", "text"),
            mode=entry.get("mode", "read"),
            choices=tuple(entry.get("choices") or ()),
            value=entry.get("value"),
            financial=bool(entry.get("financial")),
            source=entry.get("source", ""),
        )
        for entry in entries
    ]


def _number(raw: str, kind: str) -> Any:
    text = raw.replace("\u202f", "").replace(" ", "").replace(",", ".")
    number = Decimal(text)
    if not number.is_finite():
        raise InvalidOperation
    if kind == "amount" and number.as_tuple().exponent < -2:
        raise InvalidOperation
    # JSON has one number type and the dossier service reads it as such: an integral value goes as an integer,
    # any other as the nearest binary number (exact for amounts in cents up to 2^53).
    return int(number) if number == number.to_integral_value() else float(number)


def parse(fields: list[ModelField], form) -> ParsedValues:
    """The writable fields' values from a submitted form; a blank input clears an optional field."""
    parsed = ParsedValues()
    for item in fields:
        if not item.writable:
            continue
        if item.type == "boolean":
            parsed.values[item.key] = form.get(item.input_name) == "on"
            continue
        raw = (form.get(item.input_name) or "").strip()
        if raw == "":
            parsed.values[item.key] = None if item.type not in ("text", "long_text") else ""
            continue
        if item.type in ("number", "amount"):
            try:
                parsed.values[item.key] = _number(raw, item.type)
            except (InvalidOperation, ValueError):
                parsed.errors[item.key] = str(
                    _l("Enter an amount, e.g. 1250.50") if item.type == "amount" else _l("Enter a number.")
                )
        elif item.type == "date":
            try:
                parsed.values[item.key] = date.fromisoformat(raw).isoformat()
            except ValueError:
                parsed.errors[item.key] = str(_l("Enter a date as YYYY-MM-DD."))
        else:
            parsed.values[item.key] = raw
    return parsed


def with_submitted(fields: list[ModelField], form) -> list[ModelField]:
    """The same fields showing what the person typed (after an error), not what is stored."""
    shown = []
    for item in fields:
        if not item.writable:
            shown.append(item)
        elif item.type == "boolean":
            shown.append(replace(item, value=form.get(item.input_name) == "on"))
        else:
            shown.append(replace(item, value=form.get(item.input_name, "")))
    return shown
