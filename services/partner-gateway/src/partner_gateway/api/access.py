"""``GET /api/v1/access``: what a third party may see on a dossier now (service tokens only)."""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from platform_shared.auth import require_roles
from platform_shared.web import app_db

from ..services import visibility

blp = Blueprint("access", __name__, url_prefix="/api/v1/access", description="Third-party access (services)")


class AccessArgsSchema(Schema):
    dossier_id = fields.String(required=True, validate=validate.Length(min=1, max=36))
    sub = fields.String(required=True, validate=validate.Length(min=1, max=200))


class AccessSchema(Schema):
    """What ``sub`` may see on the dossier now: attached, not revoked, dossier open and (partners) status visible."""

    dossier_id = fields.String()
    sub = fields.String()
    partner = fields.Boolean()
    solicitation_ids = fields.List(fields.String())
    contributor_roles = fields.List(fields.String())
    participant = fields.Boolean()


@blp.route("")
class Access(MethodView):
    @require_roles("service")
    @blp.arguments(AccessArgsSchema, location="query")
    @blp.response(200, AccessSchema)
    def get(self, args):
        """What a third party may see on a dossier now (the documents service asks before serving a file)."""
        with app_db().read_only() as session:
            return visibility.access_now(session, args["dossier_id"], args["sub"])
