"""What a caller is shown of a dossier: the fields of their view, and the status as their audience may see it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from platform_shared.auth import Caller
from platform_shared.pseudonyms import pseudonym

from .access import field_modes, sees_everything
from .model_definition import ModelDefinition

CLIENT_AUDIENCE = Caller(sub="", role="client")  # presents "what a client sees" without a particular client


def _status(dossier, model: ModelDefinition, caller: Caller) -> dict[str, Any]:
    if sees_everything(caller):
        spec = model.status(dossier.status)
        return {
            "status": dossier.status,
            "status_label": spec.label,
            "partner_visible": spec.partner_visible,
            "client_visible": spec.client_visible,
        }
    return {"status": dossier.client_status, "status_label": model.client_status_label(dossier.client_status)}


def present_summary(
    dossier, model: ModelDefinition, caller: Caller, category_labels: Mapping[str, str] | None = None
) -> dict[str, Any]:
    """A list item: identity, classification (the category by its label), status, assignee."""
    summary = {
        "id": dossier.id,
        "reference": dossier.reference,
        "title": dossier.title,
        "category": dossier.category,
        "category_label": (category_labels or {}).get(dossier.category, dossier.category),
        "kind": dossier.kind,
        "origin": dossier.origin,
        "client_reference": dossier.client_reference,
        "closed": dossier.closed,
        "created_at": dossier.created_at,
        **_status(dossier, model, caller),
    }
    if sees_everything(caller):
        summary.update(
            assignee_sub=dossier.assignee_sub,
            client_sub=dossier.client_sub,
            client_org=dossier.client_org,
            client_name=dossier.client_name,
            client_org_name=dossier.client_org_name,
            client_person_id=dossier.client_person_id,
            client_organisation_id=dossier.client_organisation_id,
            model_id=dossier.model_id,
        )
    return summary


def present_dossier(
    dossier,
    model: ModelDefinition,
    caller: Caller,
    developments: list,
    category_labels: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """The whole dossier as the caller's view allows: staff everything, clients the portal view."""
    modes = field_modes(caller, model)
    values = dossier.field_values or {}
    body = {
        **present_summary(dossier, model, caller, category_labels),
        "description": dossier.description,
        "model_id": dossier.model_id,
        "model_version": dossier.model_version,
        "assignee_email": dossier.assignee_email,
        "closed_at": dossier.closed_at,
        "updated_at": dossier.updated_at,
        "fields": {key: values.get(key) for key in modes},
        "field_modes": modes,
        "important_developments": [
            {"id": item.id, "title": item.title, "body": item.body, "created_at": item.created_at}
            for item in developments
        ],
    }
    if sees_everything(caller):
        body.update(
            client_email=dossier.client_email,
            created_by=dossier.created_by,
            classification=dossier.classification or {"source": "model"},
            financial_fields=[key for key, spec in model.all_fields().items() if spec.financial],
            filed_by=_filed_by(dossier),
            filed_on_behalf=filed_on_behalf_text(dossier),
        )
    return body


def _filed_by(dossier) -> dict[str, Any] | None:
    if not getattr(dossier, "filed_by_sub", None):
        return None
    return {"sub": dossier.filed_by_sub, "name": dossier.filed_by_name, "organisation": dossier.filed_by_org}


def filed_on_behalf_text(dossier) -> str | None:
    """Staff read "Filed by X on behalf of Y" on a dossier a partner filed for their client."""
    if not getattr(dossier, "filed_by_sub", None):
        return None
    filer = dossier.filed_by_name or pseudonym(dossier.filed_by_sub, "partner")
    if dossier.filed_by_org:
        filer = f"{filer} ({dossier.filed_by_org})"
    person = dossier.client_name or dossier.client_email or "the client"
    if dossier.client_org_name:
        person = f"{person} ({dossier.client_org_name})"
    return f"Filed by {filer} on behalf of {person}"


def present_participant_view(dossier, model: ModelDefinition, developments: list) -> dict[str, Any]:
    """What a participant (intervenant) sees: what the client sees, without the financial items."""
    body = present_dossier(dossier, model, CLIENT_AUDIENCE, developments)
    financial = {key for key, spec in model.all_fields().items() if spec.financial}
    body["fields"] = {key: value for key, value in body["fields"].items() if key not in financial}
    body["field_modes"] = dict.fromkeys(body["fields"], "read")
    # the names of the people the dossier is for, and nothing else of them (no account, no address)
    body.update(client_name=dossier.client_name, client_org_name=dossier.client_org_name)
    return body


def present_partner_view(dossier, model: ModelDefinition) -> dict[str, Any]:
    """The partner view for the partner-gateway: each field with its mode and value, and the status's visibility."""
    specs = model.all_fields()
    values = dossier.field_values or {}
    status = model.status(dossier.status)
    return {
        "dossier_id": dossier.id,
        "reference": dossier.reference,
        "title": dossier.title,
        "status": dossier.status,
        "status_label": status.label,
        "partner_visible": status.partner_visible,
        "closed": dossier.closed,
        "client_name": dossier.client_name,
        "client_org_name": dossier.client_org_name,
        "fields": [
            {
                "key": key,
                "label": specs[key].label,
                "type": specs[key].type,
                "mode": mode,
                "source": model.partner_sources.get(key, "partner"),
                "financial": specs[key].financial,
                "choices": list(specs[key].choices),
                "value": values.get(key),
            }
            for key, mode in model.views["partner"].items()
            if key in specs
        ],
    }
