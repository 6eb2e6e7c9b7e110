"""Contributors and participants: invitations (agents), and the invited person's pieces."""

from __future__ import annotations

from datetime import timedelta

from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from platform_shared.auth import current_caller, require_roles
from platform_shared.errors import Conflict, NotFound
from platform_shared.pagination import PageArgsSchema, page_schema
from platform_shared.pseudonyms import for_reader
from platform_shared.web import app_db, app_settings

from ..clients import app_upstreams
from ..db import DossierState, Invitation
from ..domain.rules import third_party_may_act
from ..services import dossier_copy, invitations, presented_documents, visibility
from .schemas import ID

blp = Blueprint("contributors", __name__, url_prefix="/api/v1", description="Contributors and participants")


class InvitationCreateSchema(Schema):
    """Invite a person into one of the model's contributor roles, or as a participant."""

    kind = fields.String(load_default="contributor", validate=validate.OneOf(("contributor", "participant")))
    role = fields.String(
        load_default=None,
        allow_none=True,
        validate=validate.Length(min=1, max=64),
        metadata={"description": "Contributors: a role code of the dossier's model."},
    )
    name = fields.String(
        load_default=None,
        validate=validate.Length(min=1, max=200),
        metadata={"description": "Required unless person_id names a directory entry."},
    )
    email = fields.Email(load_default=None, metadata={"description": "Required unless person_id is given."})
    person_id = fields.String(
        load_default=None,
        allow_none=True,
        validate=validate.Length(min=1, max=36),
        metadata={"description": "A person of the directory (picked by search): their name and email by default."},
    )
    notify = fields.Boolean(
        load_default=None,
        allow_none=True,
        metadata={
            "description": "Email the key; false: no email, the key is returned for the agent to hand over. "
            "Not given: the model's ``invitations_sent_automatically`` decides (default true)."
        },
    )


class InvitationSchema(Schema):
    id = fields.String()
    dossier_id = fields.String()
    kind = fields.String()
    role = fields.String(allow_none=True)
    name = fields.String()
    email = fields.String()
    notify = fields.Boolean()
    state = fields.String(metadata={"description": "invited, attached or revoked"})
    account_sub = fields.String(
        allow_none=True,
        metadata={"description": "The account that attached: staff (and the person themselves) only."},
    )
    attached_at = fields.DateTime(allow_none=True)
    created_at = fields.DateTime()


class PieceStatusSchema(Schema):
    code = fields.String()
    label = fields.String()
    required = fields.Boolean()
    provided = fields.Boolean()
    document_ids = fields.List(fields.String())


class StaffInvitationSchema(InvitationSchema):
    """An invitation as the contributors list shows it: the role's label, each piece provided or missing."""

    role_label = fields.String(allow_none=True)
    reminded_at = fields.DateTime(allow_none=True)
    reminder_count = fields.Integer()
    pieces = fields.List(fields.Nested(PieceStatusSchema))
    missing = fields.List(fields.String(), metadata={"description": "Required pieces not provided yet."})
    complete = fields.Boolean(allow_none=True, metadata={"description": "Every required piece provided."})


class ContributorRemindSchema(Schema):
    contributor_ids = fields.List(fields.String(validate=ID), load_default=None, allow_none=True)


class ContributorRemindResultSchema(Schema):
    reminded = fields.Integer()
    reminded_ids = fields.List(fields.String())
    skipped = fields.Integer()
    skipped_details = fields.List(
        fields.Dict(),
        metadata={"description": "contributor_id and reason: complete, reminded_recently, dossier_closed"},
    )


class CreatedInvitationSchema(InvitationSchema):
    """The invitation; ``access_key`` only when ``notify`` is false (otherwise it went by email)."""

    access_key = fields.String(allow_none=True)


class PieceSchema(Schema):
    code = fields.String()
    label = fields.String()
    required = fields.Boolean()
    document_ids = fields.List(fields.String(), metadata={"description": "Documents provided for this piece."})


class MyPiecesSchema(Schema):
    """The pieces of one of my contributor roles, and only those."""

    contributor_id = fields.String()
    dossier_id = fields.String()
    role = fields.String()
    pieces = fields.List(fields.Nested(PieceSchema))


class ProvidePieceSchema(Schema):
    """A piece provided: a document of this dossier I uploaded myself through the documents service."""

    document_id = fields.String(required=True, validate=ID)


@blp.route("/dossiers/<dossier_id>/contributors")
class DossierContributors(MethodView):
    @require_roles("agent", "client")
    @blp.arguments(InvitationCreateSchema)
    @blp.response(201, CreatedInvitationSchema)
    def post(self, body, dossier_id):
        """Invite a contributor (a role of the model) or a participant; an email carries the key when ``notify``.
        The dossier's client side may invite contributors when the model has ``client_can_invite`` (403 otherwise)."""
        caller = current_caller()
        upstreams = app_upstreams()
        dossier = upstreams.dossier_for_staff(dossier_id)
        model = upstreams.model(dossier["model_id"], dossier.get("model_version"))
        invitations.authorise_inviter(caller, dossier, model, body["kind"])
        with app_db().transaction() as session:
            invitation, key = invitations.invite(session, caller, dossier, model, body, app_settings())
            fields_of_invitation = {
                column.key: getattr(invitation, column.key) for column in Invitation.__table__.columns
            }
            return {**fields_of_invitation, "access_key": None if invitation.notify else key}

    @require_roles("agent", "client")
    @blp.arguments(PageArgsSchema, location="query")
    @blp.response(200, page_schema(StaffInvitationSchema))
    def get(self, args, dossier_id):
        """The dossier's contributors and participants, each contributor with the pieces of their role provided or
        missing and whether their part is complete; the dossier's client side gets the invitations they made
        themselves (404 for another client)."""
        caller = current_caller()
        created_by = None
        upstreams = app_upstreams()
        dossier = upstreams.dossier_for_staff(dossier_id)
        if not caller.is_staff:
            invitations.require_client_side(caller, dossier)
            created_by = caller.sub
        model = upstreams.model(dossier["model_id"], dossier.get("model_version"))
        with app_db().read_only() as session:
            return invitations.list_for_dossier(session, dossier_id, created_by=created_by, **args).map(
                lambda item: for_reader(invitations.present_for_staff(session, item, model), caller)
            )


@blp.route("/dossiers/<dossier_id>/contributors/remind")
class RemindContributors(MethodView):
    @require_roles("agent")
    @blp.arguments(ContributorRemindSchema)
    @blp.response(200, ContributorRemindResultSchema)
    def post(self, body, dossier_id):
        """Remind the contributors who have not provided every required piece (each skip with its reason)."""
        upstreams = app_upstreams()
        dossier = upstreams.dossier_for_staff(dossier_id)
        model = upstreams.model(dossier["model_id"], dossier.get("model_version"))
        quiet = timedelta(hours=app_settings().reminder_quiet_hours)
        with app_db().transaction() as session:
            return invitations.remind(session, current_caller(), dossier_id, model, body["contributor_ids"], quiet)


@blp.route("/contributors/<invitation_id>/revoke")
class RevokeInvitation(MethodView):
    @require_roles("agent", "client")
    @blp.response(200, InvitationSchema)
    def post(self, invitation_id):
        """Revoke an invitation: its key stops working and the person loses access at once. A client revokes only
        an invitation they made (404 for any other)."""
        caller = current_caller()
        with app_db().transaction() as session:
            invitation = invitations.revoke(session, caller, invitation_id)
            return for_reader(
                {column.key: getattr(invitation, column.key) for column in Invitation.__table__.columns}, caller
            )


@blp.route("/me/invitations")
class MyInvitations(MethodView):
    @require_roles("partner")
    @blp.response(200, InvitationSchema(many=True))
    def get(self):
        """My attached invitations (closed dossiers included: they stay readable)."""
        with app_db().read_only() as session:
            return visibility.invitations_on(session, current_caller().sub)


def _model_of(session, dossier_id: str) -> dict:
    state = session.get(DossierState, dossier_id)
    return app_upstreams().model(state.model_id, state.model_version)


@blp.route("/me/pieces")
class MyPieces(MethodView):
    @require_roles("partner")
    @blp.response(200, MyPiecesSchema(many=True))
    def get(self):
        """The pieces of my contributor roles, never another role's."""
        with app_db().read_only() as session:
            mine = [
                item for item in visibility.invitations_on(session, current_caller().sub) if item.kind == "contributor"
            ]
            return [
                invitations.present_pieces(
                    item, _model_of(session, item.dossier_id), invitations.provided(session, item.id)
                )
                for item in mine
            ]


@blp.route("/me/pieces/<invitation_id>/<piece_code>")
class ProvidePiece(MethodView):
    @require_roles("partner")
    @blp.arguments(ProvidePieceSchema)
    @blp.response(201, MyPiecesSchema)
    def post(self, body, invitation_id, piece_code):
        """Provide one of my role's pieces (404 for another role's piece; 422 for a document that is not my own
        upload on this dossier); publishes ``piece.provided``."""
        caller = current_caller()
        with app_db().read_only() as session:
            invitation = _my_contributor_invitation(session, caller.sub, invitation_id)
            _open_for_changes(session, invitation)
            model = _model_of(session, invitation.dossier_id)
        invitations.require_piece_of_role(model, invitation.role, piece_code)
        presented_documents.check_piece(
            app_upstreams(), body["document_id"], dossier_id=invitation.dossier_id, contributor_sub=caller.sub
        )
        with app_db().transaction() as session:
            invitation = _my_contributor_invitation(session, caller.sub, invitation_id)
            _open_for_changes(session, invitation)
            invitations.provide_piece(session, caller, invitation, model, piece_code, body["document_id"])
            session.flush()
            return invitations.present_pieces(invitation, model, invitations.provided(session, invitation.id))


class ParticipantNoteCreateSchema(Schema):
    """A participant's note: staff, the client side and the dossier's participants read it (visibility
    ``participants``)."""

    body = fields.String(required=True, validate=validate.Length(min=1, max=20000))


class ParticipantNoteSchema(Schema):
    """The note as the dossier service recorded it."""

    id = fields.String()
    dossier_id = fields.String()
    visibility = fields.String(metadata={"description": "Always participants."})
    body = fields.String()
    author_sub = fields.String(metadata={"description": "My own account id (the author of the note I posted)."})
    author_role = fields.String()
    author_name = fields.String(allow_none=True)
    created_at = fields.String(metadata={"description": "RFC 3339 instant."})


@blp.route("/me/dossiers/<dossier_id>/notes")
class MyDossierNotes(MethodView):
    @require_roles("partner")
    @blp.arguments(ParticipantNoteCreateSchema)
    @blp.response(201, ParticipantNoteSchema)
    def post(self, body, dossier_id):
        """Post a note as a participant of the dossier (404 unless I am one; 409 when the dossier is closed)."""
        caller = current_caller()
        with app_db().read_only() as session:
            invitation = invitations.participant_on(session, caller.sub, dossier_id)
            _open_for_changes(session, invitation)
        note = app_upstreams().add_third_party_note(
            dossier_id, body["body"], invitations.note_author(caller, invitation)
        )
        with app_db().transaction() as session:
            invitations.record_note(session, caller, invitation, note)
        return for_reader(note, caller)


def _my_contributor_invitation(session, sub: str, invitation_id: str):
    for invitation in visibility.invitations_on(session, sub):
        if invitation.id == invitation_id and invitation.kind == "contributor":
            return invitation
    raise NotFound("No such invitation.")


def _open_for_changes(session, invitation) -> None:
    if not third_party_may_act(invitation.state, dossier_copy.status_of(session, invitation.dossier_id)):
        raise Conflict("The dossier is closed: nothing in it can change any more.")
