"""Agents' side of solicitations: create, list, remind, revoke, cancel, re-issue a key, history, audit log."""

from __future__ import annotations

from datetime import timedelta

from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from platform_shared.auth import current_caller, require_roles
from platform_shared.etag import honours_if_match, if_match, row_etag, sends_etag, set_etag
from platform_shared.pagination import PageArgsSchema, page_schema
from platform_shared.web import app_db, app_settings

from ..clients import app_upstreams
from ..services import answers, audit, solicitations
from .schemas import (
    ID,
    SOLICITATION_TYPES,
    AnswerVersionSchema,
    CreatedSolicitationSchema,
    PartnerSolicitationSchema,
    SolicitationPageSchema,
    SolicitationSchema,
)

blp = Blueprint("solicitations", __name__, url_prefix="/api/v1", description="Solicitations (agents)")


class SolicitationCreateSchema(Schema):
    """Solicit a partner on a dossier: by ``partner_id``, or by the directory person staff picked in a search
    (``person_id``: the partner registered for that person). Exactly one of the two."""

    partner_id = fields.String(validate=ID, metadata={"description": "The partner (404 when unknown)."})
    person_id = fields.String(
        validate=ID,
        metadata={
            "description": "Instead of partner_id: a directory person (GET /people?q= on the dossier service); "
            "the partner whose person_id it is (422 naming person_id when no partner, or more than one, is)."
        },
    )
    type = fields.String(required=True, validate=validate.OneOf(SOLICITATION_TYPES))
    scope = fields.String(
        required=True,
        validate=validate.Length(min=1, max=200),
        metadata={"description": "financial, legal, technical, or free text."},
    )
    due_date = fields.Date(
        required=True, metadata={"description": "Desired answer date; the key expires after it plus the grace period."}
    )
    instructions = fields.String(load_default="", validate=validate.Length(max=20000))
    open_statuses = fields.List(
        fields.String(validate=validate.Length(min=1, max=64)),
        required=True,
        validate=validate.Length(min=1, max=100),
        metadata={"description": "Dossier statuses in which the partner may see and act."},
    )
    confidential = fields.Boolean(
        load_default=False, metadata={"description": "The opinion is hidden from the dossier's other partners."}
    )
    bound_to_email = fields.Boolean(
        load_default=False,
        metadata={
            "description": "The key attaches only from an account whose email is the partner's (external "
            "partners); any other account gets 403."
        },
    )

    @validates_schema
    def _one_partner(self, data, **kwargs):
        given = [name for name in ("partner_id", "person_id") if data.get(name)]
        if len(given) != 1:
            message = "Give partner_id or person_id, not both." if given else "Give partner_id or person_id."
            raise ValidationError({name: [message] for name in ("partner_id", "person_id")})


class SolicitationChangeSchema(Schema):
    """What may change after the solicitation was sent; the partner is told."""

    scope = fields.String(validate=validate.Length(min=1, max=200))
    due_date = fields.Date()
    instructions = fields.String(validate=validate.Length(max=20000))
    open_statuses = fields.List(
        fields.String(validate=validate.Length(min=1, max=64)), validate=validate.Length(min=1, max=100)
    )


class DeclineSchema(Schema):
    """Why the partner declines (the agent reads it)."""

    reason = fields.String(required=True, validate=validate.Length(min=1, max=2000))


class RemindSchema(Schema):
    """Which solicitations to remind (default: every unanswered one of the dossier)."""

    solicitation_ids = fields.List(fields.String(validate=ID), load_default=None, allow_none=True)


class SkippedReminderSchema(Schema):
    """A solicitation not reminded, and why."""

    solicitation_id = fields.String()
    reason = fields.String(
        metadata={
            "description": "reminded_recently, dossier_closed, status_hidden, not_open_in_status or dossier_unknown"
        }
    )
    detail = fields.String()


class RemindResultSchema(Schema):
    """How many were reminded, and which were skipped with their reason (reminded within the quiet period, or
    the partner cannot act now)."""

    reminded = fields.Integer()
    skipped = fields.Integer()
    reminded_ids = fields.List(fields.String())
    skipped_ids = fields.List(fields.String())
    skipped_details = fields.List(fields.Nested(SkippedReminderSchema))


class ReissuedKeySchema(Schema):
    """The new key, shown this once; the previous key no longer works."""

    solicitation_id = fields.String()
    access_key = fields.String()
    key_expires_at = fields.DateTime()


class AuditEntrySchema(Schema):
    """Who did what on the dossier, when, from which request."""

    id = fields.String()
    actor_sub = fields.String()
    actor_role = fields.String()
    action = fields.String()
    subject_id = fields.String(allow_none=True)
    request_id = fields.String(allow_none=True)
    details = fields.Dict()
    at = fields.DateTime()


def _dossier_for_staff(dossier_id: str) -> dict:
    return app_upstreams().dossier_for_staff(dossier_id)


@blp.route("/dossiers/<dossier_id>/solicitations")
class DossierSolicitations(MethodView):
    @require_roles("agent")
    @blp.arguments(SolicitationCreateSchema)
    @blp.response(201, CreatedSolicitationSchema)
    def post(self, body, dossier_id):
        """Solicit a partner (by ``partner_id``, or by the directory ``person_id`` the partner is registered for);
        an external partner's access key is in this response only (422 for an open status that is not a status of
        the dossier's model, or a ``person_id`` no single partner is registered for)."""
        dossier = _dossier_for_staff(dossier_id)
        model = app_upstreams().model(dossier["model_id"], dossier.get("model_version"))
        with app_db().transaction() as session:
            solicitation, _, key = solicitations.create_solicitation(
                session, current_caller(), dossier, body, app_settings(), model
            )
            return {**solicitations.present_for_staff(session, solicitation), "access_key": key}

    @require_roles("agent")
    @blp.arguments(PageArgsSchema, location="query")
    @blp.response(200, SolicitationPageSchema)
    def get(self, args, dossier_id):
        """Every solicitation of the dossier with its state, reminders and submitted answers."""
        with app_db().read_only() as session:
            return solicitations.list_for_dossier(session, dossier_id, **args).map(
                lambda item: solicitations.present_for_staff(session, item)
            )


@blp.route("/dossiers/<dossier_id>/solicitations/remind")
class Remind(MethodView):
    @require_roles("agent")
    @blp.arguments(RemindSchema)
    @blp.response(200, RemindResultSchema)
    def post(self, body, dossier_id):
        """Remind unanswered partners, except those reminded within the quiet period."""
        quiet = timedelta(hours=app_settings().reminder_quiet_hours)
        with app_db().transaction() as session:
            return solicitations.remind(session, current_caller(), dossier_id, body["solicitation_ids"], quiet)


@blp.route("/solicitations/<solicitation_id>/revoke")
class Revoke(MethodView):
    @require_roles("agent")
    @blp.response(200, SolicitationSchema)
    def post(self, solicitation_id):
        """Revoke: the partner loses access at once; answers already given stay visible to staff."""
        with app_db().transaction() as session:
            return solicitations.present_for_staff(
                session, solicitations.revoke(session, current_caller(), solicitation_id)
            )


@blp.route("/solicitations/<solicitation_id>/reissue-key")
class ReissueKey(MethodView):
    @require_roles("agent")
    @blp.response(200, ReissuedKeySchema)
    def post(self, solicitation_id):
        """A new key for a partner who has not attached yet; the old key stops working."""
        with app_db().transaction() as session:
            solicitation, key, expires_at = solicitations.reissue_key(
                session, current_caller(), solicitation_id, app_settings()
            )
            return {"solicitation_id": solicitation.id, "access_key": key, "key_expires_at": expires_at}


@blp.route("/solicitations/<solicitation_id>")
class SolicitationById(MethodView):
    @require_roles("agent")
    @blp.response(200, SolicitationSchema)
    @sends_etag
    def get(self, solicitation_id):
        """One solicitation with its state and submitted answers (with its ETag)."""
        with app_db().read_only() as session:
            solicitation = solicitations.get_solicitation(session, solicitation_id)
            set_etag(row_etag(solicitation))
            return solicitations.present_for_staff(session, solicitation)

    @require_roles("agent")
    @blp.arguments(SolicitationChangeSchema)
    @blp.response(200, SolicitationSchema)
    @honours_if_match(blp)
    def patch(self, body, solicitation_id):
        """Change the due date, instructions, scope or open statuses after sending (409 once answered, declined or
        ended; 422 for an open status the model does not have); the partner is told when they can act.

        With ``If-Match`` (the ETag of the GET), 412 when the solicitation changed since, and nothing is written."""
        precondition = if_match(required=app_settings().require_if_match)
        with app_db().read_only() as session:
            dossier_id = solicitations.get_solicitation(session, solicitation_id).dossier_id
        model = {}
        if "open_statuses" in body:
            dossier = _dossier_for_staff(dossier_id)
            model = app_upstreams().model(dossier["model_id"], dossier.get("model_version"))
        with app_db().transaction() as session:
            solicitation = solicitations.change(
                session, current_caller(), solicitation_id, body, model, app_settings(), precondition=precondition
            )
            set_etag(row_etag(solicitation))
            return solicitations.present_for_staff(session, solicitation)

    @require_roles("agent")
    @blp.response(200, SolicitationSchema)
    def delete(self, solicitation_id):
        """Cancel the solicitation (the partner loses access; answers stay visible to staff)."""
        with app_db().transaction() as session:
            return solicitations.present_for_staff(
                session, solicitations.cancel(session, current_caller(), solicitation_id)
            )


@blp.route("/solicitations/<solicitation_id>/decline")
class Decline(MethodView):
    @require_roles("partner", "agent")
    @blp.arguments(DeclineSchema)
    @blp.response(200, PartnerSolicitationSchema)
    def post(self, body, solicitation_id):
        """The partner declines the solicitation with a reason (404 unless it is mine and I may act on it; 409
        once answered); the assignee is told."""
        with app_db().transaction() as session:
            return solicitations.present_solicitation(
                solicitations.decline(session, current_caller(), solicitation_id, body["reason"])
            )


@blp.route("/solicitations/<solicitation_id>/history")
class History(MethodView):
    @require_roles("agent", "partner")
    @blp.response(200, AnswerVersionSchema(many=True))
    def get(self, solicitation_id):
        """Every saved version of the answer (staff; or the partner, on their own solicitation)."""
        with app_db().read_only() as session:
            return answers.history_for(session, current_caller(), solicitation_id)


@blp.route("/me/solicitations")
class MySolicitations(MethodView):
    @require_roles("agent")
    @blp.arguments(PageArgsSchema, location="query")
    @blp.response(200, SolicitationPageSchema)
    def get(self, args):
        """Internal partners (agents): the solicitations addressed to me, for my CRM list."""
        with app_db().read_only() as session:
            return solicitations.list_for_internal_partner(session, current_caller().sub, **args).map(
                lambda item: solicitations.present_for_staff(session, item)
            )


@blp.route("/dossiers/<dossier_id>/audit")
class Audit(MethodView):
    @require_roles("agent")
    @blp.arguments(PageArgsSchema, location="query")
    @blp.response(200, page_schema(AuditEntrySchema))
    def get(self, args, dossier_id):
        """The audit log of partner and third-party actions on the dossier, oldest first (staff)."""
        with app_db().read_only() as session:
            return audit.entries(session, dossier_id, **args)
