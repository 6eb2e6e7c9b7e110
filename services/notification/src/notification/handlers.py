"""The notification service's reaction table: event type -> handler(session, envelope)."""

from __future__ import annotations

from functools import partial

from sqlalchemy.orm import Session

from platform_shared import clock
from platform_shared.dead_letter_erasure import dead_letter_redactor
from platform_shared.directory import directory_handlers
from platform_shared.messaging.envelope import Envelope
from platform_shared.messaging.inbox import HandlerTable

from .db import ReceivedEvent
from .services.erasure import erase_person
from .services.planning import plan

CONSUMED_EVENTS = (
    "dossier.created",
    "dossier.updated",
    "dossier.status_changed",
    "dossier.assigned",
    "dossier.closed",
    "dossier.note_added",
    "dossier.development_added",
    "solicitation.created",
    "solicitation.key_reissued",
    "solicitation.attached",
    "solicitation.answered",
    "solicitation.reminded",
    "solicitation.revoked",
    "solicitation.cancelled",
    "contributor.invited",
    "contributor.attached",
    "contributor.revoked",
    "contributor.reminded",
    "solicitation.changed",
    "solicitation.declined",
    "filing.created",
    "piece.provided",
    "document.added",
    "document.visibility_changed",
    "document.deleted",
    "contract.created",
    "contract.updated",
    "attestation.issued",
    "attestation.validation_requested",
    "attestation.approved",
    "attestation.rejected",
    "attestation.failed",
    "attestation.revoked",
    # Appointments and meetings (issue 13): the attendees get the invitation, or its cancellation.
    "event.scheduled",
    "event.rescheduled",
    "event.cancelled",
)


def handle(settings, session: Session, envelope: Envelope) -> None:
    """Record the event, update the local copy and record the notifications it calls for."""
    session.add(
        ReceivedEvent(
            event_id=envelope.id,
            event_type=envelope.type,
            dossier_id=envelope.data.get("dossier_id"),
            correlation_id=envelope.correlation_id,
            received_at=clock.now(),
        )
    )
    plan(session, settings, envelope)


def handlers(settings) -> HandlerTable:
    """The notification events, and the directory's (names and languages of recipients, erasure)."""
    return {
        **{event_type: partial(handle, settings) for event_type in CONSUMED_EVENTS},
        **directory_handlers(on_erased=erase_person, dead_letters=dead_letter_redactor(settings)),
    }
