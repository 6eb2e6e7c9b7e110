"""The dossier service's reaction table: other services' events become timeline entries of the dossier they concern."""

from __future__ import annotations

import logging

from sqlalchemy.orm import Session

from platform_shared.events import event_data
from platform_shared.messaging.envelope import Envelope
from platform_shared.messaging.inbox import HandlerTable

from .db import Dossier
from .services import actors, on_behalf, timeline

log = logging.getLogger(__name__)


def _append(
    session: Session,
    envelope: Envelope,
    kind: str,
    summary: str,
    visibility: str,
    details: dict,
    subject_id: str | None = None,
) -> None:
    dossier_id = event_data(envelope).get("dossier_id")
    if not dossier_id or session.get(Dossier, dossier_id) is None:
        # Not about one of our dossiers (e.g. a contract's attestation): nothing to record, nothing to retry.
        log.info("event concerns no known dossier", extra={"event_id": envelope.id, "event_type": envelope.type})
        return
    timeline.append(
        session,
        dossier_id,
        kind,
        summary,
        visibility=visibility,
        actor=envelope.actor,
        details={**details, "event_id": envelope.id},
        occurred_at=envelope.occurred,
        subject_id=subject_id,
    )


def on_solicitation_answered(session: Session, envelope: Envelope) -> None:
    data = event_data(envelope)
    if data["answer_kind"] == "opinion":
        summary = f"Partner opinion received: {data['verdict'] or 'no verdict'}"
    else:
        summary = "Partner completion received"
    _append(
        session,
        envelope,
        "third_party_answer",
        summary,
        "internal",
        {
            "solicitation_id": data["solicitation_id"],
            "answer_kind": data["answer_kind"],
            "verdict": data["verdict"],
            "confidential": data["confidential"],
        },
    )


def _document_audience(data: dict) -> str:
    return "requester" if (data["visibility"] or {}).get("client") else "internal"


def on_document_added(session: Session, envelope: Envelope) -> None:
    data = event_data(envelope)
    _append(
        session,
        envelope,
        "document",
        f"Document added: {data['filename'] or 'file'}",
        _document_audience(data),
        {"document_id": data["document_id"], "category": data["category"]},
        subject_id=data["document_id"],
    )


def on_document_visibility_changed(session: Session, envelope: Envelope) -> None:
    data = event_data(envelope)
    timeline.change_subject_visibility(session, data["document_id"], _document_audience(data))


def on_document_deleted(session: Session, envelope: Envelope) -> None:
    # Staff keep the history; clients no longer see a file that no longer exists.
    timeline.change_subject_visibility(session, event_data(envelope)["document_id"], "internal")


def on_piece_provided(session: Session, envelope: Envelope) -> None:
    data = event_data(envelope)
    _append(
        session,
        envelope,
        "piece",
        f"Piece provided: {data['piece_code']} ({data['role']})",
        "requester",
        {
            "contributor_id": data["contributor_id"],
            "role": data["role"],
            "piece_code": data["piece_code"],
            "document_id": data["document_id"],
        },
    )


def on_attestation_issued(session: Session, envelope: Envelope) -> None:
    data = event_data(envelope)
    _append(
        session,
        envelope,
        "attestation",
        f"Attestation issued: {data['filename'] or data['title'] or 'attestation'}",
        "requester",
        {"request_id": data["request_id"], "document_id": data["document_id"]},
    )


def on_contract_requested(session: Session, envelope: Envelope) -> None:
    data = event_data(envelope)
    _append(
        session,
        envelope,
        "contract_registered",
        f"Contract request registered in the contracts list: {data['number'] or ''}".strip(),
        "requester",
        {"contract_id": data["contract_id"], "number": data["number"]},
        subject_id=data["contract_id"],
    )


def on_contributor_invited(session: Session, envelope: Envelope) -> None:
    """The dossier remembers its third parties (names for the client side, attendees of its events)."""
    actors.remember_invitation(session, event_data(envelope))


def on_contributor_revoked(session: Session, envelope: Envelope) -> None:
    """A revoked third party drops out of the dossier: attendees, participants' names, the third-party workspace."""
    actors.forget_revoked(session, envelope.data)


def on_filing_claimed(session: Session, envelope: Envelope) -> None:
    """The person a partner filed the dossier for claimed it with their key: it is theirs from now on."""
    data = event_data(envelope)
    on_behalf.claim(session, data["dossier_id"], data, envelope.actor)


def handlers(settings) -> HandlerTable:
    return {
        "filing.claimed": on_filing_claimed,
        "solicitation.answered": on_solicitation_answered,
        "document.added": on_document_added,
        "document.visibility_changed": on_document_visibility_changed,
        "document.deleted": on_document_deleted,
        "piece.provided": on_piece_provided,
        "attestation.issued": on_attestation_issued,
        "contract.requested": on_contract_requested,
        "contributor.invited": on_contributor_invited,
        "contributor.attached": on_contributor_invited,
        "contributor.revoked": on_contributor_revoked,
    }
