"""The partner-gateway's reaction table: the dossier service's events keep the local dossier status copy."""

from __future__ import annotations

from sqlalchemy.orm import Session

from platform_shared.dead_letter_erasure import dead_letter_redactor
from platform_shared.directory import directory_handlers
from platform_shared.events import event_data
from platform_shared.messaging.envelope import Envelope
from platform_shared.messaging.inbox import HandlerTable

from .services import audit, dossier_copy
from .services.erasure import erase_person


def on_dossier_created(session: Session, envelope: Envelope) -> None:
    data = event_data(envelope)
    dossier_copy.record_status(
        session,
        data["dossier_id"],
        envelope.occurred,
        status=data["status"],
        partner_visible=bool(data["partner_visible"]),
        model_id=data["model_id"],
        model_version=data["model_version"],
        **_list_facts(data),
    )


def _list_facts(data: dict) -> dict:
    """What a partner's list screen shows of the dossier, when the event carries it."""
    return {name: data[name] for name in ("reference", "title", "status_label") if data.get(name) is not None}


def on_dossier_status_changed(session: Session, envelope: Envelope) -> None:
    data = event_data(envelope)
    dossier_copy.record_status(
        session,
        data["dossier_id"],
        envelope.occurred,
        status=data["to"],
        partner_visible=bool(data["partner_visible"]),
        **_list_facts(data),
    )


def on_dossier_updated(session: Session, envelope: Envelope) -> None:
    """A new title (the event carries it when it changed) for the partners' list."""
    data = event_data(envelope)
    if data["title"] is None:
        return
    dossier_copy.record_title(session, data["dossier_id"], data["title"])


def on_dossier_closed(session: Session, envelope: Envelope) -> None:
    dossier_copy.record_status(session, event_data(envelope)["dossier_id"], envelope.occurred, closed=True)


def on_document_downloaded(session: Session, envelope: Envelope) -> None:
    """A third party downloaded a document of a dossier: the read goes into the dossier's audit log."""
    actor, data = envelope.actor or {}, event_data(envelope)
    if actor.get("role") != "partner" or not data["dossier_id"]:
        return
    audit.record_for_actor(
        session,
        actor,
        data["dossier_id"],
        "document.downloaded",
        data["document_id"],
        envelope.correlation_id,
        filename=data["filename"],
        rendition=data["rendition"],
        owner_type=data["owner_type"],
        owner_id=data["owner_id"],
    )


def handlers(settings) -> HandlerTable:
    return {
        "document.downloaded": on_document_downloaded,
        "dossier.created": on_dossier_created,
        "dossier.status_changed": on_dossier_status_changed,
        "dossier.closed": on_dossier_closed,
        **directory_handlers(on_erased=erase_person, dead_letters=dead_letter_redactor(settings)),
        "dossier.updated": on_dossier_updated,
    }
