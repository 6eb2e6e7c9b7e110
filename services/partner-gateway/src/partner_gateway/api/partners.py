"""``/api/v1/partners``: the partners agents may solicit."""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import fields, validate

from platform_shared.auth import current_caller, require_roles
from platform_shared.pagination import PageArgsSchema, page_schema, split_page_args
from platform_shared.web import app_db

from ..services import partners
from .schemas import PartnerSchema

blp = Blueprint("partners", __name__, url_prefix="/api/v1/partners", description="Partners (agents)")


class PartnerListArgsSchema(PageArgsSchema):
    kind = fields.String(load_default=None, validate=validate.OneOf(("internal", "external")))
    person_id = fields.String(
        load_default=None,
        validate=validate.Length(min=1, max=36),
        metadata={"description": "The partners linked to this directory person."},
    )


@blp.route("")
class Partners(MethodView):
    @require_roles("agent")
    @blp.arguments(PartnerSchema)
    @blp.response(201, PartnerSchema)
    def post(self, body):
        """Register a partner (internal: an agent by ``agent_sub``; external: acts from the portal)."""
        with app_db().transaction() as session:
            return partners.with_person_names(session, [partners.create_partner(session, current_caller(), body)])[0]

    @require_roles("agent")
    @blp.arguments(PartnerListArgsSchema, location="query")
    @blp.response(200, page_schema(PartnerSchema))
    def get(self, args):
        """List partners, oldest first."""
        with app_db().read_only() as session:
            page, filters = split_page_args(args)
            found = partners.list_partners(session, filters, **page)
            partners.with_person_names(session, found.items)
            return found
