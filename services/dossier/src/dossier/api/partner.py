"""Service-only routes for the partner-gateway: the partner view of a dossier and partner-written values."""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from platform_shared.auth import current_caller, require_roles
from platform_shared.web import app_db, app_settings

from ..domain.presentation import present_participant_view, present_partner_view
from ..services import dossiers, notes, on_behalf
from .schemas import DossierSchema, NoteSchema, documents_problems, field_values

blp = Blueprint("partner", __name__, url_prefix="/api/v1/dossiers", description="Partner view (service tokens only)")


class PartnerFieldSchema(Schema):
    """A field of the partner view with its value."""

    key = fields.String()
    label = fields.String()
    type = fields.String()
    mode = fields.String(metadata={"description": "read or write"})
    source = fields.String(metadata={"description": "portal, crm or partner (partner-only field)"})
    financial = fields.Boolean(metadata={"description": "Financial item: never shown to participants."})
    choices = fields.List(fields.String())
    value = fields.Raw(allow_none=True)


class PartnerViewSchema(Schema):
    """What the partner-gateway may show a third party, and whether the status lets partners see it now."""

    dossier_id = fields.String()
    reference = fields.String()
    title = fields.String()
    status = fields.String()
    status_label = fields.String()
    partner_visible = fields.Boolean()
    closed = fields.Boolean()
    client_name = fields.String(
        allow_none=True, metadata={"description": "The client's name: third parties see who the dossier is for."}
    )
    client_org_name = fields.String(allow_none=True, metadata={"description": "The client company's name."})
    fields_ = fields.List(fields.Nested(PartnerFieldSchema), data_key="fields", attribute="fields")


class PartnerViewWithNotesSchema(PartnerViewSchema):
    """The partner view as a partner reads it: the fields, and the ``participants`` notes (partners are among
    the dossier's intervenants, whom those notes are for)."""

    notes = fields.List(
        fields.Nested(NoteSchema), metadata={"description": "Notes with visibility participants, oldest first."}
    )


class ParticipantViewSchema(DossierSchema):
    """What a participant sees: the client's view without financial fields, and the ``participants`` notes."""

    notes = fields.List(
        fields.Nested(NoteSchema),
        metadata={
            "description": "Notes with visibility participants, oldest first (the dossier's discussion with them)."
        },
    )


class PartnerValuesSchema(Schema):
    """Values written by a partner: only keys the partner view marks ``write``."""

    values = fields.Dict(keys=fields.String(), values=fields.Raw(allow_none=True), required=True)


@blp.route("/<dossier_id>/partner-view")
class PartnerView(MethodView):
    @require_roles("service")
    @blp.response(200, PartnerViewWithNotesSchema)
    @documents_problems(blp, 404)
    def get(self, dossier_id):
        """The partner view's fields with values and modes, the status and its partner visibility, and the
        ``participants`` notes."""
        caller = current_caller()
        with app_db().read_only() as session:
            dossier = dossiers.visible_dossier(session, caller, dossier_id)
            view = present_partner_view(dossier, dossiers.definition_for(session, dossier))
            participant_notes = notes.participant_notes(session, dossier.id)
            return {**view, "notes": participant_notes}


@blp.route("/<dossier_id>/partner-values")
class PartnerValues(MethodView):
    @require_roles("service")
    @blp.arguments(PartnerValuesSchema)
    @blp.response(200, PartnerViewSchema)
    @documents_problems(blp, 404, 409, 422)
    def patch(self, body, dossier_id):
        """Write partner-writable fields (422 for any other key, 409 when the dossier is closed)."""
        caller = current_caller()
        with app_db().transaction() as session:
            dossier = dossiers.write_partner_values(session, caller, dossier_id, body["values"])
            return present_partner_view(dossier, dossiers.definition_for(session, dossier))


@blp.route("/<dossier_id>/participant-view")
class ParticipantView(MethodView):
    @require_roles("service")
    @blp.response(200, ParticipantViewSchema)
    @documents_problems(blp, 404)
    def get(self, dossier_id):
        """What a participant sees: the client's view without financial fields (read-only), and their notes."""
        caller = current_caller()
        with app_db().read_only() as session:
            dossier = dossiers.visible_dossier(session, caller, dossier_id)
            view = present_participant_view(
                dossier, dossiers.definition_for(session, dossier), dossiers.developments_of(session, dossier.id)
            )
            participant_notes = notes.participant_notes(session, dossier.id)
            return {**view, "notes": participant_notes}


class OnBehalfPersonSchema(Schema):
    """The person the dossier is filed for: its client once they claim it."""

    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    email = fields.Email(required=True)
    company = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=200))


class OnBehalfFilerSchema(Schema):
    """The partner who files (from their token, given by the partner-gateway)."""

    sub = fields.String(required=True, validate=validate.Length(min=1, max=200))
    name = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=200))
    email = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=320))
    organisation = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=200))


class OnBehalfCreateSchema(Schema):
    """A dossier a partner files on behalf of another person (models with ``partners_can_file``)."""

    model_id = fields.String(required=True, validate=validate.Length(min=1, max=36))
    title = fields.String(required=True, validate=validate.Length(min=1, max=300))
    description = fields.String(load_default="", validate=validate.Length(max=20000))
    fields_ = field_values(load_default=dict)
    person = fields.Nested(OnBehalfPersonSchema, required=True)
    filer = fields.Nested(OnBehalfFilerSchema, required=True)


class OnBehalfValuesSchema(Schema):
    """Values of the portal view's writable fields."""

    fields_ = field_values(required=True)


class OnBehalfSubmitSchema(Schema):
    filer = fields.Nested(OnBehalfFilerSchema, required=True)


class FiledDossierSchema(DossierSchema):
    """The dossier as its client sees it (the portal view), and the model's setting for the filer's access."""

    filer_access_until = fields.String(metadata={"description": "submission or closing"})


@blp.route("/on-behalf")
class OnBehalf(MethodView):
    @require_roles("service")
    @blp.arguments(OnBehalfCreateSchema)
    @blp.response(201, FiledDossierSchema)
    @documents_problems(blp, 403, 404, 422)
    def post(self, body):
        """File a dossier on behalf of ``person`` (403 when the model does not let partners file, 422 for a value
        the portal view does not let its client write)."""
        caller = current_caller()
        with app_db().transaction() as session:
            dossier, model, settings = on_behalf.file_dossier(
                session, caller, body, reference_prefix=app_settings().reference_prefix
            )
            view = on_behalf.present_portal_view(session, dossier, model)
            return {**view, "filer_access_until": settings["filer_access_until"]}


@blp.route("/<dossier_id>/portal-view")
class PortalView(MethodView):
    @require_roles("service")
    @blp.response(200, DossierSchema)
    @documents_problems(blp, 404)
    def get(self, dossier_id):
        """The dossier as its client sees it (what a filer reads while their access lasts)."""
        caller = current_caller()
        with app_db().read_only() as session:
            return on_behalf.present_portal_view(session, dossiers.visible_dossier(session, caller, dossier_id))


@blp.route("/<dossier_id>/on-behalf-values")
class OnBehalfValues(MethodView):
    @require_roles("service")
    @blp.arguments(OnBehalfValuesSchema)
    @blp.response(200, DossierSchema)
    @documents_problems(blp, 404, 409, 422)
    def patch(self, body, dossier_id):
        """The filer completes the portal view's writable fields (422 for any other, 409 once closed)."""
        caller = current_caller()
        with app_db().transaction() as session:
            dossier = on_behalf.write_values(session, caller, dossier_id, body["fields"])
            return on_behalf.present_portal_view(session, dossier)


@blp.route("/<dossier_id>/on-behalf-submit")
class OnBehalfSubmit(MethodView):
    @require_roles("service")
    @blp.arguments(OnBehalfSubmitSchema)
    @blp.response(200, DossierSchema)
    @documents_problems(blp, 404, 409, 422)
    def post(self, body, dossier_id):
        """The filer submits: 422 naming each required portal field still missing."""
        caller = current_caller()
        with app_db().transaction() as session:
            dossier = on_behalf.submit(session, caller, dossier_id, body["filer"])
            return on_behalf.present_portal_view(session, dossier)
