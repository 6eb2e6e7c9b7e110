"""``/api/v1/rules`` (admin): configured rules and the built-in ones, which can be switched off and on."""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

from platform_shared.auth import current_caller, require_roles
from platform_shared.web import app_db

from ..services import administration
from .schemas import RuleCreateSchema, RuleListSchema, RuleSchema

blp = Blueprint("rules", __name__, url_prefix="/api/v1/rules", description="Notification rules (admin)")


@blp.route("")
class Rules(MethodView):
    @require_roles("admin")
    @blp.arguments(RuleCreateSchema)
    @blp.response(201, RuleSchema)
    def post(self, body):
        """Add a rule: event type, filters, recipients, channel, template."""
        with app_db().transaction() as session:
            return administration.present_rule(administration.create_rule(session, current_caller(), body))

    @require_roles("admin")
    @blp.response(200, RuleListSchema)
    def get(self):
        """Every rule: the built-in ones (with their switch) then the configured ones."""
        with app_db().read_only() as session:
            return {"items": administration.list_rules(session), "next_cursor": None}


@blp.route("/<rule_id>")
class RuleById(MethodView):
    @require_roles("admin")
    @blp.response(200, RuleSchema)
    def get(self, rule_id):
        """One rule."""
        with app_db().read_only() as session:
            return administration.get_rule(session, rule_id)

    @require_roles("admin")
    @blp.response(204)
    def delete(self, rule_id):
        """Delete a configured rule; for a built-in rule (``builtin:<name>``), switch it off."""
        with app_db().transaction() as session:
            administration.delete_rule(session, current_caller(), rule_id)


@blp.route("/<rule_id>/enable")
class RuleEnable(MethodView):
    @require_roles("admin")
    @blp.response(200, RuleSchema)
    def post(self, rule_id):
        """Switch a built-in rule back on."""
        with app_db().transaction() as session:
            return administration.switch_builtin(session, current_caller(), rule_id, True)
