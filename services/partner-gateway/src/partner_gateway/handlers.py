"""The partner-gateway's reaction table: the dossier service's events keep the local dossier status copy."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from platform_shared.directory import directory_handlers
from platform_shared.messaging.envelope import Envelope
from platform_shared.messaging.inbox import HandlerTable

from .services import dossier_copy
from .services.erasure import erase_person


def _occurred_at(envelope: Envelope) -> datetime:
    return dossier_copy.parse_instant(envelope.occurred_at)


def on_dossier_created(session: Session, envelope: Envelope) -> None:
    data = envelope.data
    dossier_copy.record_status(
        session,
        data["dossier_id"],
        _occurred_at(envelope),
        status=data["status"],
        partner_visible=bool(data.get("partner_visible")),
        model_id=data.get("model_id"),
        model_version=data.get("model_version"),
    )


def on_dossier_status_changed(session: Session, envelope: Envelope) -> None:
    data = envelope.data
    dossier_copy.record_status(
        session,
        data["dossier_id"],
        _occurred_at(envelope),
        status=data["to"],
        partner_visible=bool(data.get("partner_visible")),
    )


def on_dossier_closed(session: Session, envelope: Envelope) -> None:
    dossier_copy.record_status(session, envelope.data["dossier_id"], _occurred_at(envelope), closed=True)


def handlers(settings) -> HandlerTable:
    return {
        "dossier.created": on_dossier_created,
        "dossier.status_changed": on_dossier_status_changed,
        "dossier.closed": on_dossier_closed,
        **directory_handlers(on_erased=erase_person),
    }
