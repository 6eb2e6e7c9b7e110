"""``/api/v1/dossiers/{id}/notes``, ``/developments`` and ``/timeline``."""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from platform_shared.auth import current_caller, require_roles
from platform_shared.pagination import PageArgsSchema, page_schema
from platform_shared.web import app_db

from ..domain.access import NOTE_VISIBILITIES
from ..services import dossiers, notes, timeline
from .schemas import DevelopmentSchema, NoteSchema, documents_problems

blp = Blueprint("notes", __name__, url_prefix="/api/v1/dossiers", description="Notes, developments, timeline")


class NoteCreateSchema(Schema):
    """A note. ``internal``: staff only; ``requester``: staff and the client side; ``participants``: also the
    invited third parties. Default: internal for staff, requester for clients (who cannot write internal)."""

    body = fields.String(required=True, validate=validate.Length(min=1, max=20000))
    visibility = fields.String(load_default=None, validate=validate.OneOf(NOTE_VISIBILITIES))


class ThirdPartyAuthorSchema(Schema):
    """The participant who wrote the note, as the partner-gateway authenticated them."""

    sub = fields.String(required=True, validate=validate.Length(min=1, max=200))
    name = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=200))
    email = fields.Email(load_default=None, allow_none=True)


class ThirdPartyNoteCreateSchema(Schema):
    """A participant's note, relayed by the partner-gateway; its visibility is always ``participants``."""

    body = fields.String(required=True, validate=validate.Length(min=1, max=20000))
    author = fields.Nested(ThirdPartyAuthorSchema, required=True)


class DevelopmentCreateSchema(Schema):
    """An important development, shown to the requester."""

    title = fields.String(required=True, validate=validate.Length(min=1, max=300))
    body = fields.String(load_default="", validate=validate.Length(max=20000))


class TimelineEntrySchema(Schema):
    """One line of history: creation, status change, assignment, note, development, document, third-party answer."""

    seq = fields.Integer()
    kind = fields.String()
    visibility = fields.String()
    summary = fields.String()
    details = fields.Dict()
    actor_sub = fields.String(
        allow_none=True,
        metadata={
            "description": "The actor's account id: staff and services always; a client only when it is their "
            "own (left out otherwise, like any other account id in details): read actor_name."
        },
    )
    actor_role = fields.String(allow_none=True)
    actor_name = fields.String(
        allow_none=True, metadata={"description": "The actor's name (the directory's, else the event's), or null."}
    )
    occurred_at = fields.DateTime()


@blp.route("/<dossier_id>/notes")
class Notes(MethodView):
    @require_roles("agent", "client")
    @blp.arguments(NoteCreateSchema)
    @blp.response(201, NoteSchema)
    @documents_problems(blp, 404, 409)
    def post(self, body, dossier_id):
        """Post a note (409 when the dossier is closed)."""
        with app_db().transaction() as session:
            return notes.add_note(session, current_caller(), dossier_id, body["body"], body["visibility"])

    @require_roles("agent", "client", "service")
    @blp.arguments(PageArgsSchema, location="query")
    @blp.response(200, page_schema(NoteSchema))
    @documents_problems(blp, 404)
    def get(self, page, dossier_id):
        """List the notes the caller may read, oldest first (clients never see internal notes)."""
        with app_db().read_only() as session:
            return notes.list_notes(session, current_caller(), dossier_id, **page)


@blp.route("/<dossier_id>/third-party-notes")
class ThirdPartyNotes(MethodView):
    @require_roles("service")
    @blp.arguments(ThirdPartyNoteCreateSchema)
    @blp.response(201, NoteSchema)
    @documents_problems(blp, 404, 409)
    def post(self, body, dossier_id):
        """Record a participant's note (visibility ``participants``; the participant is the event's actor)."""
        with app_db().transaction() as session:
            return notes.add_third_party_note(session, current_caller(), dossier_id, body["body"], body["author"])


@blp.route("/<dossier_id>/developments")
class Developments(MethodView):
    @require_roles("agent")
    @blp.arguments(DevelopmentCreateSchema)
    @blp.response(201, DevelopmentSchema)
    @documents_problems(blp, 404, 409)
    def post(self, body, dossier_id):
        """Add an important development (shown to the requester)."""
        with app_db().transaction() as session:
            return notes.add_development(session, current_caller(), dossier_id, body["title"], body["body"])


@blp.route("/<dossier_id>/timeline")
class Timeline(MethodView):
    @require_roles("agent", "client", "service")
    @blp.arguments(PageArgsSchema, location="query")
    @blp.response(200, page_schema(TimelineEntrySchema))
    @documents_problems(blp, 404)
    def get(self, page, dossier_id):
        """The dossier's history in order, filtered by what the caller may see."""
        caller = current_caller()
        with app_db().read_only() as session:
            dossiers.visible_dossier(session, caller, dossier_id)
            return timeline.list_entries(session, caller, dossier_id, **page)
