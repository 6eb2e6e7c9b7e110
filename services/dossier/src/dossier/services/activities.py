"""Activities: time spent on an order of the dossier (who, date, duration, description), with totals per order
and per dossier. The client side and participants read the detail."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from platform_shared import clock
from platform_shared.auth import Caller
from platform_shared.messaging.outbox import record_event
from platform_shared.pagination import Page, keyset_page

from .. import SERVICE_NAME
from ..domain.workspace import timeline_visibility
from ..domain.workspace_errors import NotEditable, invalid
from ..workspace_db import Activity, FinanceDocument
from . import timeline
from .finance import order_of_dossier
from .workspace_access import display_name, readable_dossier, writable_dossier


def hours(minutes: int) -> str:
    return f"{minutes // 60}h{minutes % 60:02d}"


def log(session: Session, caller: Caller, dossier_id: str, body: dict[str, Any]) -> dict:
    dossier = writable_dossier(session, caller, dossier_id)
    order = order_of_dossier(session, dossier.id, body["order_id"])
    if order is None:
        raise invalid("order_id", "Not an order of this dossier.")
    if order.status == "cancelled":
        raise NotEditable(f"Order {order.number} is cancelled: no time can be logged on it.", "order_id")
    activity = Activity(
        id=clock.new_id(),
        dossier_id=dossier.id,
        order_id=order.id,
        person_sub=body.get("person_sub") or caller.sub,
        person_name=body.get("person_name") or (display_name(caller) if not body.get("person_sub") else None),
        worked_on=body["worked_on"],
        minutes=body["minutes"],
        description=body.get("description") or "",
        created_by=caller.sub,
        created_at=clock.now(),
    )
    session.add(activity)
    session.flush()
    who = activity.person_name or "staff"
    record_event(
        session,
        "activity.logged",
        {
            "activity_id": activity.id,
            "dossier_id": dossier.id,
            "reference": dossier.reference,
            "order_id": order.id,
            "order_number": order.number,
            "person_sub": activity.person_sub,
            "person_name": activity.person_name,
            "worked_on": activity.worked_on.isoformat(),
            "minutes": activity.minutes,
        },
        producer=SERVICE_NAME,
        aggregate_id=dossier.id,
        actor=caller.as_actor(),
    )
    timeline.append(
        session,
        dossier.id,
        "activity_logged",
        f"{hours(activity.minutes)} logged on {order.number} by {who}",
        visibility=timeline_visibility("activity"),
        actor=caller.as_actor(),
        details={"activity_id": activity.id, "order_id": order.id, "actor_name": who},
        subject_id=activity.id,
    )
    return present(activity, order.number)


def present(activity: Activity, order_number: str | None) -> dict:
    return {
        "id": activity.id,
        "dossier_id": activity.dossier_id,
        "order_id": activity.order_id,
        "order_number": order_number,
        "person_name": activity.person_name,
        "worked_on": activity.worked_on,
        "minutes": activity.minutes,
        "duration": hours(activity.minutes),
        "description": activity.description,
        "created_at": activity.created_at,
    }


def _numbers(session: Session, dossier_id: str) -> dict[str, str | None]:
    return dict(
        session.execute(
            select(FinanceDocument.id, FinanceDocument.number).where(
                FinanceDocument.dossier_id == dossier_id, FinanceDocument.kind == "order"
            )
        ).all()
    )


def list_activities(session: Session, caller: Caller, dossier_id: str, *, limit: int, cursor: str | None) -> Page:
    readable_dossier(session, caller, dossier_id, "activity")
    numbers = _numbers(session, dossier_id)
    statement = select(Activity).where(Activity.dossier_id == dossier_id)
    page = keyset_page(session, statement, [Activity.worked_on, Activity.id], limit=limit, cursor=cursor)
    return page.map(lambda activity: present(activity, numbers.get(activity.order_id)))


def all_activities(session: Session, dossier_id: str) -> list[dict]:
    numbers = _numbers(session, dossier_id)
    statement = select(Activity).where(Activity.dossier_id == dossier_id).order_by(Activity.worked_on, Activity.id)
    return [present(activity, numbers.get(activity.order_id)) for activity in session.scalars(statement)]


def totals(session: Session, caller: Caller, dossier_id: str) -> dict:
    readable_dossier(session, caller, dossier_id, "activity")
    return totals_of(session, dossier_id)


def totals_of(session: Session, dossier_id: str) -> dict:
    numbers = _numbers(session, dossier_id)
    rows = session.execute(
        select(Activity.order_id, func.sum(Activity.minutes), func.count())
        .where(Activity.dossier_id == dossier_id)
        .group_by(Activity.order_id)
    ).all()
    orders = sorted(
        (
            {"order_id": order_id, "order_number": numbers.get(order_id), "minutes": int(total), "activities": count}
            for order_id, total, count in rows
        ),
        key=lambda row: row["order_number"] or "",
    )
    minutes = sum(row["minutes"] for row in orders)
    return {"minutes": minutes, "duration": hours(minutes), "orders": orders}
