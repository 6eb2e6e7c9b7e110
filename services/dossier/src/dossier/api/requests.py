"""``/api/v1/requests``: portal requests (a dossier or a contract request), classified by the model's category."""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from platform_shared.auth import current_caller, require_roles
from platform_shared.web import app_db, app_settings

from ..services import dossiers
from .dossiers import present
from .schemas import KINDS, DossierSchema, documents_problems, field_values

blp = Blueprint("requests", __name__, url_prefix="/api/v1/requests", description="Portal requests")


class PortalRequestSchema(Schema):
    """A request from the portal: it becomes a dossier with ``origin: portal`` and the model's category."""

    kind = fields.String(required=True, validate=validate.OneOf(KINDS))
    model_id = fields.String(required=True, validate=validate.Length(min=1, max=36))
    title = fields.String(required=True, validate=validate.Length(min=1, max=300))
    description = fields.String(load_default="", validate=validate.Length(max=20000))
    client_reference = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=100))
    fields_ = field_values(load_default=dict)


@blp.route("")
class PortalRequests(MethodView):
    @require_roles("client")
    @blp.arguments(PortalRequestSchema)
    @blp.response(201, DossierSchema)
    @documents_problems(blp, 404, 422)
    def post(self, body):
        """Submit a portal request (the model must be open to clients)."""
        caller = current_caller()
        with app_db().transaction() as session:
            dossier, model = dossiers.create_dossier(
                session, caller, body, origin="portal", reference_prefix=app_settings().reference_prefix
            )
            return present(session, caller, dossier, model)
