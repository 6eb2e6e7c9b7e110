"""From one event to recorded intents: email deliveries (sent later by the sender) and in-app notifications.

Runs inside the consumer's transaction: nothing here talks to the network.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from platform_shared import clock, directory
from platform_shared.messaging.envelope import Envelope
from platform_shared.messaging.wake import wake_after_commit

from ..db import Delivery, DossierCopy, Notification
from ..domain import rendering
from ..domain.audience import Person
from ..domain.deliveries import (
    GROUPED_TEMPLATES,
    KEY_TEMPLATES,
    PENDING,
    SKIPPED,
    dossier_summary,
    item_of,
    template_variables,
)
from ..domain.rules import BOTH, EMAIL, IN_APP, Target
from . import live, local_copy
from .targeting import dossier_actors, targets_for

SENDER_TOPIC = "email-sender"  # the wake of the sender job (issue 18)


def _group_start(session: Session, group_key: str, debounce: timedelta):
    """When a grouped email goes out: with the pending ones of its group, or after the window."""
    pending = session.execute(
        select(Delivery.next_attempt_at).where(Delivery.group_key == group_key, Delivery.status == PENDING).limit(1)
    ).scalar_one_or_none()
    return pending or clock.now() + debounce


def _record_email(
    session: Session, settings, envelope: Envelope, target: Target, context: dict, dossier_id: str | None, language: str
) -> None:
    person = target.person
    now = clock.now()
    wake_after_commit(session, SENDER_TOPIC)  # the sender sends at commit, not at its next poll
    delivery = Delivery(
        id=clock.new_id(),
        event_id=envelope.id,
        event_type=envelope.type,
        rule=target.rule,
        recipient_sub=person.sub,
        channel=EMAIL,
        template=target.template,
        language=language,
        dossier_id=dossier_id,
        context=context,
        attempts=0,
        created_at=now,
        updated_at=now,
        next_attempt_at=now,
    )
    if not person.email:
        delivery.recipient, delivery.status = f"sub:{person.sub}", SKIPPED
        delivery.last_error = "no email address known for this account"
    else:
        delivery.recipient, delivery.status = person.email.strip().lower(), PENDING
        if target.template in GROUPED_TEMPLATES and dossier_id:
            delivery.group_key = "|".join((delivery.recipient, target.template, dossier_id, language))
            delivery.next_attempt_at = _group_start(
                session, delivery.group_key, timedelta(seconds=settings.debounce_seconds)
            )
    session.add(delivery)
    session.flush()


def _record_in_app(
    session: Session, settings, envelope: Envelope, target: Target, context: dict, dossier_id: str | None, language: str
) -> None:
    items = [context["item"]]
    variables = template_variables(settings, context, items, target.person.kind, dossier_id)
    rendered = rendering.render(target.template, language, variables)
    notification = Notification(
        id=clock.new_id(),
        sub=target.person.sub,
        event_id=envelope.id,
        event_type=envelope.type,
        dossier_id=dossier_id,
        title=rendered.subject[:500],
        link=variables["link"],
        unread=1,
        created_at=clock.now(),
    )
    session.add(notification)
    live.record_notification(session, envelope, notification)  # the person's stream, same transaction
    session.flush()


def plan(session: Session, settings, envelope: Envelope) -> None:
    """Update the local copy, record the change for the live streams of those who may see it, then one intent
    per (recipient, channel) the rules call for."""
    local_copy.observe(session, envelope)
    dossier_id = envelope.data.get("dossier_id")
    dossier = session.get(DossierCopy, dossier_id) if dossier_id else None
    live.record_dossier_change(session, envelope, dossier, dossier_actors(session, dossier))
    seen: set[tuple[str, str]] = set()
    for target in targets_for(session, envelope, dossier):
        person: Person = target.person
        known = directory.lookup(session, sub=person.sub, email=person.email)  # the directory's copy
        language = person.language or (known.language if known else None) or settings.default_language
        context = {
            "event_type": envelope.type,
            "recipient_kind": person.kind,
            "recipient_name": (known.name if known else None) or person.name,
            "dossier": dossier_summary(envelope.data, dossier),
            "item": item_of(envelope.data),
        }
        if target.channel in (EMAIL, BOTH) and (person.email or person.sub):
            key = ((person.email or "").lower() or f"sub:{person.sub}", EMAIL)
            if key not in seen:
                seen.add(key)
                email_context = dict(context)
                if target.template in KEY_TEMPLATES and envelope.data.get("sealed_key"):
                    email_context["sealed_key"] = envelope.data["sealed_key"]
                _record_email(session, settings, envelope, target, email_context, dossier_id, language)
        if target.channel in (IN_APP, BOTH) and person.sub and (person.sub, IN_APP) not in seen:
            seen.add((person.sub, IN_APP))
            _record_in_app(session, settings, envelope, target, context, dossier_id, language)
