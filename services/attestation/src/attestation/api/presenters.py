"""Plain dicts of the service's rows, read while their session is open (schemas dump them later)."""

from __future__ import annotations

from ..db import AttestationRequest, Contract, Product, ValidationTask
from ..domain.contracts import beneficiary_label
from ..domain.validation import ValidationPolicy
from ..services.requests import MESSAGES


def policy_body(policy: ValidationPolicy) -> dict:
    return {
        "required": policy.required,
        "validators": {"subs": list(policy.validator_subs), "role": policy.validator_role},
    }


def product_body(product: Product, effective: ValidationPolicy) -> dict:
    return {
        "id": product.id,
        "code": product.code,
        "name": product.name,
        "templates": [
            {
                "template_id": row.template_id,
                "extranet_title": row.extranet_title,
                "template_name": row.template_name,
                "entity": row.entity,
                "pdf_auto": row.pdf_auto,
            }
            for row in product.templates
        ],
        "validation": {
            "required": product.validation_required,
            "validators": {"subs": list(product.validator_subs), "role": product.validator_role},
        },
        "effective_validation": policy_body(effective),
        "created_at": product.created_at,
        "updated_at": product.updated_at,
    }


def contract_body(contract: Contract) -> dict:
    body = {
        name: getattr(contract, name)
        for name in (
            "id",
            "number",
            "product_id",
            "owner_sub",
            "owner_org",
            "owner_email",
            "owner_name",
            "status",
            "start_date",
            "end_date",
            "dossier_id",
            "created_at",
            "updated_at",
        )
    }
    body["beneficiaries"] = [
        {
            "id": item.id,
            "kind": item.kind,
            "label": beneficiary_label(item.kind, item.attributes),
            "attributes": dict(item.attributes),
        }
        for item in contract.beneficiaries
    ]
    body["receipts"] = [
        {
            "id": item.id,
            "period_start": item.period_start,
            "period_end": item.period_end,
            "amount_due": item.amount_due,
            "amount_paid": item.amount_paid,
            "fully_paid": item.amount_paid >= item.amount_due,
        }
        for item in contract.receipts
    ]
    return body


def request_body(request: AttestationRequest) -> dict:
    body = {
        name: getattr(request, name)
        for name in (
            "id",
            "contract_id",
            "beneficiary_id",
            "template_id",
            "title",
            "inputs",
            "state",
            "attempts",
            "error",
            "created_at",
            "updated_at",
        )
    }
    body["message"] = MESSAGES[request.state]
    # Before approval the document is internal: the client is not pointed at it.
    body["document_id"] = request.document_id if request.state in ("issued", "approved") else None
    return body


def task_body(task: ValidationTask, documents_url: str) -> dict:
    body = {
        name: getattr(task, name)
        for name in (
            "id",
            "request_id",
            "contract_id",
            "document_id",
            "validator_subs",
            "validator_role",
            "reason",
            "decided_by",
            "decided_at",
            "created_at",
        )
    }
    if task.state == "deciding":
        body.update(state="open", decided_at=None)
    else:
        body["state"] = task.state
    body["document_url"] = f"{documents_url.rstrip('/')}/api/v1/documents/{task.document_id}/content"
    return body
