"""The notification service's reaction table: event type -> handler(session, envelope)."""
from __future__ import annotations

from sqlalchemy.orm import Session

from platform_shared import clock
from platform_shared.messaging.envelope import Envelope
from platform_shared.messaging.inbox import HandlerTable

from .db import ReceivedEvent


def record_received(session: Session, envelope: Envelope) -> None:
    session.add(ReceivedEvent(event_id=envelope.id, event_type=envelope.type,
                              dossier_id=envelope.data.get("dossier_id"),
                              correlation_id=envelope.correlation_id, received_at=clock.now()))


def handlers(settings) -> HandlerTable:
    return {"dossier.created": record_received}
