"""Contract rules: who sees a contract, beneficiaries' attributes and what an attestation says about them."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from marshmallow import ValidationError

from platform_shared.auth import Caller

MAX_AMOUNT = Decimal("9999999999.99")
STATUSES = ("draft", "in_force", "suspended", "terminated")
BENEFICIARY_KINDS = ("person", "vehicle", "building")
# A contract's fields besides its number and product (which an import names by code).
CONTRACT_TERMS = (
    "owner_sub",
    "owner_org",
    "owner_email",
    "owner_name",
    "status",
    "start_date",
    "end_date",
    "dossier_id",
)
# Attributes of each kind of beneficiary; the first one is required.
BENEFICIARY_ATTRIBUTES = {
    "person": ("name", "birth_date"),
    "vehicle": ("registration", "make"),
    "building": ("address",),
}


def valid_amount(value) -> None:
    """Amounts fit the receipts' NUMERIC(12, 2) and are never negative (a plain validator:
    ``validate.Range`` on a Decimal would document its bounds as strings in the OpenAPI schema)."""
    if not 0 <= value <= MAX_AMOUNT:
        raise ValidationError(f"Must be between 0 and {MAX_AMOUNT}.")


def client_sees_contract(caller: Caller, owner_sub: str | None, owner_org: str | None) -> bool:
    """Staff and services see every contract; a client their own and their company's."""
    if caller.is_staff or caller.is_service:
        return True
    if caller.role != "client":
        return False
    return (owner_sub is not None and owner_sub == caller.sub) or (
        owner_org is not None and caller.org is not None and owner_org == caller.org
    )


def beneficiary_problems(kind: str, attributes: Mapping[str, Any]) -> dict[str, list[str]]:
    """Per-field messages for a beneficiary whose attributes do not fit its kind (empty when fine)."""
    if kind not in BENEFICIARY_KINDS:
        return {"kind": [f"Must be one of: {', '.join(BENEFICIARY_KINDS)}."]}
    allowed = BENEFICIARY_ATTRIBUTES[kind]
    problems: dict[str, list[str]] = {}
    if not str(attributes.get(allowed[0]) or "").strip():
        problems[allowed[0]] = [f"Required for a {kind}."]
    for name, value in attributes.items():
        if value not in (None, "") and name not in allowed:
            problems[name] = [f"Not an attribute of a {kind}."]
    return problems


def beneficiary_label(kind: str, attributes: Mapping[str, Any]) -> str:
    """Person's name, vehicle's registration, or building's address."""
    return str(attributes.get(BENEFICIARY_ATTRIBUTES[kind][0]) or "")


def beneficiary_description(kind: str, attributes: Mapping[str, Any]) -> str:
    if kind == "person" and attributes.get("birth_date"):
        return f"born {_french_date(attributes['birth_date'])}"
    if kind == "vehicle" and attributes.get("make"):
        return str(attributes["make"])
    return ""


def _french_date(value: Any) -> str:
    if isinstance(value, str):
        value = date.fromisoformat(value)
    return value.strftime("%d/%m/%Y")


def render_context(
    contract: Mapping[str, Any], client: Mapping[str, Any], beneficiary: Mapping[str, Any] | None
) -> dict[str, Any]:
    """The ``context`` of a documents-service render (the names its ENTITY_FIELDS list)."""
    context = {
        "contract": {
            "number": contract["number"],
            "product_name": contract["product_name"],
            "product_code": contract["product_code"],
            "status": contract["status"],
            "start_date": _french_date(contract["start_date"]),
            "end_date": _french_date(contract["end_date"]) if contract.get("end_date") else "",
        },
        "client": {
            "name": client.get("name") or "",
            "email": client.get("email") or "",
            "org": client.get("org") or "",
            "address": client.get("address") or "",
        },
    }
    if beneficiary is not None:
        kind, attributes = beneficiary["kind"], beneficiary["attributes"]
        context["beneficiary"] = {
            "kind": kind,
            "name": beneficiary_label(kind, attributes),
            "description": beneficiary_description(kind, attributes),
            **{name: str(value) for name, value in attributes.items() if value not in (None, "")},
        }
    return context
