"""The client's contracts: details, premium receipts, documents, and the attestation request (the button is
there only when the contract is eligible, with the reason otherwise)."""

from __future__ import annotations

from flask import redirect, request, url_for
from flask_babel import gettext as _

from ..api_messages import translated
from ..clients import ApiError
from ..identity import signed_in
from . import bp
from .common import api, page
from .forms import PlainForm

SETTLED_STATES = ("issued", "approved", "pending_validation", "failed", "rejected")


@bp.get("/contracts")
@signed_in("client")
def contracts():
    cursor = request.args.get("cursor")
    listing = api().get("attestation", "/contracts", {"limit": 25, "cursor": cursor})
    return page("portal/contracts.html", nav="contracts", listing=listing, first_page=not cursor)


def _documents_of(contract: dict) -> list[dict]:
    """The contract's documents and its beneficiaries' (a beneficiary attestation is filed under the
    beneficiary), each list read concurrently."""
    calls = api()
    owners = [("contract", contract["id"])] + [
        ("beneficiary", item["id"]) for item in contract.get("beneficiaries", [])
    ]
    found = calls.gather(
        **{
            f"o{index}": (
                lambda kind=kind, owner=owner: calls.get_all(
                    "documents", "/documents", {"owner_type": kind, "owner_id": owner}
                )
            )
            for index, (kind, owner) in enumerate(owners)
        }
    )
    documents = [document for index in range(len(owners)) for document in found[f"o{index}"]]
    return sorted(documents, key=lambda document: document.get("created_at") or "", reverse=True)


@bp.get("/contracts/<contract_id>")
@signed_in("client")
def contract(contract_id: str):
    calls = api()
    found = calls.gather(
        contract=lambda: calls.get("attestation", f"/contracts/{contract_id}"),
        options=lambda: calls.get("attestation", f"/contracts/{contract_id}/attestation-options"),
        requests=lambda: calls.get("attestation", "/attestation-requests", {"contract_id": contract_id, "limit": 20}),
    )
    documents = _documents_of(found["contract"])
    beneficiaries = {item["id"]: item for item in found["contract"].get("beneficiaries", [])}
    return page(
        "portal/contract.html",
        nav="contracts",
        contract=found["contract"],
        options=found["options"],
        requests=found["requests"]["items"],
        documents=documents,
        beneficiaries=beneficiaries,
    )


def _offered(options: dict) -> dict[str, list[dict]]:
    offered: dict[str, list[dict]] = {"contract": [], "beneficiary": []}
    for template in options.get("templates", []):
        offered.setdefault(template["entity"], []).append(template)
    return offered


@bp.route("/contracts/<contract_id>/attestation", methods=("GET", "POST"))
@signed_in("client")
def attestation(contract_id: str):
    calls = api()
    found = calls.gather(
        contract=lambda: calls.get("attestation", f"/contracts/{contract_id}"),
        options=lambda: calls.get("attestation", f"/contracts/{contract_id}/attestation-options"),
    )
    options, offered = found["options"], _offered(found["options"])
    form = PlainForm()
    errors: dict[str, str] = {}
    chosen = {"beneficiary": request.form.get("beneficiary_id", ""), "template": {}, "inputs": request.form}
    if request.method == "POST" and options["enabled"] and form.validate_on_submit():
        beneficiary_id = request.form.get("beneficiary_id") or None
        entity = "beneficiary" if beneficiary_id else "contract"
        templates = offered.get(entity, [])
        template_id = request.form.get(f"template_{entity}") if len(templates) > 1 else None
        if len(templates) == 1:
            template_id = templates[0]["template_id"]
        template = next((item for item in templates if item["template_id"] == template_id), None)
        inputs = {}
        if template is not None:
            for item in template.get("fields", []):
                inputs[item["name"]] = request.form.get(f"input-{template['template_id']}-{item['name']}", "")
        body = {
            "contract_id": contract_id,
            "beneficiary_id": beneficiary_id,
            "template_id": template_id,
            "inputs": inputs,
        }
        try:
            created = calls.post("attestation", "/attestation-requests", body)
        except ApiError as error:
            if error.status not in (409, 422):
                raise
            errors = {
                (f"input-{template_id}-{name[len('inputs.') :]}" if name.startswith("inputs.") else name): translated(
                    message
                )
                for name, message in error.errors.items()
            }
            if error.status == 409 or not errors:
                errors["form"] = error.detail
        else:
            return redirect(url_for("portal.attestation_request", request_id=created["id"]))
    status = 422 if request.method == "POST" else 200
    return (
        page(
            "portal/attestation_form.html",
            nav="contracts",
            contract=found["contract"],
            options=options,
            offered=offered,
            form=form,
            errors=errors,
            known_errors=["beneficiary_id", "template_id"]
            + [
                f"input-{item['template_id']}-{field['name']}"
                for item in options.get("templates", [])
                for field in item["fields"]
            ],
            chosen=chosen,
        ),
        status,
    )


@bp.get("/attestation-requests/<request_id>")
@signed_in("client")
def attestation_request(request_id: str):
    """Where the request stands: generating (the page polls), issued (the PDF), sent for validation, failed."""
    found = api().get("attestation", f"/attestation-requests/{request_id}")
    document = None
    if found.get("document_id"):
        document = api().optional(lambda: api().get("documents", f"/documents/{found['document_id']}"))
    held = found["state"] in ("issued", "approved")  # approved: issued after the staff's prior validation
    settled = found["state"] in SETTLED_STATES and (not held or document is not None)
    template = "partials/attestation_state.html" if request.headers.get("HX-Request") else "portal/attestation.html"
    return page(
        template,
        nav="contracts",
        attestation=found,
        document=document,
        settled=settled,
        message=found.get("message") or _("Your request is being processed."),
    )
