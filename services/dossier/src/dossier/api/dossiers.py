"""``/api/v1/dossiers``: create, list, read, change, transitions, close."""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from platform_shared.auth import current_caller, require_roles
from platform_shared.etag import honours_if_match, if_match, sends_etag, set_etag
from platform_shared.pagination import page_schema, split_page_args
from platform_shared.web import app_db, app_settings

from ..domain.access import sees_everything
from ..domain.presentation import present_dossier, present_summary
from ..services import classification, dossiers, models
from .schemas import KINDS, DossierListArgsSchema, DossierSchema, DossierSummarySchema, documents_problems, field_values

blp = Blueprint("dossiers", __name__, url_prefix="/api/v1/dossiers", description="Dossiers (case files)")

TITLE = validate.Length(min=1, max=300)
DESCRIPTION = validate.Length(max=20000)
SUB = validate.Length(min=1, max=200)


class DossierCreateSchema(Schema):
    """A new dossier. Staff name the client (person ``client_sub`` and/or company ``client_org``);
    a client creates for themselves, when the model allows it."""

    model_id = fields.String(required=True, validate=validate.Length(min=1, max=36))
    title = fields.String(required=True, validate=TITLE)
    description = fields.String(load_default="", validate=DESCRIPTION)
    kind = fields.String(load_default="dossier", validate=validate.OneOf(KINDS))
    client_sub = fields.String(load_default=None, allow_none=True, validate=SUB)
    client_org = fields.String(load_default=None, allow_none=True, validate=SUB)
    client_email = fields.Email(load_default=None, allow_none=True)
    client_name = fields.String(load_default=None, allow_none=True, validate=SUB)
    client_org_name = fields.String(load_default=None, allow_none=True, validate=SUB)
    client_person_id = fields.String(
        load_default=None,
        allow_none=True,
        validate=validate.Length(min=1, max=36),
        metadata={"description": "The client as a directory entry (its account, email and name come from it)."},
    )
    client_organisation_id = fields.String(
        load_default=None,
        allow_none=True,
        validate=validate.Length(min=1, max=36),
        metadata={"description": "The client company as a directory entry (its code and name come from it)."},
    )
    client_reference = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=100))
    assignee_sub = fields.String(load_default=None, allow_none=True, validate=SUB)
    assignee_email = fields.Email(load_default=None, allow_none=True)
    fields_ = field_values(load_default=dict)


CREATE_EXAMPLE = {
    "model_id": "5b0f3c2e-8d7a-4f6e-9a51-2c3d4e5f6a7b",
    "title": "Roof repair",
    "client_sub": "client-bob",
    "client_org": "acme",
    "client_email": "bob@acme.example",
    "fields": {"address": "12 rue des Lilas, Lyon"},
}


class DossierPatchSchema(Schema):
    """Changes: clients may send ``fields`` (their portal view's writable ones) and ``client_reference``;
    staff also title, description, the assignment and the category (one of the configured ones)."""

    title = fields.String(validate=TITLE)
    category = fields.String(validate=validate.Length(min=1, max=64))
    description = fields.String(validate=DESCRIPTION)
    client_reference = fields.String(allow_none=True, validate=validate.Length(max=100))
    assignee_sub = fields.String(allow_none=True, validate=SUB)
    assignee_email = fields.Email(allow_none=True)
    fields_ = field_values()


class TransitionSchema(Schema):
    """The status to move to, along one of the model's transitions."""

    to = fields.String(required=True, validate=validate.Length(min=1, max=64))


def present(session, caller, dossier, model=None) -> dict:
    model = model or dossiers.definition_for(session, dossier)
    return present_dossier(
        dossier, model, caller, dossiers.developments_of(session, dossier.id), classification.labels(session)
    )


@blp.route("")
class Dossiers(MethodView):
    @require_roles("agent", "client")
    @blp.arguments(DossierCreateSchema, example=CREATE_EXAMPLE)
    @blp.response(201, DossierSchema)
    @documents_problems(blp, 404, 422)
    def post(self, body):
        """Create a dossier (clients: only with a model that allows it; origin portal)."""
        caller = current_caller()
        origin = "crm" if sees_everything(caller) else "portal"
        with app_db().transaction() as session:
            dossier, model = dossiers.create_dossier(
                session, caller, body, origin=origin, reference_prefix=app_settings().reference_prefix
            )
            return present(session, caller, dossier, model)

    @require_roles("agent", "client", "service")
    @blp.arguments(DossierListArgsSchema, location="query")
    @blp.response(200, page_schema(DossierSummarySchema))
    def get(self, args):
        """List the dossiers the caller may see, newest first, with filters."""
        caller = current_caller()
        page, filters = split_page_args(args)
        with app_db().read_only() as session:
            labels = classification.labels(session)
            return dossiers.list_dossiers(session, caller, filters, **page).map(
                lambda item: present_summary(
                    item, models.load_definition(session, item.model_id, item.model_version), caller, labels
                )
            )


@blp.route("/<dossier_id>")
class DossierById(MethodView):
    @require_roles("agent", "client", "service")
    @blp.response(200, DossierSchema)
    @documents_problems(blp, 404)
    @sends_etag
    def get(self, dossier_id):
        """Read a dossier through the caller's view (with its ETag, for a PATCH's If-Match)."""
        caller = current_caller()
        with app_db().single_statement_read() as session:
            dossier, developments, labels = dossiers.visible_dossier_with_developments(session, caller, dossier_id)
            set_etag(dossiers.dossier_etag(dossier))
            return present_dossier(dossier, dossiers.definition_for(session, dossier), caller, developments, labels)

    @require_roles("agent", "client")
    @blp.arguments(DossierPatchSchema)
    @blp.response(200, DossierSchema)
    @documents_problems(blp, 404, 409, 422)
    @honours_if_match(blp)
    def patch(self, body, dossier_id):
        """Change what the caller's view lets them write (422 for anything else, 409 when closed).

        With ``If-Match`` (the ETag of the GET), 412 when the dossier changed since, and nothing is written;
        without it the change is made, unless the service requires If-Match (428)."""
        caller = current_caller()
        precondition = if_match(required=app_settings().require_if_match)
        with app_db().transaction() as session:
            dossier = dossiers.update_dossier(session, caller, dossier_id, body, precondition=precondition)
            set_etag(dossiers.dossier_etag(dossier))
            return present(session, caller, dossier)


@blp.route("/<dossier_id>/transitions")
class Transitions(MethodView):
    @require_roles("agent")
    @blp.arguments(TransitionSchema)
    @blp.response(200, DossierSchema)
    @documents_problems(blp, 404, 409)
    def post(self, body, dossier_id):
        """Move the dossier to another status along an allowed transition (409 otherwise)."""
        caller = current_caller()
        with app_db().transaction() as session:
            dossier, model = dossiers.transition(session, caller, dossier_id, body["to"])
            return present(session, caller, dossier, model)


@blp.route("/<dossier_id>/close")
class Close(MethodView):
    @require_roles("agent")
    @blp.response(200, DossierSchema)
    @documents_problems(blp, 404, 409)
    def post(self, dossier_id):
        """Close the dossier: it stays readable, every later change is refused (409)."""
        caller = current_caller()
        with app_db().transaction() as session:
            return present(session, caller, dossiers.close(session, caller, dossier_id))
