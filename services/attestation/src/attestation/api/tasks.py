"""``/api/v1/validation-tasks``: staff list, approve and reject the requests under prior validation."""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

from platform_shared.auth import current_caller, require_roles
from platform_shared.pagination import page_schema, split_page_args
from platform_shared.web import app_db

from ..clients import documents_gateway
from ..services import tasks
from .schemas import ApproveSchema, RejectSchema, TaskListArgsSchema, TaskPatchSchema, ValidationTaskSchema

blp = Blueprint(
    "validation_tasks",
    __name__,
    url_prefix="/api/v1/validation-tasks",
    description="Prior validation of attestation requests",
)


@blp.route("")
class ValidationTasks(MethodView):
    @require_roles("agent")
    @blp.arguments(TaskListArgsSchema, location="query")
    @blp.response(200, page_schema(ValidationTaskSchema))
    def get(self, args):
        """Validation tasks, newest first (filters: state open/approved/rejected, assignee, product_id, contract_id)."""
        page, filters = split_page_args(args)
        with app_db().read_only() as session:
            return tasks.list_tasks(session, filters, **page)


@blp.route("/<task_id>")
class ValidationTaskById(MethodView):
    @require_roles("agent")
    @blp.response(200, ValidationTaskSchema)
    def get(self, task_id):
        """A validation task with the link to the generated attestation."""
        with app_db().read_only() as session:
            return tasks.get_task(session, task_id)

    @require_roles("agent")
    @blp.arguments(TaskPatchSchema)
    @blp.response(200, ValidationTaskSchema)
    def patch(self, body, task_id):
        """Reassign an open task to one of its validators, or move its due date (409 once decided)."""
        with app_db().transaction() as session:
            return tasks.update_task(session, current_caller(), task_id, body)


@blp.route("/<task_id>/approve")
class Approve(MethodView):
    @require_roles("agent")
    @blp.arguments(ApproveSchema)
    @blp.response(200, ValidationTaskSchema)
    def post(self, body, task_id):
        """Approve, with an optional comment for staff: the attestation becomes visible to the client (409 once
        decided)."""
        return tasks.approve(app_db(), documents_gateway(), current_caller(), task_id, body["comment"])


@blp.route("/<task_id>/reject")
class Reject(MethodView):
    @require_roles("agent")
    @blp.arguments(RejectSchema)
    @blp.response(200, ValidationTaskSchema)
    def post(self, body, task_id):
        """Reject with an optional comment the client is shown: every form of the attestation is destroyed (409 once
        decided)."""
        comment = body["comment"] if body["comment"] is not None else body["reason"]
        return tasks.reject(app_db(), documents_gateway(), current_caller(), task_id, comment)
