"""Schemas shared by the gateway's route modules."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from platform_shared.pagination import page_schema

SOLICITATION_TYPES = ("opinion", "completion", "opinion_completion")
VERDICTS = ("favorable", "unfavorable", "reserved")
STATES = ("pending", "attached", "answered", "revoked", "expired", "cancelled", "declined")
ID = validate.Length(min=1, max=36)


class PartnerSchema(Schema):
    """Someone agents solicit: ``internal`` (an agent, acts from the CRM) or ``external`` (acts from the portal)."""

    id = fields.String(dump_only=True)
    person_id = fields.String(
        load_default=None,
        allow_none=True,
        validate=validate.Length(min=1, max=36),
        metadata={
            "description": "The partner as a person of the directory (422 when unknown): name and email come "
            "from it unless given. Staff find them with the dossier service's GET /people?q=."
        },
    )
    name = fields.String(
        load_default=None,
        validate=validate.Length(min=1, max=200),
        metadata={"description": "Required unless person_id gives it."},
    )
    email = fields.Email(load_default=None, metadata={"description": "Required unless person_id gives it."})
    person_name = fields.String(
        dump_only=True, allow_none=True, metadata={"description": "The directory's name of the partner's person."}
    )
    kind = fields.String(required=True, validate=validate.OneOf(("internal", "external")))
    agent_sub = fields.String(
        load_default=None,
        allow_none=True,
        validate=validate.Length(min=1, max=200),
        metadata={"description": "Internal partners only: the agent's ``sub``."},
    )
    organisation = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=200))
    created_at = fields.DateTime(dump_only=True)


class AnswerVersionSchema(Schema):
    """One saved version of an answer; ``submitted`` marks the final one."""

    version = fields.Integer()
    verdict = fields.String(allow_none=True, validate=validate.OneOf(VERDICTS))
    comment = fields.String(allow_none=True)
    document_id = fields.String(allow_none=True)
    values = fields.Dict(metadata={"description": "Completion: field key -> value."})
    submitted = fields.Boolean()
    saved_by = fields.String()
    saved_at = fields.DateTime()


class PartnerSolicitationSchema(Schema):
    """A solicitation as its partner sees it."""

    id = fields.String()
    dossier_id = fields.String()
    type = fields.String(validate=validate.OneOf(SOLICITATION_TYPES))
    scope = fields.String()
    due_date = fields.Date()
    instructions = fields.String()
    open_statuses = fields.List(fields.String())
    confidential = fields.Boolean()
    state = fields.String(validate=validate.OneOf(STATES))
    bound_to_email = fields.Boolean()


class SolicitationSchema(PartnerSolicitationSchema):
    """A solicitation as agents see it: its state, reminders and the answers as they arrive."""

    partner = fields.Nested(PartnerSchema)
    partner_sub = fields.String(allow_none=True, metadata={"description": "The account that attached (or the agent)."})
    key_expires_at = fields.DateTime(allow_none=True)
    reminded_at = fields.DateTime(allow_none=True)
    reminder_count = fields.Integer()
    attached_at = fields.DateTime(allow_none=True)
    answered_at = fields.DateTime(allow_none=True)
    declined_at = fields.DateTime(allow_none=True)
    decline_reason = fields.String(allow_none=True, metadata={"description": "Why the partner declined."})
    changed_at = fields.DateTime(allow_none=True, metadata={"description": "Last change after it was sent."})
    answers = fields.List(fields.Nested(AnswerVersionSchema), metadata={"description": "Submitted answers."})
    created_at = fields.DateTime()


class CreatedSolicitationSchema(SolicitationSchema):
    """The new solicitation; ``access_key`` is shown this once (external partners) and never again."""

    access_key = fields.String(allow_none=True)


SolicitationPageSchema = page_schema(SolicitationSchema)
