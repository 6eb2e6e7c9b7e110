"""Schemas of the dossier resources shared by several route modules."""

from __future__ import annotations

from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from platform_shared.openapi import ProblemSchema
from platform_shared.pagination import PageArgsSchema
from platform_shared.schemas import DirectDump

KINDS = ("dossier", "contract")
ORIGINS = ("crm", "portal", "partner")


def field_values(**options) -> fields.Dict:
    """``fields`` of a request body: field key -> value, typed by the model."""
    return fields.Dict(
        keys=fields.String(validate=validate.Length(max=64)),
        values=fields.Raw(allow_none=True),
        data_key="fields",
        attribute="fields",
        metadata={"description": "Field key -> value, as the model types them."},
        **options,
    )


class DevelopmentSchema(DirectDump, Schema):
    """An important development, shown to the requester."""

    id = fields.String()
    title = fields.String()
    body = fields.String()
    created_at = fields.DateTime()


class NoteSchema(Schema):
    """A note on a dossier and who wrote it."""

    id = fields.String()
    dossier_id = fields.String()
    visibility = fields.String()
    body = fields.String()
    author_sub = fields.String(
        metadata={
            "description": "The author's account id: staff and services always; a client only on their own notes "
            "(another person is named by author_name)."
        }
    )
    author_role = fields.String()
    author_name = fields.String(allow_none=True)
    created_at = fields.DateTime()


class DossierSummarySchema(DirectDump, Schema):
    """A dossier in a list. Clients get the last client-visible status (or a neutral label)."""

    id = fields.String()
    reference = fields.String(metadata={"description": "Human reference, e.g. DOS-2026-000042."})
    title = fields.String()
    category = fields.String()
    category_label = fields.String(metadata={"description": "The category as people read it (its configured label)."})
    kind = fields.String(validate=validate.OneOf(KINDS))
    origin = fields.String(validate=validate.OneOf(ORIGINS))
    status = fields.String(allow_none=True)
    status_label = fields.String()
    partner_visible = fields.Boolean(metadata={"description": "Staff only."})
    client_visible = fields.Boolean(metadata={"description": "Staff only."})
    client_reference = fields.String(allow_none=True)
    assignee_sub = fields.String(
        allow_none=True, metadata={"description": "Staff only (a client reads assignee_email on the dossier)."}
    )
    closed = fields.Boolean()
    created_at = fields.DateTime()
    client_sub = fields.String(allow_none=True, metadata={"description": "Staff only."})
    client_org = fields.String(allow_none=True, metadata={"description": "Staff only."})
    client_name = fields.String(allow_none=True, metadata={"description": "Staff only: who asked."})
    client_org_name = fields.String(allow_none=True, metadata={"description": "Staff only: the requester's company."})
    client_person_id = fields.String(allow_none=True, metadata={"description": "Staff only: the client's entry."})
    client_organisation_id = fields.String(
        allow_none=True, metadata={"description": "Staff only: the client company's entry."}
    )
    model_id = fields.String()


class DossierSchema(DossierSummarySchema):
    """A dossier as the caller's view allows: staff get every field, clients the portal view's fields."""

    description = fields.String()
    model_version = fields.Integer()
    assignee_email = fields.String(allow_none=True)
    client_email = fields.String(allow_none=True, metadata={"description": "Staff only."})
    created_by = fields.String(metadata={"description": "Staff only."})
    closed_at = fields.DateTime(allow_none=True)
    updated_at = fields.DateTime()
    fields_ = fields.Dict(data_key="fields", attribute="fields", metadata={"description": "Values of readable fields."})
    field_modes = fields.Dict(
        keys=fields.String(), values=fields.String(), metadata={"description": "read or write, per readable field."}
    )
    classification = fields.Dict(
        metadata={
            "description": "Staff only: why the dossier has its category: source rule (rule_id, rule_name, keyword, "
            "found_in), model, or staff (changed_by, previous)."
        }
    )
    financial_fields = fields.List(
        fields.String(), metadata={"description": "Staff only: keys marked financial (never shown to participants)."}
    )
    important_developments = fields.List(fields.Nested(DevelopmentSchema))
    filed_by = fields.Dict(
        allow_none=True,
        metadata={
            "description": "Staff only: the partner who filed the dossier on the client's behalf (sub, name, "
            "organisation)."
        },
    )
    filed_on_behalf = fields.String(
        allow_none=True, metadata={"description": 'Staff only: "Filed by X on behalf of Y".'}
    )


class DossierListArgsSchema(PageArgsSchema):
    """Filters of the dossier list (newest first)."""

    status = fields.String(load_default=None, validate=validate.Length(max=64))
    category = fields.String(load_default=None, validate=validate.Length(max=64))
    origin = fields.String(load_default=None, validate=validate.OneOf(ORIGINS))
    assignee = fields.String(
        load_default=None, validate=validate.Length(max=200), metadata={"description": "Assignee's sub."}
    )
    kind = fields.String(load_default=None, validate=validate.OneOf(KINDS))
    model_id = fields.String(load_default=None, validate=validate.Length(max=36))
    q = fields.String(
        load_default=None,
        validate=validate.Length(min=1, max=200),
        metadata={"description": "Text search in the title and the reference."},
    )


PROBLEM_DESCRIPTIONS = {
    403: "The model does not allow it (e.g. partners filing on behalf of another person).",
    404: "Unknown, or not visible to the caller (the two are never told apart).",
    409: "The dossier is closed, or the model allows no such transition.",
    422: "Invalid body: a field outside the caller's view, a read-only field, a wrong type.",
    503: "A component the request needs (another service, the broker) cannot be reached; nothing was changed.",
}


def documents_problems(blp: Blueprint, *statuses: int):
    """Document the problem+json answers a route gives besides its success."""

    def decorate(view):
        for status in statuses:
            view = blp.alt_response(
                status,
                schema=ProblemSchema,
                description=PROBLEM_DESCRIPTIONS[status],
                content_type="application/problem+json",
            )(view)
        return view

    return decorate
