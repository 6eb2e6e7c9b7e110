"""Solicitations on the agents' side: create (with the key once), list, remind, revoke, cancel, re-issue."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from platform_shared import clock
from platform_shared.auth import Caller
from platform_shared.db import get_or_404
from platform_shared.errors import ValidationFailed
from platform_shared.messaging.sealed import seal
from platform_shared.pagination import keyset_page

from ..db import AnswerVersion, Partner, Solicitation, SolicitationOpenStatus
from ..domain.errors import DossierClosed, SolicitationClosed
from ..domain.rules import (
    ENDED_STATES,
    display_state,
    due_for_automatic_reminder,
    key_expiry,
    needs_answer,
    within_quiet_period,
)
from . import audit, dossier_copy, keys
from .events import publish
from .partners import get_partner


def get_solicitation(session: Session, solicitation_id: str) -> Solicitation:
    solicitation = get_or_404(session, Solicitation, solicitation_id, "No such solicitation.")
    return solicitation


def create_solicitation(
    session: Session, caller: Caller, dossier: dict[str, Any], body: dict, settings
) -> tuple[Solicitation, Partner, str | None]:
    """A new solicitation; an external partner's key is returned here and only here."""
    if dossier.get("closed"):
        raise DossierClosed()
    if body["due_date"] < clock.today():
        raise ValidationFailed("The due date is in the past.", errors={"due_date": ["Must be today or later."]})
    partner = get_partner(session, body.pop("partner_id"))
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
            "partner_name": partner.name,
            "partner_email": partner.email,
            "partner_sub": solicitation.partner_sub,
            "due_date": solicitation.due_date.isoformat(),
            "reminder_count": solicitation.reminder_count,
            "automatic": automatic,
        },
        actor,
    )


def remind(
    session: Session, caller: Caller, dossier_id: str, solicitation_ids: list[str] | None, quiet: timedelta
) -> dict[str, Any]:
    """Remind the unanswered solicitations of a dossier (or the given ones), except those reminded recently."""
    statement = select(Solicitation).where(Solicitation.dossier_id == dossier_id)
    if solicitation_ids:
        statement = statement.where(Solicitation.id.in_(solicitation_ids))
    reminded, skipped = [], []
    for solicitation in session.execute(statement.order_by(Solicitation.created_at)).scalars():
        if not needs_answer(solicitation.state):
            continue
        if within_quiet_period(solicitation.reminded_at, clock.now(), quiet):
            skipped.append(solicitation.id)
            continue
        _remind_one(session, solicitation, caller.as_actor(), automatic=False)
        reminded.append(solicitation.id)
    if reminded:
        audit.record(session, caller, dossier_id, "solicitation.reminded", None, solicitation_ids=reminded)
    return {"reminded": len(reminded), "skipped": len(skipped), "reminded_ids": reminded, "skipped_ids": skipped}


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
