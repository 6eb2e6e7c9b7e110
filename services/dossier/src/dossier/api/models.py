"""``/api/v1/models``: dossier models (admins write; every save is a new immutable version)."""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from platform_shared.auth import current_caller, require_roles
from platform_shared.etag import honours_if_match, if_match, sends_etag, set_etag
from platform_shared.pagination import PageArgsSchema, page_schema
from platform_shared.web import app_db, app_settings

from ..domain.model_definition import FIELD_TYPES, MODES, PARTNER_SOURCES
from ..services import models
from .schemas import documents_problems

blp = Blueprint("models", __name__, url_prefix="/api/v1/models", description="Dossier models (admin)")

KEY = validate.Regexp(r"^[a-z][a-z0-9_]{0,63}$", error="Use lowercase letters, digits and underscores.")
LABEL = validate.Length(min=1, max=200)
MAX_ITEMS = validate.Length(max=300)


class FieldSpecSchema(Schema):
    """A typed field of the model."""

    key = fields.String(required=True, validate=KEY, metadata={"description": "Stable key of the field."})
    label = fields.String(required=True, validate=LABEL)
    type = fields.String(required=True, validate=validate.OneOf(FIELD_TYPES))
    required = fields.Boolean(load_default=False)
    choices = fields.List(
        fields.String(validate=LABEL),
        load_default=list,
        validate=MAX_ITEMS,
        metadata={"description": "Allowed values of a ``choice`` field."},
    )
    financial = fields.Boolean(
        load_default=False,
        metadata={"description": "A financial item: participants (third parties of kind participant) never see it."},
    )


class ViewEntrySchema(Schema):
    """A field of the portal or CRM view and whether that audience may write it."""

    key = fields.String(required=True, validate=KEY)
    mode = fields.String(required=True, validate=validate.OneOf(MODES))


class PartnerViewEntrySchema(ViewEntrySchema):
    """A field of the partner view: taken from the portal view, the CRM view, or a partner-only field."""

    source = fields.String(load_default="partner", validate=validate.OneOf(PARTNER_SOURCES))


class ViewsSchema(Schema):
    """The three views of a model."""

    portal = fields.List(fields.Nested(ViewEntrySchema), load_default=list, validate=MAX_ITEMS)
    crm = fields.List(fields.Nested(ViewEntrySchema), load_default=list, validate=MAX_ITEMS)
    partner = fields.List(fields.Nested(PartnerViewEntrySchema), load_default=list, validate=MAX_ITEMS)


class StatusSpecSchema(Schema):
    """A status of the model's workflow."""

    code = fields.String(required=True, validate=KEY)
    label = fields.String(required=True, validate=LABEL)
    initial = fields.Boolean(load_default=False)
    terminal = fields.Boolean(load_default=False)
    partner_visible = fields.Boolean(load_default=False, metadata={"description": "Partners may see the dossier."})
    client_visible = fields.Boolean(
        load_default=True, metadata={"description": "Clients see this status; otherwise they see the last visible one."}
    )


TransitionSpecSchema = Schema.from_dict(
    {
        "from": fields.String(required=True, validate=KEY),
        "to": fields.String(required=True, validate=KEY),
    },
    name="TransitionSpecSchema",
)


class RoleSpecSchema(Schema):
    """A contributor role (guarantor, co-borrower...)."""

    code = fields.String(required=True, validate=KEY)
    label = fields.String(required=True, validate=LABEL)


class PieceSpecSchema(Schema):
    """A supporting piece required from the contributors of one role."""

    code = fields.String(required=True, validate=KEY)
    label = fields.String(required=True, validate=LABEL)
    role = fields.String(required=True, validate=KEY)
    required = fields.Boolean(load_default=True)


class RolePieceSchema(Schema):
    """A piece as listed under its role."""

    code = fields.String()
    label = fields.String()
    required = fields.Boolean()


class RoleWithPiecesSchema(RoleSpecSchema):
    pieces = fields.List(fields.Nested(RolePieceSchema))


class ModelInputSchema(Schema):
    """A whole model as an admin saves it; it is validated as a whole (422 names each problem)."""

    name = fields.String(required=True, validate=LABEL)
    category = fields.String(
        required=True,
        validate=KEY,
        metadata={"description": "Classification of its dossiers (corporate, litigation, intellectual_property...)."},
    )
    client_can_create = fields.Boolean(load_default=False)
    client_can_invite = fields.Boolean(
        load_default=False,
        metadata={
            "description": "The dossier's client (and their company's members) may invite contributors into the "
            "model's roles through the partner-gateway, besides staff."
        },
    )
    partners_can_file = fields.Boolean(
        load_default=False,
        metadata={
            "description": "Partners may file dossiers of this model on behalf of another person (a social worker "
            "for a citizen, a broker for a client), through the partner-gateway's POST /filings."
        },
    )
    filer_access_until = fields.String(
        load_default="submission",
        validate=validate.OneOf(("submission", "closing")),
        metadata={
            "description": "How long the filer keeps access to a dossier filed on behalf: until it is "
            "submitted, or until it is closed."
        },
    )
    invitations_sent_automatically = fields.Boolean(
        load_default=True,
        metadata={
            "description": "An invitation that does not say ``notify`` is emailed (true) or its key handed to the "
            "inviter (false)."
        },
    )
    invitation_text = fields.String(
        load_default="",
        validate=validate.Length(max=5000),
        metadata={"description": "A text the invitation email carries for this model's contributors."},
    )
    fields_ = fields.List(
        fields.Nested(FieldSpecSchema), data_key="fields", attribute="fields", load_default=list, validate=MAX_ITEMS
    )
    partner_fields = fields.List(
        fields.Nested(FieldSpecSchema),
        load_default=list,
        validate=MAX_ITEMS,
        metadata={"description": "Fields that exist only in the partner view."},
    )
    views = fields.Nested(ViewsSchema, load_default=dict)
    statuses = fields.List(fields.Nested(StatusSpecSchema), required=True, validate=MAX_ITEMS)
    transitions = fields.List(fields.Nested(TransitionSpecSchema), load_default=list, validate=MAX_ITEMS)
    roles = fields.List(fields.Nested(RoleSpecSchema), load_default=list, validate=MAX_ITEMS)
    pieces = fields.List(fields.Nested(PieceSpecSchema), load_default=list, validate=MAX_ITEMS)


class ModelSchema(ModelInputSchema):
    """One version of a model (``roles`` carry their ``pieces``)."""

    id = fields.String()
    version = fields.Integer(metadata={"description": "Dossiers keep the version they were created with."})
    roles = fields.List(fields.Nested(RoleWithPiecesSchema))
    created_at = fields.DateTime()


class ModelQuerySchema(Schema):
    version = fields.Integer(
        load_default=None,
        validate=validate.Range(min=1, max=1_000_000),
        metadata={"description": "A past version (default: the current one)."},
    )


@blp.route("")
class Models(MethodView):
    @require_roles("admin")
    @blp.arguments(ModelInputSchema)
    @blp.response(201, ModelSchema)
    def post(self, body):
        """Create a model (version 1)."""
        with app_db().transaction() as session:
            caller = current_caller()
            return models.present_model(models.create_model(session, caller, body), caller)

    @require_roles("agent", "client", "service")
    @blp.arguments(PageArgsSchema, location="query")
    @blp.response(200, page_schema(ModelSchema))
    def get(self, page):
        """List current model versions (clients: only those open to them, and only their portal side)."""
        with app_db().read_only() as session:
            caller = current_caller()
            return models.list_models(session, caller, **page).map(lambda item: models.present_model(item, caller))


@blp.route("/<model_id>")
class ModelById(MethodView):
    @require_roles("agent", "client", "service")
    @blp.arguments(ModelQuerySchema, location="query")
    @blp.response(200, ModelSchema)
    @documents_problems(blp, 404)
    @sends_etag
    def get(self, query, model_id):
        """Read a model: its current version, or ``?version=`` (its ETag names that version)."""
        with app_db().read_only() as session:
            caller = current_caller()
            version = models.get_model(session, caller, model_id, query["version"])
            set_etag(models.model_etag(version.model_id, version.version))
            return models.present_model(version, caller)

    @require_roles("admin")
    @blp.arguments(ModelInputSchema)
    @blp.response(200, ModelSchema)
    @documents_problems(blp, 404, 422)
    @honours_if_match(blp)
    def put(self, body, model_id):
        """Replace a model: saved as a new version; existing dossiers keep theirs.

        With ``If-Match`` (the ETag of the current version), 412 when another version was saved since."""
        precondition = if_match(required=app_settings().require_if_match)
        with app_db().transaction() as session:
            caller = current_caller()
            version = models.replace_model(session, caller, model_id, body, precondition=precondition)
            set_etag(models.model_etag(version.model_id, version.version))
            return models.present_model(version, caller)
