"""Contracts, their beneficiaries and premium receipts; ``contract.created``/``contract.updated``."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from platform_shared import clock
from platform_shared.auth import Caller
from platform_shared.db import get_or_404
from platform_shared.directory import ORGANISATION, PERSON, entry, kind_of, names_by_id, referenced
from platform_shared.messaging.outbox import record_event
from platform_shared.pagination import Page, keyset_page

from .. import SERVICE_NAME
from ..db import Beneficiary, Contract, Product, Receipt
from ..domain.contracts import CONTRACT_TERMS, beneficiary_problems, client_sees_contract
from ..domain.errors import ContractNumberTaken, InvalidBeneficiary, InvalidContract

CONTRACT_FIELDS = ("number", "product_id", "holder_person_id", "holder_organisation_id", *CONTRACT_TERMS)
REQUESTED = "requested"


def _check_dates(start: date | None, end: date | None) -> None:
    if start is not None and end is not None and end < start:
        raise InvalidContract("The contract ends before it starts.", "end_date", "Before start_date.")


def resolve_holder(session: Session, values: Mapping[str, Any]) -> dict[str, Any]:
    """``values`` with the holder filled from the directory's copy: ``holder_person_id`` gives the account, email
    and name, ``holder_organisation_id`` the company code; what the body says explicitly wins. 422 naming the
    field for an entry the copy does not know."""
    resolved = dict(values)
    if resolved.get("holder_person_id"):
        person = referenced(session, resolved["holder_person_id"], PERSON, field="holder_person_id")
        for name, value in (("owner_sub", person.sub), ("owner_email", person.email), ("owner_name", person.name)):
            if not resolved.get(name):
                resolved[name] = value
    if resolved.get("holder_organisation_id"):
        company = referenced(session, resolved["holder_organisation_id"], ORGANISATION, field="holder_organisation_id")
        if not resolved.get("owner_org"):
            resolved["owner_org"] = company.sub
    return resolved


def with_holder_names(session: Session, contracts: list[Contract]) -> list[Contract]:
    """Each contract with ``holder_name`` / ``holder_organisation_name``: the directory copy's names (one query),
    else what the contract says (``owner_name``, ``owner_org``)."""
    names = names_by_id(
        session, [item.holder_person_id for item in contracts] + [item.holder_organisation_id for item in contracts]
    )
    for item in contracts:
        item.holder_name = names.get(item.holder_person_id or "") or item.owner_name
        item.holder_organisation_name = names.get(item.holder_organisation_id or "") or item.owner_org
    return contracts


def _check_owner(*owners: str | None) -> None:
    """A holder: an account or company code, or a directory entry (a person who has not signed in yet)."""
    if not any(owners):
        raise InvalidContract(
            "A contract belongs to a client person or company.",
            "owner_sub",
            "Give holder_person_id, holder_organisation_id, owner_sub or owner_org.",
        )


def _check_product(session: Session, product_id: str | None) -> None:
    if product_id is not None and session.get(Product, product_id) is None:
        raise InvalidContract("No such product.", "product_id", "No such product.")


def _check_complete(status: str, product_id: str | None, start_date: date | None) -> None:
    """Only a contract ``requested`` from the portal may lack a product or a start date."""
    if status == REQUESTED:
        return
    for name, value in (("product_id", product_id), ("start_date", start_date)):
        if value is None:
            raise InvalidContract(
                f"A {status} contract needs a {name}.", name, "Required unless the contract is requested."
            )


def _check_number_free(session: Session, number: str, contract_id: str | None = None) -> None:
    existing = session.scalar(select(Contract.id).where(Contract.number == number))
    if existing is not None and existing != contract_id:
        raise ContractNumberTaken(number)


def new_beneficiary(contract: Contract, kind: str, attributes: Mapping[str, Any]) -> Beneficiary:
    attributes = {
        name: (value.isoformat() if isinstance(value, date) else value)
        for name, value in attributes.items()
        if value not in (None, "")
    }
    problems = beneficiary_problems(kind, attributes)
    if problems:
        raise InvalidBeneficiary(kind, problems)
    beneficiary = Beneficiary(
        id=clock.new_id(), contract_id=contract.id, kind=kind, attributes=attributes, created_at=clock.now()
    )
    contract.beneficiaries.append(beneficiary)
    return beneficiary


def new_receipt(
    contract: Contract, *, period_start: date, period_end: date, amount_due: Decimal, amount_paid: Decimal
) -> Receipt:
    if period_end < period_start:
        raise InvalidContract("The receipt's period ends before it starts.", "period_end", "Before period_start.")
    receipt = Receipt(
        id=clock.new_id(),
        contract_id=contract.id,
        period_start=period_start,
        period_end=period_end,
        amount_due=amount_due,
        amount_paid=amount_paid,
        created_at=clock.now(),
    )
    contract.receipts.append(receipt)
    return receipt


def contract_event_data(contract: Contract) -> dict:
    return {
        "contract_id": contract.id,
        "number": contract.number,
        "product_id": contract.product_id,
        "status": contract.status,
        "holder_person_id": contract.holder_person_id,
        "holder_organisation_id": contract.holder_organisation_id,
        "owner_sub": contract.owner_sub,
        "owner_org": contract.owner_org,
        "owner_email": contract.owner_email,
        "owner_name": contract.owner_name,
        "dossier_id": contract.dossier_id,
        "beneficiaries": [{"id": item.id, "kind": item.kind} for item in contract.beneficiaries],
    }


def record_contract_event(session: Session, event_type: str, contract: Contract, caller: Caller) -> None:
    session.flush()
    record_event(
        session,
        event_type,
        contract_event_data(contract),
        producer=SERVICE_NAME,
        aggregate_id=contract.id,
        actor=caller.as_actor(),
    )


def build_contract(session: Session, values: Mapping[str, Any]) -> Contract:
    """A new contract (not yet announced) with its beneficiaries and receipts."""
    values = resolve_holder(session, values)
    _check_product(session, values.get("product_id"))
    _check_complete(values.get("status") or "draft", values.get("product_id"), values.get("start_date"))
    _check_owner(
        *(values.get(name) for name in ("owner_sub", "owner_org", "holder_person_id", "holder_organisation_id"))
    )
    _check_dates(values.get("start_date"), values.get("end_date"))
    _check_number_free(session, values["number"])
    now = clock.now()
    contract = Contract(
        id=clock.new_id(),
        created_at=now,
        updated_at=now,
        beneficiaries=[],
        receipts=[],
        **{name: values.get(name) for name in CONTRACT_FIELDS},
    )
    session.add(contract)
    for item in values.get("beneficiaries") or []:
        new_beneficiary(contract, item["kind"], {key: value for key, value in item.items() if key != "kind"})
    for item in values.get("receipts") or []:
        new_receipt(contract, **item)
    return contract


def create_contract(session: Session, caller: Caller, values: Mapping[str, Any]) -> Contract:
    contract = build_contract(session, values)
    record_contract_event(session, "contract.created", contract, caller)
    return contract


def change_contract(session: Session, contract: Contract, changes: Mapping[str, Any]) -> None:
    changes = resolve_holder(session, changes)
    if "product_id" in changes:
        _check_product(session, changes["product_id"])
    if "number" in changes:
        _check_number_free(session, changes["number"], contract.id)
    for name in CONTRACT_FIELDS:
        if name in changes:
            setattr(contract, name, changes[name])
    _check_complete(contract.status, contract.product_id, contract.start_date)
    _check_owner(contract.owner_sub, contract.owner_org, contract.holder_person_id, contract.holder_organisation_id)
    _check_dates(contract.start_date, contract.end_date)
    contract.updated_at = clock.now()


def update_contract(session: Session, caller: Caller, contract_id: str, changes: Mapping[str, Any]) -> Contract:
    contract = get_contract(session, contract_id)
    change_contract(session, contract, changes)
    record_contract_event(session, "contract.updated", contract, caller)
    return contract


def add_beneficiary(
    session: Session, caller: Caller, contract_id: str, kind: str, attributes: Mapping[str, Any]
) -> Beneficiary:
    contract = get_contract(session, contract_id)
    beneficiary = new_beneficiary(contract, kind, attributes)
    contract.updated_at = clock.now()
    record_contract_event(session, "contract.updated", contract, caller)
    return beneficiary


def add_receipt(session: Session, contract_id: str, values: Mapping[str, Any]) -> Receipt:
    contract = get_contract(session, contract_id)
    receipt = new_receipt(contract, **values)
    contract.updated_at = clock.now()
    return receipt


def get_contract(session: Session, contract_id: str) -> Contract:
    contract = get_or_404(session, Contract, contract_id, "No such contract.")
    return contract


def visible_contract(session: Session, caller: Caller, contract_id: str) -> Contract:
    """The contract if the caller may see it; 404 otherwise (existence is not revealed)."""
    contract = get_or_404(
        session,
        Contract,
        contract_id,
        "No such contract.",
        visible=lambda contract: client_sees_contract(caller, contract.owner_sub, contract.owner_org),
    )
    return contract


def list_contracts(
    session: Session, caller: Caller, filters: Mapping[str, Any], *, limit: int, cursor: str | None
) -> Page:
    statement = select(Contract)
    if not (caller.is_staff or caller.is_service):
        mine = [Contract.owner_sub == caller.sub]
        if caller.org:
            mine.append(Contract.owner_org == caller.org)
        statement = statement.where(or_(*mine))
    for name in ("product_id", "owner_sub", "owner_org", "status", "number"):
        if filters.get(name):
            statement = statement.where(getattr(Contract, name) == filters[name])
    if filters.get("holder_id"):
        statement = statement.where(held_by(session, filters["holder_id"]))
    return keyset_page(
        session, statement, [Contract.created_at, Contract.id], limit=limit, cursor=cursor, descending=True
    )


def held_by(session: Session, holder_id: str):
    """The contracts a directory entry holds: by its id, or (contracts made before the directory) by the account
    or the company code the copy knows for it."""
    clauses = [Contract.holder_person_id == holder_id, Contract.holder_organisation_id == holder_id]
    known = entry(session, holder_id)
    if known is not None and known.sub:
        by_account = Contract.owner_sub if kind_of(session, holder_id) == PERSON else Contract.owner_org
        clauses.append(by_account == known.sub)
    return or_(*clauses)


def _free_number(session: Session, wanted: str) -> str:
    if session.scalar(select(Contract.id).where(Contract.number == wanted)) is None:
        return wanted
    return f"{wanted}-{clock.new_id()[:8]}"


def register_requested_contract(session: Session, data: Mapping[str, Any], actor: dict | None) -> Contract | None:
    """A contract request from the portal (``dossier.created`` of kind ``contract``, origin ``portal``) joins
    the contracts list as ``requested``, numbered like its dossier, for staff to complete; ``contract.requested``.

    A dossier already registered (a redelivered event) changes nothing.
    """
    dossier_id = data["dossier_id"]
    if session.scalar(select(Contract.id).where(Contract.dossier_id == dossier_id)) is not None:
        return None
    now = clock.now()
    contract = Contract(
        id=clock.new_id(),
        number=_free_number(session, data.get("reference") or dossier_id),
        product_id=None,
        holder_person_id=data.get("client_person_id"),
        holder_organisation_id=data.get("client_organisation_id"),
        owner_sub=data.get("client_sub"),
        owner_org=data.get("client_org"),
        owner_email=data.get("client_email"),
        owner_name=data.get("client_name"),
        status=REQUESTED,
        start_date=None,
        end_date=None,
        dossier_id=dossier_id,
        created_at=now,
        updated_at=now,
        beneficiaries=[],
        receipts=[],
    )
    session.add(contract)
    session.flush()
    record_event(
        session,
        "contract.requested",
        {**contract_event_data(contract), "reference": data.get("reference"), "title": data.get("title")},
        producer=SERVICE_NAME,
        aggregate_id=contract.id,
        actor=actor,
    )
    return contract
