"""``/api/v1/deliveries`` (admin): every email intent, its status, attempts and last error."""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

from platform_shared.auth import require_roles
from platform_shared.pagination import page_schema
from platform_shared.web import app_db

from ..domain import feed
from .schemas import DeliveryListArgsSchema, DeliverySchema

blp = Blueprint("deliveries", __name__, url_prefix="/api/v1/deliveries", description="Email deliveries (admin)")


@blp.route("")
class Deliveries(MethodView):
    @require_roles("admin")
    @blp.arguments(DeliveryListArgsSchema, location="query")
    @blp.response(200, page_schema(DeliverySchema))
    def get(self, args):
        """Deliveries, newest first, filtered by event id, recipient, status, dossier, event type."""
        limit, cursor = args.pop("limit"), args.pop("cursor")
        with app_db().read_only() as session:
            items, next_cursor = feed.deliveries_page(session, args, limit=limit, cursor=cursor)
            return {"items": [feed.row_dict(item) for item in items], "next_cursor": next_cursor}
