"""Solicitations on the agents' side: create (with the key once), list, remind, revoke, cancel, re-issue."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from platform_shared import clock
from platform_shared.auth import Caller
from platform_shared.db import get_or_404
from platform_shared.errors import ValidationFailed
from platform_shared.etag import Precondition, row_etag
from platform_shared.messaging.sealed import seal
from platform_shared.pagination import keyset_page

from ..db import AnswerVersion, DossierState, Partner, Solicitation, SolicitationOpenStatus
from ..domain.errors import DossierClosed, SolicitationClosed
from ..domain.rules import (
    CANNOT_ACT_REASONS,
    ENDED_STATES,
    display_state,
    due_for_automatic_reminder,
    key_expiry,
    needs_answer,
    why_partner_cannot_act,
    within_quiet_period,
)
from . import audit, dossier_copy, keys, visibility
from .events import publish
from .partners import solicitable_partner


def get_solicitation(session: Session, solicitation_id: str, *, for_update: bool = False) -> Solicitation:
    solicitation = get_or_404(
        session, Solicitation, solicitation_id, "No such solicitation.", with_for_update=for_update or None
    )
    return solicitation


def model_status_codes(model: dict[str, Any]) -> set[str]:
    return {status["code"] for status in model.get("statuses") or []}


def check_open_statuses(open_statuses: list[str], model: dict[str, Any]) -> None:
    """422 naming every open status that is not a status of the dossier's model."""
    known = model_status_codes(model)
    unknown = sorted(set(open_statuses) - known)
    if unknown:
        raise ValidationFailed(
            "Some open statuses are not statuses of the dossier's model: " + ", ".join(unknown),
            errors={
                "open_statuses": [f"Unknown status '{code}'; one of: {', '.join(sorted(known))}." for code in unknown]
            },
        )


def check_due_date(due_date) -> None:
    if due_date < clock.today():
        raise ValidationFailed("The due date is in the past.", errors={"due_date": ["Must be today or later."]})


def create_solicitation(
    session: Session, caller: Caller, dossier: dict[str, Any], body: dict, settings, model: dict[str, Any]
) -> tuple[Solicitation, Partner, str | None]:
    """A new solicitation; an external partner's key is returned here and only here."""
    if dossier.get("closed"):
        raise DossierClosed()
    check_due_date(body["due_date"])
    check_open_statuses(body["open_statuses"], model)
    partner = solicitable_partner(session, body.pop("partner_id", None), body.pop("person_id", None))
    dossier_copy.seed_from_dossier(session, dossier)
    open_statuses = sorted(set(body.pop("open_statuses")))
    solicitation = Solicitation(
        id=clock.new_id(),
        dossier_id=dossier["id"],
        partner_id=partner.id,
        open_statuses=open_statuses,
        state="attached" if partner.kind == "internal" else "pending",
        partner_sub=partner.agent_sub if partner.kind == "internal" else None,
        reminder_count=0,
        auto_reminded=False,
        created_by=caller.sub,
        created_at=clock.now(),
        **body,
    )
    session.add(solicitation)
    session.flush()
    session.add_all(SolicitationOpenStatus(solicitation_id=solicitation.id, status=status) for status in open_statuses)
    key = None
    data = {
        "solicitation_id": solicitation.id,
        "dossier_id": solicitation.dossier_id,
        "partner_id": partner.id,
        "partner_kind": partner.kind,
        "partner_name": partner.name,
        "partner_email": partner.email,
        "partner_sub": partner.agent_sub,
        "type": solicitation.type,
        "scope": solicitation.scope,
        "due_date": solicitation.due_date.isoformat(),
        "instructions": solicitation.instructions,
        "open_statuses": open_statuses,
        "key_expires_at": None,
        "assignee_sub": dossier.get("assignee_sub"),
    }
    if partner.kind == "external":
        expires_at = key_expiry(solicitation.due_date, settings.key_grace_days)
        key = keys.issue(session, "solicitation", solicitation.id, expires_at)
        data.update(sealed_key=seal(key, settings.event_secret_key), key_expires_at=clock.isoformat(expires_at))
    publish(session, "solicitation.created", data, caller.as_actor())
    audit.record(
        session,
        caller,
        solicitation.dossier_id,
        "solicitation.created",
        solicitation.id,
        partner_id=partner.id,
        type=solicitation.type,
    )
    return solicitation, partner, key


def submitted_answers(session: Session, solicitation_id: str) -> list[AnswerVersion]:
    return list(
        session.execute(
            select(AnswerVersion)
            .where(AnswerVersion.solicitation_id == solicitation_id, AnswerVersion.submitted.is_(True))
            .order_by(AnswerVersion.version)
        ).scalars()
    )


def present_for_staff(session: Session, solicitation: Solicitation) -> dict[str, Any]:
    partner = session.get(Partner, solicitation.partner_id)
    expires_at = keys.expiry_of(session, solicitation.id) if partner.kind == "external" else None
    return {
        **present_solicitation(solicitation),
        "partner": partner,
        "partner_sub": solicitation.partner_sub,
        "state": display_state(solicitation.state, expires_at, clock.now()),
        "key_expires_at": expires_at,
        "reminded_at": solicitation.reminded_at,
        "reminder_count": solicitation.reminder_count,
        "attached_at": solicitation.attached_at,
        "answered_at": solicitation.answered_at,
        "declined_at": solicitation.declined_at,
        "decline_reason": solicitation.decline_reason,
        "changed_at": solicitation.changed_at,
        "answers": submitted_answers(session, solicitation.id),
        "created_at": solicitation.created_at,
    }


def present_solicitation(solicitation: Solicitation) -> dict[str, Any]:
    """What the partner is told about their own solicitation."""
    return {
        "id": solicitation.id,
        "dossier_id": solicitation.dossier_id,
        "type": solicitation.type,
        "scope": solicitation.scope,
        "due_date": solicitation.due_date,
        "instructions": solicitation.instructions,
        "open_statuses": solicitation.open_statuses,
        "confidential": solicitation.confidential,
        "state": solicitation.state,
        "bound_to_email": solicitation.bound_to_email,
    }


def present_list_item(session: Session, solicitation: Solicitation) -> dict[str, Any]:
    """One line of a partner's ``GET /me/dossiers``, from the local copy only (no call to another service)."""
    state = session.get(DossierState, solicitation.dossier_id)
    closed = bool(state and state.closed)
    return {
        "dossier_id": solicitation.dossier_id,
        "reference": state.reference if state else None,
        "title": state.title if state else None,
        "status": state.status if state else None,
        "status_label": (state.status_label or state.status) if state else None,
        "due_date": solicitation.due_date,
        "solicitation_type": solicitation.type,
        "solicitation_state": solicitation.state,
        "answer_expected": needs_answer(solicitation.state) and not closed,
        "read_only": closed,
        "solicitation": present_solicitation(solicitation),
    }


def list_for_dossier(session: Session, dossier_id: str, *, limit: int, cursor: str | None):
    statement = select(Solicitation).where(Solicitation.dossier_id == dossier_id)
    return keyset_page(session, statement, [Solicitation.created_at, Solicitation.id], limit=limit, cursor=cursor)


def list_for_internal_partner(session: Session, agent_sub: str, *, limit: int, cursor: str | None):
    statement = (
        select(Solicitation)
        .join(Partner, Partner.id == Solicitation.partner_id)
        .where(Partner.kind == "internal", Partner.agent_sub == agent_sub)
    )
    return keyset_page(session, statement, [Solicitation.created_at, Solicitation.id], limit=limit, cursor=cursor)


def _remind_one(session: Session, solicitation: Solicitation, actor: dict | None, automatic: bool) -> None:
    partner = session.get(Partner, solicitation.partner_id)
    solicitation.reminded_at = clock.now()
    solicitation.reminder_count += 1
    publish(
        session,
        "solicitation.reminded",
        {
            "solicitation_id": solicitation.id,
            "dossier_id": solicitation.dossier_id,
            "partner_id": partner.id,
            "partner_kind": partner.kind,
            "partner_name": partner.name,
            "partner_email": partner.email,
            "partner_sub": solicitation.partner_sub,
            "due_date": solicitation.due_date.isoformat(),
            "reminder_count": solicitation.reminder_count,
            "automatic": automatic,
        },
        actor,
    )


def why_not_told(session: Session, solicitation: Solicitation) -> str | None:
    """Why the partner must not be told about the solicitation now (they could not act), or None."""
    return why_partner_cannot_act(solicitation.open_statuses, dossier_copy.status_of(session, solicitation.dossier_id))


def remind(
    session: Session, caller: Caller, dossier_id: str, solicitation_ids: list[str] | None, quiet: timedelta
) -> dict[str, Any]:
    """Remind the unanswered solicitations of a dossier (or the given ones), except those reminded recently
    and those whose partner cannot act now (closed dossier, status hidden from partners, solicitation not open
    in the status): each skipped one comes back with its reason."""
    statement = select(Solicitation).where(Solicitation.dossier_id == dossier_id)
    if solicitation_ids:
        statement = statement.where(Solicitation.id.in_(solicitation_ids))
    reminded, skipped = [], []
    for solicitation in session.execute(statement.order_by(Solicitation.created_at)).scalars():
        if not needs_answer(solicitation.state):
            continue
        reason = why_not_told(session, solicitation)
        if reason is None and within_quiet_period(solicitation.reminded_at, clock.now(), quiet):
            reason = "reminded_recently"
        if reason is not None:
            skipped.append({"solicitation_id": solicitation.id, "reason": reason, "detail": SKIP_REASONS[reason]})
            continue
        _remind_one(session, solicitation, caller.as_actor(), automatic=False)
        reminded.append(solicitation.id)
    if reminded:
        audit.record(session, caller, dossier_id, "solicitation.reminded", None, solicitation_ids=reminded)
    return {
        "reminded": len(reminded),
        "skipped": len(skipped),
        "reminded_ids": reminded,
        "skipped_ids": [item["solicitation_id"] for item in skipped],
        "skipped_details": skipped,
    }


SKIP_REASONS = {**CANNOT_ACT_REASONS, "reminded_recently": "Reminded within the quiet period."}


def remind_automatically(session: Session, days_before: int, quiet: timedelta) -> int:
    """The worker's pass: each unanswered solicitation due within ``days_before`` days is reminded once."""
    today = clock.today()
    candidates = session.execute(
        select(Solicitation).where(
            Solicitation.state.in_(("pending", "attached")),
            Solicitation.auto_reminded.is_(False),
            Solicitation.due_date >= today,
            Solicitation.due_date <= today + timedelta(days=days_before),
        )
    ).scalars()
    count = 0
    for solicitation in candidates:
        if not due_for_automatic_reminder(solicitation.due_date, today, days_before):
            continue
        if why_not_told(session, solicitation) is not None:
            continue  # not marked: reminded once the partner can act again, if still before the due date
        solicitation.auto_reminded = True
        if within_quiet_period(solicitation.reminded_at, clock.now(), quiet):
            continue
        _remind_one(session, solicitation, None, automatic=True)
        count += 1
    return count


def _end(session: Session, caller: Caller, solicitation_id: str, state: str) -> Solicitation:
    solicitation = get_solicitation(session, solicitation_id)
    if solicitation.state in ENDED_STATES:
        raise SolicitationClosed(solicitation.state)
    solicitation.state = state
    keys.withdraw(session, solicitation.id)
    event = "solicitation.revoked" if state == "revoked" else "solicitation.cancelled"
    publish(
        session,
        event,
        {
            "solicitation_id": solicitation.id,
            "dossier_id": solicitation.dossier_id,
            "partner_sub": solicitation.partner_sub,
        },
        caller.as_actor(),
    )
    audit.record(session, caller, solicitation.dossier_id, event, solicitation.id)
    return solicitation


def revoke(session: Session, caller: Caller, solicitation_id: str) -> Solicitation:
    """The partner loses access at once; answers already given stay visible to staff."""
    return _end(session, caller, solicitation_id, "revoked")


def cancel(session: Session, caller: Caller, solicitation_id: str) -> Solicitation:
    return _end(session, caller, solicitation_id, "cancelled")


def reissue_key(session: Session, caller: Caller, solicitation_id: str, settings) -> tuple[Solicitation, str, datetime]:
    """A new key for an external partner not attached yet (lost or expired key); the old key stops working."""
    solicitation = get_solicitation(session, solicitation_id)
    partner = session.get(Partner, solicitation.partner_id)
    if partner.kind != "external":
        raise ValidationFailed("An internal partner has no key.", errors={"solicitation_id": ["Internal partner."]})
    if solicitation.state != "pending":
        raise SolicitationClosed(solicitation.state)
    expires_at = max(
        key_expiry(solicitation.due_date, settings.key_grace_days),
        clock.now() + timedelta(days=settings.key_grace_days),
    )
    key = keys.issue(session, "solicitation", solicitation.id, expires_at)
    publish(
        session,
        "solicitation.key_reissued",
        {
            "solicitation_id": solicitation.id,
            "dossier_id": solicitation.dossier_id,
            "partner_name": partner.name,
            "partner_email": partner.email,
            "sealed_key": seal(key, settings.event_secret_key),
            "key_expires_at": clock.isoformat(expires_at),
        },
        caller.as_actor(),
    )
    audit.record(session, caller, solicitation.dossier_id, "solicitation.key_reissued", solicitation.id)
    return solicitation, key, expires_at


CHANGEABLE = ("due_date", "instructions", "scope", "open_statuses")


def change(
    session: Session,
    caller: Caller,
    solicitation_id: str,
    body: dict[str, Any],
    model: dict[str, Any],
    settings,
    *,
    precondition: Precondition | None = None,
) -> Solicitation:
    """Change a sent solicitation (due date, instructions, scope, open statuses): 409 once answered, declined or
    ended; the partner is told (``solicitation.changed``) when they can act on it. ``precondition`` (If-Match)
    is checked on the locked row before anything else: 412 when its tag is no longer the current one."""
    solicitation = get_solicitation(session, solicitation_id, for_update=True)
    if precondition is not None:
        precondition.check(row_etag(solicitation))
    if solicitation.state in (*ENDED_STATES, "answered"):
        raise SolicitationClosed(solicitation.state)
    if "due_date" in body:
        check_due_date(body["due_date"])
    if "open_statuses" in body:
        check_open_statuses(body["open_statuses"], model)
        body["open_statuses"] = sorted(set(body["open_statuses"]))
    changed = [name for name in CHANGEABLE if name in body and getattr(solicitation, name) != body[name]]
    if not changed:
        return solicitation
    for name in changed:
        setattr(solicitation, name, body[name])
    if "open_statuses" in changed:
        session.execute(delete(SolicitationOpenStatus).where(SolicitationOpenStatus.solicitation_id == solicitation.id))
        session.add_all(
            SolicitationOpenStatus(solicitation_id=solicitation.id, status=status)
            for status in solicitation.open_statuses
        )
    if "due_date" in changed and solicitation.state == "pending":
        keys.extend_unused(session, solicitation.id, key_expiry(solicitation.due_date, settings.key_grace_days))
    solicitation.changed_at = clock.now()
    partner = session.get(Partner, solicitation.partner_id)
    session.flush()
    reason = why_not_told(session, solicitation)
    publish(
        session,
        "solicitation.changed",
        {
            "solicitation_id": solicitation.id,
            "dossier_id": solicitation.dossier_id,
            "partner_id": partner.id,
            "partner_kind": partner.kind,
            "partner_name": partner.name,
            "partner_email": partner.email,
            "partner_sub": solicitation.partner_sub,
            "changed_fields": changed,
            "due_date": solicitation.due_date.isoformat(),
            "instructions": solicitation.instructions,
            "scope": solicitation.scope,
            "open_statuses": solicitation.open_statuses,
            "notify": reason is None,
            "not_told_because": reason,
        },
        caller.as_actor(),
    )
    audit.record(session, caller, solicitation.dossier_id, "solicitation.changed", solicitation.id, fields=changed)
    return solicitation


def decline(session: Session, caller: Caller, solicitation_id: str, reason: str) -> Solicitation:
    """The partner declines, with a reason the agent reads; the solicitation ends (no reminder, no access)."""
    session.get(Solicitation, solicitation_id, with_for_update=True)
    solicitation = visibility.acting_solicitation(session, caller, solicitation_id)
    if solicitation.state == "answered":
        raise SolicitationClosed(solicitation.state)
    solicitation.state, solicitation.declined_at, solicitation.decline_reason = "declined", clock.now(), reason
    partner = session.get(Partner, solicitation.partner_id)
    publish(
        session,
        "solicitation.declined",
        {
            "solicitation_id": solicitation.id,
            "dossier_id": solicitation.dossier_id,
            "partner_id": partner.id,
            "partner_name": partner.name,
            "partner_sub": caller.sub,
            "reason": reason,
        },
        caller.as_actor(),
    )
    audit.record(session, caller, solicitation.dossier_id, "solicitation.declined", solicitation.id, reason=reason)
    return solicitation
