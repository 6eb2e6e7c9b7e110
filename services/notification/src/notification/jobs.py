"""The worker's periodic jobs: the sender loop (claim due deliveries, send, record the outcome), and the live
feed's retention.

Order per email: mark ``sending`` and commit, hand the message to SMTP, then record ``sent`` /
``pending`` (retry) / ``failed`` and the outcome event in one transaction. A delivery found
still ``sending`` after ``stale_sending_seconds`` is never sent again: it becomes ``unknown``.
"""

from __future__ import annotations

import email.policy
import logging
import random
from datetime import timedelta
from email import message_from_bytes
from email.message import EmailMessage
from email.utils import make_msgid

from sqlalchemy import select, update

from platform_shared import clock
from platform_shared.db import Database
from platform_shared.messaging.outbox import record_event
from platform_shared.messaging.sealed import SealError, unseal
from platform_shared.worker import PeriodicJob

from . import SERVICE_NAME
from .db import Delivery
from .domain import rendering
from .domain.deliveries import FAILED, PENDING, SENDING, SENT, UNKNOWN, calendar_of, template_variables
from .mailer import Mailer, Outgoing, SendFailure, attach_calendar, compose
from .services import live
from .services.planning import SENDER_TOPIC

log = logging.getLogger(__name__)


def backoff_seconds(settings, attempts: int, rng: random.Random = random) -> float:
    """Exponential backoff with jitter: base * 2^(attempts-1), capped, times a random factor in [0.5, 1]."""
    ceiling = min(settings.retry_max_seconds, settings.retry_base_seconds * 2 ** max(attempts - 1, 0))
    return ceiling * rng.uniform(0.5, 1.0)


def build_email(settings, deliveries: list[Delivery]) -> Outgoing | EmailMessage:
    """The email for a group of deliveries (one recipient, one template), as the sender hands it to the mailer;
    unseals a key only here. Written straight to bytes (``mailer.compose``) unless it attaches an invitation
    or its envelope is not plain ASCII: then an ``EmailMessage``."""
    first = deliveries[0]
    key = None
    if first.context.get("sealed_key"):
        try:
            key = unseal(first.context["sealed_key"], settings.event_secret_key)
        except SealError:
            raise SendFailure("the access key in the event could not be unsealed", permanent=True) from None
    items = [delivery.context["item"] for delivery in deliveries]
    variables = template_variables(
        settings, first.context, items, first.context["recipient_kind"], first.dossier_id, key=key
    )
    rendered = rendering.render(first.template, first.language, variables)
    headers = [
        ("Message-ID", make_msgid(idstring=first.id, domain="dossier-platform")),
        ("Auto-Submitted", "auto-generated"),
        ("X-Notification-Delivery", first.id),
    ]
    # The invitation travels in the delivery's recorded context: a resent delivery attaches it again.
    calendar = calendar_of(first.template, first.context["item"])
    if calendar is None:
        outgoing = compose(settings.mail_from, first.recipient, rendered.subject, headers, rendered.text, rendered.html)
        if outgoing is not None:
            return outgoing
    message = EmailMessage()
    message["From"] = settings.mail_from
    message["To"] = first.recipient
    message["Subject"] = rendered.subject
    for name, value in headers:
        message[name] = value
    message.set_content(rendered.text)
    message.add_alternative(rendered.html, subtype="html")
    if calendar is not None:
        attach_calendar(message, *calendar)
    return message


def build_message(settings, deliveries: list[Delivery]) -> EmailMessage:
    """The email for a group of deliveries, as its recipient reads it (the bytes the sender sends, parsed with
    the local line ends)."""
    built = build_email(settings, deliveries)
    if isinstance(built, EmailMessage):
        return built
    return message_from_bytes(built.data.replace(b"\r\n", b"\n"), policy=email.policy.default)


def _without_key(context: dict) -> dict:
    return {name: value for name, value in context.items() if name != "sealed_key"}


def recover_stale(db: Database, settings) -> int:
    """``sending`` for too long: the worker died mid-send. Never resent by itself (at most once): ``unknown``,
    until an operator chooses to resend it (``services.operators``)."""
    limit = clock.now() - timedelta(seconds=settings.stale_sending_seconds)
    with db.transaction() as session:
        stale = (
            session.execute(select(Delivery).where(Delivery.status == SENDING, Delivery.updated_at < limit))
            .scalars()
            .all()
        )
        for delivery in stale:
            delivery.status, delivery.updated_at = UNKNOWN, clock.now()
            delivery.last_error = "the worker stopped while sending; not sent again (at most once)"
            # The sealed key stays (ciphertext) so that an operator may resend: notification-ctl deliveries.
            _record_outcome_event(session, delivery, delivery.last_error)
    return len(stale)


def _due_groups(db: Database, settings) -> list[list[str]]:
    """Ids of due pending deliveries, grouped: the whole pending group rides with its first due row."""
    with db.read_only() as session:
        due = session.execute(
            select(Delivery.id, Delivery.group_key)
            .where(Delivery.status == PENDING, Delivery.next_attempt_at <= clock.now())
            .order_by(Delivery.next_attempt_at, Delivery.id)
            .limit(settings.sender_batch_size)
        ).all()
        groups: list[list[str]] = []
        seen_groups: set[str] = set()
        for delivery_id, group_key in due:
            if group_key is None:
                groups.append([delivery_id])
            elif group_key not in seen_groups:
                seen_groups.add(group_key)
                groups.append(
                    list(
                        session.execute(
                            select(Delivery.id)
                            .where(Delivery.group_key == group_key, Delivery.status == PENDING)
                            .order_by(Delivery.created_at, Delivery.id)
                        ).scalars()
                    )
                )
        return groups


def _claim(session, groups: list[list[str]]) -> list[list[Delivery]]:
    """Mark the groups ``sending`` in one statement (committed before the SMTP calls); rows another
    sender took are dropped. Each group keeps its order (its first row is the one the email is sent as)."""
    ids = [delivery_id for group in groups for delivery_id in group]
    taken = session.scalars(
        update(Delivery)
        .where(Delivery.id.in_(ids), Delivery.status == PENDING)
        .values(status=SENDING, attempts=Delivery.attempts + 1, updated_at=clock.now())
        .returning(Delivery),
        execution_options={"synchronize_session": False},
    ).all()
    by_id = {delivery.id: delivery for delivery in taken}
    for delivery in taken:
        session.expunge(delivery)
    return [[by_id[delivery_id] for delivery_id in group if delivery_id in by_id] for group in groups]


def _record_outcome_event(session, delivery: Delivery, error: str | None) -> None:
    """``notification.failed`` for a delivery that failed or whose outcome is unknown. A sent delivery
    publishes nothing: no service consumes ``notification.sent``, whose every copy ended in
    ``domain.unrouted`` (one per email); the delivery's row says it (``GET /deliveries``)."""
    if error is None:
        return
    data = {
        "delivery_id": delivery.id,
        "event_id": delivery.event_id,
        "recipient": delivery.recipient,
        "channel": delivery.channel,
        "error": error,
    }
    record_event(session, "notification.failed", data, producer=SERVICE_NAME, aggregate_id=delivery.id)


UNTRIED = SendFailure("not tried: the SMTP server could not be reached for an email before it", permanent=False)


def _outcome(settings, delivery: Delivery, lead_id: str, failure: SendFailure | None, now) -> dict:
    """The columns the outcome changes (the sealed key goes once the delivery is sent or failed). An email of
    the claim that was not tried (``UNTRIED``) goes back to pending as it was: it cost no attempt."""
    if failure is UNTRIED:
        return {"id": delivery.id, "updated_at": now, "status": PENDING, "attempts": delivery.attempts - 1}
    if failure is None:
        changes = {
            "status": SENT,
            "sent_at": now,
            "last_error": None,
            "sent_with": lead_id if delivery.id != lead_id else None,
        }
    elif failure.permanent or delivery.attempts >= settings.send_max_attempts:
        changes = {"status": FAILED, "last_error": failure.error}
    else:
        return {
            "id": delivery.id,
            "updated_at": now,
            "status": PENDING,
            "last_error": failure.error,
            "next_attempt_at": now + timedelta(seconds=backoff_seconds(settings, delivery.attempts)),
        }
    if "sealed_key" in delivery.context:
        changes["context"] = _without_key(delivery.context)
    return {"id": delivery.id, "updated_at": now, **changes}


def _record(session, settings, outcomes: list[tuple[list[Delivery], SendFailure | None]]) -> None:
    """Record the outcomes of the emails just sent: one UPDATE by primary key per row (sent as one
    batch), and ``notification.failed`` for every row that failed."""
    now = clock.now()
    changes = []
    for deliveries, failure in outcomes:
        for delivery in deliveries:
            change = _outcome(settings, delivery, deliveries[0].id, failure, now)
            changes.append(change)
            if change["status"] != PENDING:
                _record_outcome_event(session, delivery, change["last_error"])
    if changes:
        session.execute(update(Delivery), changes)


def _message_or_failure(settings, deliveries: list[Delivery]) -> Outgoing | EmailMessage:
    try:
        return build_email(settings, deliveries)
    except SendFailure:
        raise
    except Exception as error:  # a broken template must fail the delivery, not leave it "sending"
        raise SendFailure(f"rendering failed: {type(error).__name__}", permanent=True) from None


def _chunks(groups: list[list[str]], size: int):
    for start in range(0, len(groups), size):
        yield groups[start : start + size]


def send_due(db: Database, settings, mailer: Mailer) -> int:
    """Send every due delivery once; returns how many emails went out. Stops at an unreachable server.

    One transaction records the outcomes of the emails just sent and claims the next
    ``SENDER_CLAIM_SIZE`` emails (10 by default), so every claim is committed before its SMTP
    call and every outcome right after the claimed emails went out.
    """
    sent = 0
    outcomes: list[tuple[list[Delivery], SendFailure | None]] = []
    chunks = _chunks(_due_groups(db, settings), max(settings.sender_claim_size, 1))
    while True:
        chunk = next(chunks, None)
        with db.transaction() as session:
            _record(session, settings, outcomes)
            claimed = _claim(session, chunk) if chunk else []
        outcomes = []
        if chunk is None:
            return sent
        unreachable: SendFailure | None = None
        for deliveries in filter(None, claimed):
            if unreachable is not None:
                outcomes.append((deliveries, UNTRIED))
                continue
            try:
                mailer.send(_message_or_failure(settings, deliveries))
            except SendFailure as failure:
                log.warning(
                    "delivery %s: %s failure: %s",
                    deliveries[0].id,
                    "permanent" if failure.permanent else "temporary",
                    failure.error,
                )
                outcomes.append((deliveries, failure))
                if failure.connection:
                    unreachable = failure
                continue
            outcomes.append((deliveries, None))
            sent += 1
        if unreachable is not None:
            chunks = iter(())


def sender_job(db: Database, settings) -> None:
    """One pass of the worker's sender: recover stale claims, then send what is due."""
    recover_stale(db, settings)
    mailer = Mailer(settings)
    try:
        while send_due(db, settings, mailer) >= settings.sender_batch_size:
            pass
    finally:
        mailer.close()


def live_feed_retention_job(db: Database, settings) -> None:
    """Forget the live feed's lines older than ``LIVE_FEED_RETENTION_HOURS`` (bounded replay)."""
    with db.transaction() as session:
        live.purge_older_than(session, timedelta(hours=settings.live_feed_retention_hours))


LIVE_FEED_RETENTION_INTERVAL_SECONDS = 600.0


def periodic_jobs(settings) -> list[PeriodicJob]:
    return [
        PeriodicJob("email-sender", settings.sender_interval_seconds, sender_job, wake_topic=SENDER_TOPIC),
        PeriodicJob("live-feed-retention", LIVE_FEED_RETENTION_INTERVAL_SECONDS, live_feed_retention_job),
    ]
