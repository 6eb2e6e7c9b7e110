"""The attestation service's reaction table: event type -> handler(session, envelope).

The documents service announces the outcome of an asynchronous render (the PDF conversion);
the request waiting for that document moves on. A contract request from the portal
(``dossier.created`` of kind ``contract``, origin ``portal``) joins the contracts list as ``requested``.
Handlers only touch this service's tables.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from platform_shared.dead_letter_erasure import dead_letter_redactor
from platform_shared.directory import directory_handlers
from platform_shared.events import event_data
from platform_shared.messaging.envelope import Envelope
from platform_shared.messaging.inbox import HandlerTable

from .clients import RenderedDocument
from .services import contracts, erasure, requests


def handlers(settings) -> HandlerTable:
    def document_rendered(session: Session, envelope: Envelope) -> None:
        request = requests.request_for_document(session, event_data(envelope)["document_id"])
        if request is not None:
            requests.generation_succeeded(session, request)

    def document_render_failed(session: Session, envelope: Envelope) -> None:
        data = event_data(envelope)
        request = requests.request_for_document(session, data["document_id"])
        if request is not None:
            requests.apply_document_state(
                session,
                settings,
                request,
                RenderedDocument(id=data["document_id"], state="pdf_failed", error=data["error"]),
            )

    def dossier_created(session: Session, envelope: Envelope) -> None:
        data = event_data(envelope)
        if data["kind"] == "contract" and data["origin"] == "portal":
            contracts.register_requested_contract(session, data, envelope.actor)

    return {
        "document.rendered": document_rendered,
        "document.render_failed": document_render_failed,
        "dossier.created": dossier_created,
        **directory_handlers(on_erased=erasure.erase_person, dead_letters=dead_letter_redactor(settings)),
    }
