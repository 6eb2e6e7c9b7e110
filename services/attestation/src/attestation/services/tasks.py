"""Validation tasks: listing them, and approving or rejecting one exactly once.

A decision first claims the task (``open`` -> ``deciding`` in one conditional UPDATE), then
calls the documents service, then records the outcome: two concurrent decisions cannot both
act on the document. If the documents call fails the claim is released; a claim abandoned by a
dead process expires after ``DECISION_LEASE``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import timedelta

from sqlalchemy import and_, or_, select, update
from sqlalchemy.orm import Session

from platform_shared import clock
from platform_shared.auth import Caller
from platform_shared.db import Database, get_or_404
from platform_shared.messaging.outbox import record_event
from platform_shared.pagination import keyset_page

from .. import SERVICE_NAME
from ..clients import DocumentsGateway
from ..db import AttestationRequest, ValidationTask
from ..domain.errors import InvalidAssignee, NotAValidator, TaskAlreadyDecided
from ..domain.validation import may_be_assigned, may_decide
from .requests import client_fields

# A claim older than this was left by a process that died mid-decision: the task may be decided again
# (both documents calls are safe to repeat: sharing twice, or deleting what is already gone).
DECISION_LEASE = timedelta(minutes=5)


def list_tasks(session: Session, filters: Mapping, *, limit: int, cursor: str | None):
    """Newest first; by state, assignee (``assignee``), product (``product_id``) and contract."""
    statement = select(ValidationTask)
    if filters.get("state"):
        wanted = ("open", "deciding") if filters["state"] == "open" else (filters["state"],)
        statement = statement.where(ValidationTask.state.in_(wanted))
    for name, column in (
        ("contract_id", ValidationTask.contract_id),
        ("product_id", ValidationTask.product_id),
        ("assignee", ValidationTask.assignee_sub),
    ):
        if filters.get(name):
            statement = statement.where(column == filters[name])
    return keyset_page(
        session, statement, [ValidationTask.created_at, ValidationTask.id], limit=limit, cursor=cursor, descending=True
    )


def get_task(session: Session, task_id: str) -> ValidationTask:
    task = get_or_404(session, ValidationTask, task_id, "No such validation task.")
    return task


def update_task(session: Session, caller: Caller, task_id: str, changes: Mapping) -> ValidationTask:
    """Reassign an open task (to one of its validators) or move its due date; 409 once decided."""
    task = get_task(session, task_id)
    if task.shown_state != "open":
        raise TaskAlreadyDecided()
    if "assignee_sub" in changes:
        assignee = changes["assignee_sub"]
        if assignee is not None and not may_be_assigned(assignee, task.validator_subs, task.validator_role):
            raise InvalidAssignee()
        task.assignee_sub = assignee
    if "due_date" in changes:
        task.due_date = changes["due_date"]
    return task


def _claim(db: Database, caller: Caller, task_id: str) -> str:
    """Reserve the task for this decision; returns its document id."""
    with db.transaction() as session:
        task = get_task(session, task_id)
        if not may_decide(caller, task.validator_subs, task.validator_role):
            raise NotAValidator()
        now = clock.now()
        abandoned = and_(ValidationTask.state == "deciding", ValidationTask.decided_at < now - DECISION_LEASE)
        claimed = session.execute(
            update(ValidationTask)
            .where(
                ValidationTask.id == task_id,
                or_(ValidationTask.state == "open", abandoned),
            )
            .values(state="deciding", decided_at=now)
        ).rowcount
        if not claimed:
            raise TaskAlreadyDecided()
        return task.document_id


def _release(db: Database, task_id: str) -> None:
    with db.transaction() as session:
        session.execute(
            update(ValidationTask)
            .where(ValidationTask.id == task_id, ValidationTask.state == "deciding")
            .values(state="open", decided_at=None)
        )


def _record_decision(session: Session, caller: Caller, task_id: str, state: str, comment: str | None) -> tuple:
    task = get_task(session, task_id)
    task.state, task.comment = state, comment
    task.decided_by, task.decided_at = caller.sub, clock.now()
    request = session.get(AttestationRequest, task.request_id)
    request.state, request.updated_at = state, clock.now()
    return task, request


def _decide(
    db: Database, caller: Caller, task_id: str, state: str, comment: str | None, act_on_document: Callable[[str], None]
) -> ValidationTask:
    """Claim the task, act on its document in the documents service (the claim is released if that fails),
    then record the decision and ``attestation.<state>`` in one transaction."""
    document_id = _claim(db, caller, task_id)
    try:
        act_on_document(document_id)
    except Exception:
        _release(db, task_id)
        raise
    with db.transaction() as session:
        task, request = _record_decision(session, caller, task_id, state, comment)
        # The client reads a rejection's comment (``reason``); an approval's stays with staff.
        if state == "approved":
            outcome = {
                "document_id": task.document_id,
                "filename": request.document_filename,
                "valid_until": request.valid_until.isoformat() if request.valid_until else None,
            }
        else:
            outcome = {"reason": comment}
        record_event(
            session,
            f"attestation.{state}",
            {
                "request_id": request.id,
                "task_id": task.id,
                "contract_id": task.contract_id,
                "title": request.title,
                **outcome,
                **client_fields(request),
            },
            producer=SERVICE_NAME,
            aggregate_id=request.id,
            actor=caller.as_actor(),
        )
        return task


def approve(
    db: Database, gateway: DocumentsGateway, caller: Caller, task_id: str, comment: str | None
) -> ValidationTask:
    """The generated attestation becomes visible to the client; ``attestation.approved``."""
    return _decide(db, caller, task_id, "approved", comment, gateway.share_with_client)


def reject(
    db: Database, gateway: DocumentsGateway, caller: Caller, task_id: str, comment: str | None
) -> ValidationTask:
    """Every rendition of the attestation is destroyed in the documents service; ``attestation.rejected``
    carries the comment, which the client is shown."""
    return _decide(db, caller, task_id, "rejected", comment, gateway.destroy)
