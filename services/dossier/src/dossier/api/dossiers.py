"""``/api/v1/dossiers``: create and read dossiers."""
from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from platform_shared.auth import current_caller, require_roles
from platform_shared.web import app_db, app_settings

from .. import services

blp = Blueprint("dossiers", __name__, url_prefix="/api/v1/dossiers", description="Dossiers (case files)")


class DossierCreateSchema(Schema):
    title = fields.String(required=True, validate=validate.Length(min=1, max=300))
    description = fields.String(load_default="", validate=validate.Length(max=20000))
    client_sub = fields.String(load_default=None, allow_none=True)
    client_org = fields.String(load_default=None, allow_none=True)


class DossierSchema(Schema):
    id = fields.String()
    reference = fields.String()
    title = fields.String()
    description = fields.String()
    status = fields.String()
    origin = fields.String()
    client_sub = fields.String(allow_none=True)
    client_org = fields.String(allow_none=True)
    created_at = fields.DateTime()


@blp.route("")
class Dossiers(MethodView):
    @require_roles("agent")
    @blp.arguments(DossierCreateSchema)
    @blp.response(201, DossierSchema)
    def post(self, body):
        """Create a dossier."""
        settings = app_settings()
        with app_db().transaction() as session:
            return services.create_dossier(session, current_caller(), reference_prefix=settings.reference_prefix,
                                           **body)
