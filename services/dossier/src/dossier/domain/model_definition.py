"""A dossier model's definition (fields, views, statuses, transitions, roles, pieces) and its whole-model validation."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Any

from .errors import InvalidModel

FIELD_TYPES = ("text", "long_text", "number", "date", "boolean", "choice", "email", "amount")
VIEW_NAMES = ("portal", "crm", "partner")
MODES = ("read", "write")
PARTNER_SOURCES = ("portal", "crm", "partner")
NEUTRAL_STATUS_LABEL = "In progress"


@dataclass(frozen=True)
class FieldSpec:
    key: str
    label: str
    type: str
    required: bool = False
    choices: tuple[str, ...] = ()
    financial: bool = False
    partner_only: bool = False


@dataclass(frozen=True)
class StatusSpec:
    code: str
    label: str
    initial: bool = False
    terminal: bool = False
    partner_visible: bool = False
    client_visible: bool = True


def _field(raw: dict, partner_only: bool = False) -> FieldSpec:
    return FieldSpec(
        key=raw["key"],
        label=raw.get("label") or raw["key"],
        type=raw["type"],
        required=bool(raw.get("required")),
        choices=tuple(raw.get("choices") or ()),
        financial=bool(raw.get("financial")),
        partner_only=partner_only,
    )


class ModelDefinition:
    """One version of a model, read-only; built from the JSON stored with the version."""

    def __init__(self, raw: dict[str, Any]):
        self.raw = raw
        self.fields = {spec.key: spec for spec in map(_field, raw.get("fields", []))}
        self.partner_fields = {
            spec.key: spec for spec in (_field(item, partner_only=True) for item in raw.get("partner_fields", []))
        }
        views = raw.get("views") or {}
        self.views: dict[str, dict[str, str]] = {
            name: {entry["key"]: entry["mode"] for entry in views.get(name, [])} for name in VIEW_NAMES
        }
        self.partner_sources = {entry["key"]: entry.get("source", "partner") for entry in views.get("partner", [])}
        self.statuses = {
            item["code"]: StatusSpec(**{k: item[k] for k in StatusSpec.__dataclass_fields__ if k in item})
            for item in raw.get("statuses", [])
        }
        self.transitions = {(item["from"], item["to"]) for item in raw.get("transitions", [])}
        self.roles = list(raw.get("roles", []))
        self.pieces = list(raw.get("pieces", []))

    def all_fields(self) -> dict[str, FieldSpec]:
        return {**self.fields, **self.partner_fields}

    @property
    def initial_status(self) -> StatusSpec:
        return next(status for status in self.statuses.values() if status.initial)

    def status(self, code: str) -> StatusSpec:
        return self.statuses.get(code) or StatusSpec(code=code, label=code)

    def allows(self, current: str, target: str) -> bool:
        return (current, target) in self.transitions

    def client_status_label(self, client_status: str | None) -> str:
        """What a client is shown: the last client-visible status, or a neutral label."""
        if client_status and client_status in self.statuses:
            return self.statuses[client_status].label
        return NEUTRAL_STATUS_LABEL

    def roles_with_pieces(self) -> list[dict[str, Any]]:
        by_role = defaultdict(list)
        for piece in self.pieces:
            by_role[piece["role"]].append(
                {
                    "code": piece["code"],
                    "label": piece.get("label") or piece["code"],
                    "required": bool(piece.get("required", True)),
                }
            )
        return [
            {"code": role["code"], "label": role.get("label") or role["code"], "pieces": by_role.get(role["code"], [])}
            for role in self.roles
        ]


def _duplicates(values) -> list[str]:
    return sorted(value for value, count in Counter(values).items() if count > 1)


class _Problems:
    def __init__(self):
        self.by_place: dict[str, list[str]] = {}

    def add(self, place: str, message: str) -> None:
        self.by_place.setdefault(place, []).append(message)


def _check_fields(raw: dict, problems: _Problems) -> None:
    for place in ("fields", "partner_fields"):
        for key in _duplicates(item["key"] for item in raw.get(place, [])):
            problems.add(place, f"field '{key}' is declared more than once")
        for item in raw.get(place, []):
            if item["type"] == "choice" and not item.get("choices"):
                problems.add(place, f"choice field '{item['key']}' has no choices")
            if item["type"] != "choice" and item.get("choices"):
                problems.add(place, f"field '{item['key']}' has choices but is of type '{item['type']}'")
    shared = {item["key"] for item in raw.get("fields", [])} & {item["key"] for item in raw.get("partner_fields", [])}
    for key in sorted(shared):
        problems.add("partner_fields", f"partner-only field '{key}' has the key of a model field")


def _check_views(model: ModelDefinition, raw: dict, problems: _Problems) -> None:
    views = raw.get("views") or {}
    for name in VIEW_NAMES:
        for key in _duplicates(entry["key"] for entry in views.get(name, [])):
            problems.add(f"views.{name}", f"field '{key}' appears more than once")
    for name in ("portal", "crm"):
        for key in model.views[name]:
            if key not in model.fields:
                problems.add(f"views.{name}", f"unknown field '{key}'")
    for key, source in model.partner_sources.items():
        if source == "partner":
            if key not in model.partner_fields:
                problems.add("views.partner", f"unknown partner-only field '{key}'")
        elif key not in model.views[source]:
            problems.add("views.partner", f"field '{key}' is not in the {source} view it is taken from")


def _check_statuses(model: ModelDefinition, raw: dict, problems: _Problems) -> None:
    statuses = raw.get("statuses", [])
    if not statuses:
        problems.add("statuses", "the model has no status")
    for code in _duplicates(item["code"] for item in statuses):
        problems.add("statuses", f"status '{code}' is declared more than once")
    initial = [item["code"] for item in statuses if item.get("initial")]
    if statuses and not initial:
        problems.add("statuses", "no status is marked initial")
    if len(initial) > 1:
        problems.add("statuses", f"more than one initial status: {', '.join(initial)}")
    for item in raw.get("transitions", []):
        for end in ("from", "to"):
            if item[end] not in model.statuses:
                problems.add("transitions", f"transition {item['from']} -> {item['to']}: unknown status '{item[end]}'")
        if item["from"] in model.statuses and model.statuses[item["from"]].terminal:
            problems.add("transitions", f"transition {item['from']} -> {item['to']} leaves a terminal status")


def _check_roles(model: ModelDefinition, raw: dict, problems: _Problems) -> None:
    role_codes = [role["code"] for role in raw.get("roles", [])]
    for code in _duplicates(role_codes):
        problems.add("roles", f"role '{code}' is declared more than once")
    for code in _duplicates((piece["role"], piece["code"]) for piece in raw.get("pieces", [])):
        problems.add("pieces", f"piece '{code[1]}' is declared more than once for role '{code[0]}'")
    for piece in raw.get("pieces", []):
        if piece["role"] not in role_codes:
            problems.add("pieces", f"piece '{piece['code']}' is assigned to unknown role '{piece['role']}'")


def validate_model(raw: dict[str, Any]) -> ModelDefinition:
    """Check the model as a whole; raise ``InvalidModel`` naming every problem found."""
    model = ModelDefinition(raw)
    problems = _Problems()
    _check_fields(raw, problems)
    _check_views(model, raw, problems)
    _check_statuses(model, raw, problems)
    _check_roles(model, raw, problems)
    if problems.by_place:
        raise InvalidModel(problems.by_place)
    return model
