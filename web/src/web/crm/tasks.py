"""Validation tasks: the attestations waiting for a staff decision (prior validation), mine first; open the
generated attestation, approve or reject with a comment (a rejection's comment is what the client reads)."""

from __future__ import annotations

from flask import flash, redirect, request, url_for
from flask_babel import gettext as _

from ..clients import ApiError
from ..identity import signed_in
from ..portal.common import api, page, person
from . import bp
from .common import errors_of, text

TASK_STATES = ("open", "approved", "rejected")


def _items(answer) -> list[dict]:
    return answer.get("items", []) if isinstance(answer, dict) else list(answer or [])


@bp.get("/validation-tasks")
@signed_in("agent")
def validation_tasks():
    state = request.args.get("state") if request.args.get("state") in TASK_STATES else "open"
    mine_only = request.args.get("mine") == "1"
    params = {"state": state, "assignee": person().sub if mine_only else None, "limit": 100}
    tasks = _items(api().get("attestation", "/validation-tasks", params))
    return page("crm/tasks.html", nav="crm-tasks", tasks=tasks, state=state, mine_only=mine_only, states=TASK_STATES)


def task_page(task_id: str, *, status: int = 200, **context):
    calls = api()
    task = calls.get("attestation", f"/validation-tasks/{task_id}")
    found = calls.gather(
        contract=lambda: calls.optional(lambda: calls.get("attestation", f"/contracts/{task['contract_id']}")),
        attestation_request=lambda: calls.optional(
            lambda: calls.get("attestation", f"/attestation-requests/{task['request_id']}")
        ),
    )
    return page(
        "crm/task.html", nav="crm-tasks", task=task, **found, errors=context.pop("errors", {}), **context
    ), status


@bp.get("/validation-tasks/<task_id>")
@signed_in("agent")
def validation_task(task_id: str):
    return task_page(task_id)


@bp.post("/validation-tasks/<task_id>/decision")
@signed_in("agent")
def decide(task_id: str):
    decision = request.form.get("decision")
    comment = text("comment") or None
    if decision not in ("approve", "reject"):
        return task_page(task_id, status=422, errors={"form": _("Approve or reject.")})
    if decision == "reject" and not comment:
        return task_page(task_id, status=422, errors={"comment": _("Say why: the client reads this comment.")})
    try:
        api().post("attestation", f"/validation-tasks/{task_id}/{decision}", {"comment": comment})
    except ApiError as error:
        if error.status not in (403, 409, 422):
            raise
        problems = errors_of(error)
        if error.status == 403:
            problems = {"form": _("Only the task's validators and administrators may decide.")}
        elif error.status == 409:
            problems = {"form": _("This task is already decided.")}
        return task_page(task_id, status=error.status, errors=problems)
    if decision == "approve":
        flash(_("The attestation is approved: the client can download it now."), "success")
    else:
        flash(_("The attestation is rejected; the client is told why."), "success")
    return redirect(url_for("crm.validation_task", task_id=task_id))
