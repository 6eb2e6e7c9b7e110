"""``/api/v1/deliveries`` (admin): every email intent, its status, attempts and last error."""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

from platform_shared.auth import require_roles
from platform_shared.pagination import page_schema, split_page_args
from platform_shared.web import app_db

from ..services import feed
from .schemas import DeliveryListArgsSchema, DeliverySchema

blp = Blueprint("deliveries", __name__, url_prefix="/api/v1/deliveries", description="Email deliveries (admin)")


@blp.route("")
class Deliveries(MethodView):
    @require_roles("admin")
    @blp.arguments(DeliveryListArgsSchema, location="query")
    @blp.response(200, page_schema(DeliverySchema))
    def get(self, args):
        """Deliveries, newest first, filtered by event id, recipient, status, dossier, event type."""
        page, filters = split_page_args(args)
        with app_db().read_only() as session:
            return feed.deliveries_page(session, filters, **page)
