"""Bulk import of contracts, beneficiaries and receipts: each line stands alone (a savepoint),
rejected lines are reported with their errors, and every contract touched is announced once."""

from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, validate
from sqlalchemy import select
from sqlalchemy.orm import Session

from platform_shared.auth import Caller
from platform_shared.errors import DomainError

from ..db import Contract, Product
from ..domain.contracts import BENEFICIARY_KINDS, STATUSES, valid_amount
from ..domain.importing import CSV_COLUMNS, read_import
from . import contracts

TEXT = validate.Length(min=1, max=200)


class _LineSchema(Schema):
    record = fields.String(required=True, validate=validate.OneOf(("contract", "beneficiary", "receipt")))
    contract_number = fields.String(required=True, validate=validate.Length(min=1, max=64))


class ContractLineSchema(_LineSchema):
    product_code = fields.String(validate=validate.Length(min=1, max=64))
    owner_sub = fields.String(validate=TEXT)
    owner_org = fields.String(validate=TEXT)
    owner_email = fields.Email(validate=validate.Length(max=320))
    owner_name = fields.String(validate=TEXT)
    address_line1 = fields.String(validate=TEXT)
    address_line2 = fields.String(validate=TEXT)
    postal_code = fields.String(validate=validate.Length(min=1, max=20))
    city = fields.String(validate=validate.Length(min=1, max=100))
    country = fields.String(validate=validate.Length(min=1, max=100))
    status = fields.String(validate=validate.OneOf(STATUSES))
    start_date = fields.Date()
    end_date = fields.Date()
    dossier_id = fields.String(validate=validate.Length(min=1, max=36))


class BeneficiaryFieldsSchema(Schema):
    """A beneficiary's fields, read alike from an import line and from ``POST /contracts/{id}/beneficiaries``."""

    kind = fields.String(required=True, validate=validate.OneOf(BENEFICIARY_KINDS))
    name = fields.String(validate=TEXT)
    birth_date = fields.Date()
    registration = fields.String(validate=TEXT)
    make = fields.String(validate=TEXT)
    address = fields.String(validate=validate.Length(min=1, max=500))


class BeneficiaryLineSchema(_LineSchema, BeneficiaryFieldsSchema):
    pass


class ReceiptLineSchema(_LineSchema):
    period_start = fields.Date(required=True)
    period_end = fields.Date(required=True)
    amount_due = fields.Decimal(required=True, places=2, validate=valid_amount)
    amount_paid = fields.Decimal(required=True, places=2, validate=valid_amount)


SCHEMAS = {"contract": ContractLineSchema(), "beneficiary": BeneficiaryLineSchema(), "receipt": ReceiptLineSchema()}


def _contract_by_number(session: Session, number: str) -> Contract:
    contract = session.scalar(select(Contract).where(Contract.number == number))
    if contract is None:
        raise ValidationError({"contract_number": ["No contract with this number (import it on an earlier line)."]})
    return contract


def _import_contract(session: Session, values: dict, created: set[str]) -> Contract:
    number = values.pop("contract_number")
    if "product_code" in values:
        product_id = session.scalar(select(Product.id).where(Product.code == values.pop("product_code")))
        if product_id is None:
            raise ValidationError({"product_code": ["No such product."]})
        values["product_id"] = product_id
    existing = session.scalar(select(Contract).where(Contract.number == number))
    if existing is not None:
        contracts.change_contract(session, existing, values)
        return existing
    missing = [name for name in ("product_id", "start_date", "status") if name not in values]
    if missing:
        raise ValidationError(
            {name.replace("product_id", "product_code"): ["Required for a new contract."] for name in missing}
        )
    contract = contracts.build_contract(session, {**values, "number": number})
    created.add(contract.id)
    return contract


def _import_line(session: Session, record: dict, created: set[str]) -> Contract:
    kind = record.get("record")
    schema = SCHEMAS.get(kind) if isinstance(kind, str) else None
    if schema is None:
        raise ValidationError({"record": ["Must be contract, beneficiary or receipt."]})
    values = schema.load(record)
    values.pop("record")
    if kind == "contract":
        return _import_contract(session, values, created)
    contract = _contract_by_number(session, values.pop("contract_number"))
    if kind == "beneficiary":
        contracts.new_beneficiary(contract, values.pop("kind"), values)
    else:
        contracts.new_receipt(contract, **values)
    session.flush()
    return contract


def import_contracts(session: Session, caller: Caller, text: str, fmt: str, *, dry_run: bool = False) -> dict:
    """Import every line it can; ``dry_run``: the same report, and everything undone (nothing written, nothing
    announced)."""
    trial = session.begin_nested() if dry_run else None
    report = _import(session, caller, text, fmt)
    if trial is not None:
        trial.rollback()
    return {**report, "dry_run": dry_run}


def csv_model() -> str:
    """The CSV file staff fill in: the header line of every column an import reads."""
    return ",".join(CSV_COLUMNS) + "\r\n"


def _import(session: Session, caller: Caller, text: str, fmt: str) -> dict:
    created: set[str] = set()
    touched: dict[str, Contract] = {}
    imported, rejected = 0, []
    for line in read_import(text, fmt):
        if line.record is None:
            rejected.append({"line": line.number, "errors": {"_line": [line.problem]}})
            continue
        savepoint = session.begin_nested()
        try:
            contract = _import_line(session, line.record, created)
            session.flush()
        except ValidationError as error:
            savepoint.rollback()
            rejected.append({"line": line.number, "errors": error.messages})
            continue
        except DomainError as error:
            savepoint.rollback()
            rejected.append({"line": line.number, "errors": error.errors or {"_line": [error.detail]}})
            continue
        savepoint.commit()
        touched[contract.id] = contract
        imported += 1
    for contract_id, contract in touched.items():
        event_type = "contract.created" if contract_id in created else "contract.updated"
        contracts.record_contract_event(session, event_type, contract, caller)
    return {"imported": imported, "rejected": rejected}
