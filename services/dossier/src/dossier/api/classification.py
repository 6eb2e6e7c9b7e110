"""``/api/v1/categories`` and ``/api/v1/classification-rules``: what portal requests are classified into, and how
(admins configure; staff read)."""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from platform_shared.auth import current_caller, require_roles
from platform_shared.web import app_db

from ..services import classification
from .schemas import KINDS, documents_problems

blp = Blueprint("classification", __name__, url_prefix="/api/v1", description="Categories and classification rules")

CODE = validate.Length(min=1, max=64)


class CategorySchema(Schema):
    """A category (corporate, litigation, intellectual property...): its code and the label people read."""

    code = fields.String(required=True, validate=CODE)
    label = fields.String(required=True, validate=validate.Length(min=1, max=200))


class CategoryListSchema(Schema):
    items = fields.List(fields.Nested(CategorySchema))


class ClassificationRuleSchema(Schema):
    """Keywords looked for in a portal request's title, description and chosen ``fields`` -> a ``category`` (one of
    the configured ones; 422 otherwise). Rules are tried by ``position``, then age; the first match wins."""

    id = fields.String(dump_only=True)
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    category = fields.String(required=True, validate=CODE)
    keywords = fields.List(
        fields.String(validate=validate.Length(min=1, max=100)),
        required=True,
        validate=validate.Length(min=1, max=100),
        metadata={"description": "Matched at the start of a word, case and accents ignored."},
    )
    fields_ = fields.List(
        fields.String(validate=validate.Length(min=1, max=64)),
        data_key="fields",
        attribute="fields",
        load_default=list,
        validate=validate.Length(max=50),
        metadata={"description": "Keys of the request's fields whose values are searched too."},
    )
    kinds = fields.List(
        fields.String(validate=validate.OneOf(KINDS)),
        load_default=list,
        metadata={"description": "Request kinds it applies to (none: all)."},
    )
    position = fields.Integer(load_default=100, validate=validate.Range(min=0, max=100000))
    created_at = fields.DateTime(dump_only=True)
    updated_at = fields.DateTime(dump_only=True)


class RuleListSchema(Schema):
    items = fields.List(fields.Nested(ClassificationRuleSchema))


@blp.route("/categories")
class Categories(MethodView):
    @require_roles("agent", "client", "service")
    @blp.response(200, CategoryListSchema)
    def get(self):
        """The configured categories, in their order."""
        with app_db().read_only() as session:
            return {"items": classification.list_categories(session)}

    @require_roles("admin")
    @blp.arguments(CategorySchema(many=True))
    @blp.response(200, CategoryListSchema)
    @documents_problems(blp, 422)
    def put(self, entries):
        """Replace the list of categories (admin); one a classification rule uses cannot be removed (422)."""
        with app_db().transaction() as session:
            return {"items": classification.replace_categories(session, entries)}


@blp.route("/classification-rules")
class ClassificationRules(MethodView):
    @require_roles("agent")
    @blp.response(200, RuleListSchema)
    def get(self):
        """The classification rules, in the order they are tried."""
        with app_db().read_only() as session:
            return {"items": classification.list_rules(session)}

    @require_roles("admin")
    @blp.arguments(ClassificationRuleSchema)
    @blp.response(201, ClassificationRuleSchema)
    @documents_problems(blp, 422)
    def post(self, body):
        """Add a rule (admin); 422 for a category that is not configured."""
        with app_db().transaction() as session:
            return classification.create_rule(session, current_caller(), body)


@blp.route("/classification-rules/<classification_rule_id>")
class ClassificationRuleById(MethodView):
    @require_roles("agent")
    @blp.response(200, ClassificationRuleSchema)
    @documents_problems(blp, 404)
    def get(self, classification_rule_id):
        """A classification rule."""
        with app_db().read_only() as session:
            return classification.get_rule(session, classification_rule_id)

    @require_roles("admin")
    @blp.arguments(ClassificationRuleSchema)
    @blp.response(200, ClassificationRuleSchema)
    @documents_problems(blp, 404, 422)
    def put(self, body, classification_rule_id):
        """Replace a rule (admin); 422 for a category that is not configured."""
        with app_db().transaction() as session:
            return classification.replace_rule(session, classification_rule_id, body)

    @require_roles("admin")
    @blp.response(200, ClassificationRuleSchema)
    @documents_problems(blp, 404)
    def delete(self, classification_rule_id):
        """Delete a rule (dossiers it classified keep their category); answers the rule deleted."""
        with app_db().transaction() as session:
            return classification.delete_rule(session, classification_rule_id)
