"""``/api/v1/notifications``: the signed-in user's in-app feed."""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

from platform_shared.auth import current_caller, require_roles
from platform_shared.pagination import PageArgsSchema
from platform_shared.web import app_db

from ..services import feed
from .schemas import NotificationPageSchema, NotificationSchema, UnreadCountSchema

blp = Blueprint("notifications", __name__, url_prefix="/api/v1/notifications", description="In-app feed")
PEOPLE = ("agent", "client", "partner")


@blp.route("")
class Notifications(MethodView):
    @require_roles(*PEOPLE)
    @blp.arguments(PageArgsSchema, location="query")
    @blp.response(200, NotificationPageSchema)
    def get(self, args):
        """The caller's notifications: unread first, then newest first, with the unread count."""
        sub = current_caller().sub
        with app_db().read_only() as session:
            page = feed.feed_page(session, sub, **args)
            return {**page._asdict(), "unread_count": feed.unread_count(session, sub)}


@blp.route("/unread-count")
class UnreadCount(MethodView):
    @require_roles(*PEOPLE)
    @blp.response(200, UnreadCountSchema)
    def get(self):
        """How many of the caller's notifications are unread."""
        with app_db().read_only() as session:
            return {"unread_count": feed.unread_count(session, current_caller().sub)}


@blp.route("/<notification_id>/read")
class MarkRead(MethodView):
    @require_roles(*PEOPLE)
    @blp.response(200, NotificationSchema)
    def post(self, notification_id):
        """Mark one of the caller's notifications read (404 for anyone else's)."""
        with app_db().transaction() as session:
            return feed.mark_read(session, current_caller().sub, notification_id)
