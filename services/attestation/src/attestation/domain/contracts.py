"""Contract rules: who sees a contract, beneficiaries' attributes and what an attestation says about them."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from marshmallow import ValidationError

from platform_shared.auth import Caller
from platform_shared.i18n import format_amount, format_date

MAX_AMOUNT = Decimal("9999999999.99")
# ``requested``: a contract request from the portal, waiting for staff to complete it.
STATUSES = ("requested", "draft", "in_force", "suspended", "terminated")
STATUS_LABELS = {
    "fr": {
        "requested": "demandé",
        "draft": "en préparation",
        "in_force": "en cours",
        "suspended": "suspendu",
        "terminated": "résilié",
    },
    "en": {
        "requested": "requested",
        "draft": "in preparation",
        "in_force": "in force",
        "suspended": "suspended",
        "terminated": "terminated",
    },
}
# The holder's postal address on a contract.
ADDRESS_FIELDS = ("address_line1", "address_line2", "postal_code", "city", "country")
BENEFICIARY_KINDS = ("person", "vehicle", "building")
# A contract's fields besides its number and product (which an import names by code).
CONTRACT_TERMS = (
    "owner_sub",
    "owner_org",
    "owner_email",
    "owner_name",
    *ADDRESS_FIELDS,
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


def beneficiary_description(kind: str, attributes: Mapping[str, Any], language: str) -> str:
    if kind == "person" and attributes.get("birth_date"):
        born = {"fr": "né(e) le", "en": "born"}[_language(language)]
        return f"{born} {format_date(attributes['birth_date'], language)}"
    if kind == "vehicle" and attributes.get("make"):
        return str(attributes["make"])
    return ""


def _language(language: str) -> str:
    return language if language in STATUS_LABELS else "fr"


def status_label(status: str, language: str) -> str:
    """A contract status as the template's language says it (``in_force`` -> "en cours")."""
    return STATUS_LABELS[_language(language)].get(status, status)


def postal_address(contract: Mapping[str, Any]) -> str:
    """The holder's address on one line: "12 rue des Lilas, Bât. B, 75011 Paris, France"."""
    town = " ".join(str(contract.get(name) or "").strip() for name in ("postal_code", "city")).strip()
    parts = [str(contract.get(name) or "").strip() for name in ("address_line1", "address_line2")]
    parts += [town, str(contract.get("country") or "").strip()]
    return ", ".join(part for part in parts if part)


def render_context(
    contract: Mapping[str, Any],
    beneficiaries: list[Mapping[str, Any]],
    beneficiary: Mapping[str, Any] | None,
    receipt: Mapping[str, Any] | None,
    verification: Mapping[str, Any],
    *,
    language: str,
    today: date,
) -> dict[str, Any]:
    """The ``context`` of a documents-service render (the names its ENTITY_FIELDS list).

    The holder (``client.*``) is the contract's owner, whoever asked; statuses, dates and amounts are
    written in the template's ``language``.
    """
    context = {
        "today": format_date(today, language),
        "contract": {
            "number": contract["number"],
            "product_name": contract["product_name"],
            "product_code": contract["product_code"],
            "status": status_label(contract["status"], language),
            "start_date": format_date(contract.get("start_date"), language),
            "end_date": format_date(contract.get("end_date"), language),
            "beneficiaries": ", ".join(
                _beneficiary_line(item["kind"], item["attributes"], language) for item in beneficiaries
            ),
        },
        "client": {
            "name": contract.get("owner_name") or "",
            "email": contract.get("owner_email") or "",
            "org": contract.get("owner_org") or "",
            "address": postal_address(contract),
        },
        "receipt": {
            "period_start": format_date(receipt["period_start"], language) if receipt else "",
            "period_end": format_date(receipt["period_end"], language) if receipt else "",
            "amount_due": format_amount(receipt["amount_due"], language) if receipt else "",
            "amount_paid": format_amount(receipt["amount_paid"], language) if receipt else "",
        },
        "verification": {
            "code": verification["code"],
            "url": verification["url"],
            "valid_from": format_date(verification["valid_from"], language),
            "valid_until": format_date(verification["valid_until"], language),
        },
    }
    if beneficiary is not None:
        kind, attributes = beneficiary["kind"], beneficiary["attributes"]
        context["beneficiary"] = {
            "kind": kind,
            **{name: str(value) for name, value in attributes.items() if value not in (None, "")},
            "name": beneficiary_label(kind, attributes),
            "description": beneficiary_description(kind, attributes, language),
        }
        if attributes.get("birth_date"):
            context["beneficiary"]["birth_date"] = format_date(attributes["birth_date"], language)
    return context


def _beneficiary_line(kind: str, attributes: Mapping[str, Any], language: str) -> str:
    description = beneficiary_description(kind, attributes, language)
    label = beneficiary_label(kind, attributes)
    return f"{label} ({description})" if description else label
