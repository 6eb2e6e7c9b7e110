"""Expenses, activities and the third parties' view of the workspace (``/api/v1``)."""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

from platform_shared.auth import current_caller, require_roles
from platform_shared.openapi import problems
from platform_shared.pagination import PageArgsSchema, page_schema
from platform_shared.web import app_db, app_settings

from ..clients import documents_gateway
from ..services import activities, expenses, third_party_workspace
from .schemas import documents_problems
from .workspace_schemas import (
    ActivityCreateSchema,
    ActivitySchema,
    ActivityTotalsSchema,
    ExpenseCreateSchema,
    ExpenseSchema,
    ThirdPartyArgsSchema,
    ThirdPartyWorkspaceSchema,
)

blp = Blueprint("expenses", __name__, url_prefix="/api/v1", description="Expenses, activities")
READERS = ("agent", "client", "service")


@blp.route("/dossiers/<dossier_id>/expenses")
class Expenses(MethodView):
    @require_roles("agent")
    @blp.arguments(ExpenseCreateSchema)
    @blp.response(201, ExpenseSchema)
    @documents_problems(blp, 403, 404, 409, 422)
    @problems(503)
    def post(self, body, dossier_id):
        """Record an expense (amount before VAT, a configured VAT rate, billable or not, its receipt: a document
        of this dossier in the documents service, 422 naming ``receipt_document_id`` otherwise)."""
        caller = current_caller()
        with app_db().read_only() as session:
            expenses.check_open(session, caller, dossier_id)
        expenses.check_receipt(documents_gateway(), dossier_id, body.get("receipt_document_id"))
        with app_db().transaction() as session:
            return expenses.record(session, current_caller(), dossier_id, body, app_settings())

    @require_roles(*READERS)
    @blp.arguments(PageArgsSchema, location="query")
    @blp.response(200, page_schema(ExpenseSchema))
    @documents_problems(blp, 403, 404)
    def get(self, page, dossier_id):
        """The dossier's expenses by date; the client side sees only those billed to them."""
        with app_db().read_only() as session:
            return expenses.list_expenses(session, current_caller(), dossier_id, **page)


@blp.route("/expenses/<expense_id>")
class ExpenseById(MethodView):
    @require_roles(*READERS)
    @blp.response(200, ExpenseSchema)
    @documents_problems(blp, 403, 404)
    def get(self, expense_id):
        """One expense (404 for the client side unless billed to them)."""
        with app_db().read_only() as session:
            return expenses.get_expense(session, current_caller(), expense_id)


@blp.route("/dossiers/<dossier_id>/activities")
class Activities(MethodView):
    @require_roles("agent")
    @blp.arguments(ActivityCreateSchema)
    @blp.response(201, ActivitySchema)
    @documents_problems(blp, 403, 404, 409, 422)
    def post(self, body, dossier_id):
        """Log time spent on an order of the dossier (422 for another dossier's order, 409 for a cancelled one)."""
        with app_db().transaction() as session:
            return activities.log(session, current_caller(), dossier_id, body)

    @require_roles(*READERS)
    @blp.arguments(PageArgsSchema, location="query")
    @blp.response(200, page_schema(ActivitySchema))
    @documents_problems(blp, 403, 404)
    def get(self, page, dossier_id):
        """The detail of the time spent, by date."""
        with app_db().read_only() as session:
            return activities.list_activities(session, current_caller(), dossier_id, **page)


@blp.route("/dossiers/<dossier_id>/activity-totals")
class ActivityTotals(MethodView):
    @require_roles(*READERS)
    @blp.response(200, ActivityTotalsSchema)
    @documents_problems(blp, 403, 404)
    def get(self, dossier_id):
        """Minutes per order and for the whole dossier."""
        with app_db().read_only() as session:
            return activities.totals(session, current_caller(), dossier_id)


@blp.route("/dossiers/<dossier_id>/third-party-workspace")
class ThirdPartyWorkspace(MethodView):
    @require_roles("service")
    @blp.arguments(ThirdPartyArgsSchema, location="query")
    @blp.response(200, ThirdPartyWorkspaceSchema)
    @documents_problems(blp, 403, 404)
    def get(self, args, dossier_id):
        """For the partner-gateway: what the attached third party ``sub`` sees (participants: no financial
        items; contributors: nothing of the workspace). 404 when ``sub`` is no third party of the dossier."""
        with app_db().read_only() as session:
            return third_party_workspace.workspace_for(session, current_caller(), dossier_id, args["sub"])
