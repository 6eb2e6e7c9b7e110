"""The documents service's reaction table: event type -> handler(session, envelope).

It keeps, per owner, the client who may see ``client``-flagged documents, the dossier a
solicitation belongs to, and whether a dossier is closed.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from platform_shared import clock
from platform_shared.dead_letter_erasure import dead_letter_redactor
from platform_shared.directory import directory_handlers
from platform_shared.events import event_data
from platform_shared.messaging.envelope import Envelope
from platform_shared.messaging.inbox import HandlerTable

from .services.erasure import erase_person
from .services.owners import owner_row, record_client


def dossier_client_known(session: Session, envelope: Envelope) -> None:
    if "client_sub" not in envelope.data and "client_org" not in envelope.data:
        return  # an event that says nothing of the client (not a null one: that one is recorded)
    data = event_data(envelope)
    record_client(session, "dossier", data["dossier_id"], data["client_sub"], data["client_org"])


def dossier_closed(session: Session, envelope: Envelope) -> None:
    owner = owner_row(session, "dossier", event_data(envelope)["dossier_id"])
    owner.closed = True
    owner.updated_at = clock.now()


def contract_known(session: Session, envelope: Envelope) -> None:
    """A contract's owner sees its documents and those of its beneficiaries."""
    data = event_data(envelope)
    record_client(session, "contract", data["contract_id"], data["owner_sub"], data["owner_org"])
    for beneficiary in data["beneficiaries"] or []:
        record_client(session, "beneficiary", beneficiary["id"], data["owner_sub"], data["owner_org"])


def solicitation_created(session: Session, envelope: Envelope) -> None:
    data = event_data(envelope)
    owner = owner_row(session, "solicitation", data["solicitation_id"])
    owner.dossier_id = data["dossier_id"]
    owner.updated_at = clock.now()


def handlers(settings) -> HandlerTable:
    return {
        "dossier.created": dossier_client_known,
        "dossier.status_changed": dossier_client_known,
        "dossier.closed": dossier_closed,
        "contract.created": contract_known,
        "contract.updated": contract_known,
        "contract.requested": contract_known,
        "solicitation.created": solicitation_created,
        **directory_handlers(on_erased=erase_person, dead_letters=dead_letter_redactor(settings)),
    }
