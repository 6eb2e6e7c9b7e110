"""One marshmallow schema per event type (docs/contracts.md "Events and their data"), checked at both ends.

- ``record_event`` calls :func:`check_recorded`: a producer recording a payload that does not match its type's
  schema (a missing field, a wrong type, an undeclared key) or a type its service does not declare raises
  :class:`InvalidEventData` at once, in the request that made the mistake (a programming error its unit tests
  catch), and nothing is written.
- The consumer calls :func:`check_consumed` before the handler: an event whose ``data`` does not match is
  dead-lettered with the reason, like an event no handler knows.
- Handlers read :func:`event_data`: the validated payload with every declared field present (``None`` when an
  older event lacks an optional one), so they index it rather than ``data.get``.

``EVENTS`` is the registry (type -> producer and schema) the AsyncAPI documents (``events.asyncapi``) and the
contracts check are made from. Field kinds (required, always sent, conditional) are in ``events.base``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from marshmallow import INCLUDE, RAISE, Schema, ValidationError

from . import attestation, documents, dossier, notification, partner_gateway, workspace
from .base import EventData, is_conditional


class InvalidEventData(ValueError):
    """An event's ``data`` that does not match the schema of its type."""


@dataclass(frozen=True)
class EventType:
    name: str
    producer: str
    schema: type[EventData]

    @property
    def summary(self) -> str:
        return " ".join((self.schema.__doc__ or "").split())


def _types(producer: str, schemas: dict[str, type[EventData]]) -> dict[str, EventType]:
    return {name: EventType(name, producer, schema) for name, schema in schemas.items()}


EVENTS: dict[str, EventType] = {
    **_types(
        "dossier",
        {
            "dossier.created": dossier.DossierCreated,
            "dossier.updated": dossier.DossierUpdated,
            "dossier.status_changed": dossier.DossierStatusChanged,
            "dossier.assigned": dossier.DossierAssigned,
            "dossier.closed": dossier.DossierClosed,
            "dossier.note_added": dossier.DossierNoteAdded,
            "dossier.development_added": dossier.DossierDevelopmentAdded,
            "quote.created": workspace.QuoteEvent,
            "quote.updated": workspace.QuoteEvent,
            "quote.sent": workspace.QuoteStatusChanged,
            "quote.accepted": workspace.QuoteStatusChanged,
            "quote.refused": workspace.QuoteStatusChanged,
            "quote.expired": workspace.QuoteStatusChanged,
            "order.created": workspace.OrderCreated,
            "order.delivered": workspace.OrderStatusChanged,
            "order.cancelled": workspace.OrderStatusChanged,
            "invoice.created": workspace.InvoiceDrafted,
            "invoice.updated": workspace.InvoiceDrafted,
            "invoice.issued": workspace.InvoiceStatusChanged,
            "invoice.cancelled": workspace.InvoiceStatusChanged,
            "payment.recorded": workspace.PaymentRecorded,
            "credit_note.issued": workspace.CreditNoteIssued,
            "event.scheduled": workspace.CalendarEventChanged,
            "event.updated": workspace.CalendarEventChanged,
            "event.rescheduled": workspace.CalendarEventChanged,
            "event.cancelled": workspace.CalendarEventChanged,
            "expense.recorded": workspace.ExpenseRecorded,
            "activity.logged": workspace.ActivityLogged,
            "person.created": dossier.PersonChanged,
            "person.updated": dossier.PersonChanged,
            "organisation.updated": dossier.OrganisationUpdated,
            "person.merged": dossier.PersonMerged,
            "person.erased": dossier.PersonErased,
        },
    ),
    **_types(
        "partner-gateway",
        {
            "solicitation.created": partner_gateway.SolicitationCreated,
            "solicitation.key_reissued": partner_gateway.SolicitationKeyReissued,
            "solicitation.attached": partner_gateway.SolicitationAttached,
            "solicitation.answered": partner_gateway.SolicitationAnswered,
            "solicitation.reminded": partner_gateway.SolicitationReminded,
            "solicitation.revoked": partner_gateway.SolicitationEnded,
            "solicitation.cancelled": partner_gateway.SolicitationEnded,
            "solicitation.changed": partner_gateway.SolicitationChanged,
            "solicitation.declined": partner_gateway.SolicitationDeclined,
            "contributor.invited": partner_gateway.ContributorInvited,
            "contributor.reminded": partner_gateway.ContributorReminded,
            "contributor.attached": partner_gateway.ContributorAttached,
            "contributor.revoked": partner_gateway.ContributorRevoked,
            "piece.provided": partner_gateway.PieceProvided,
            "filing.created": partner_gateway.FilingCreated,
            "filing.claimed": partner_gateway.FilingClaimed,
            "filing.submitted": partner_gateway.FilingSubmitted,
        },
    ),
    **_types(
        "documents",
        {
            "document.added": documents.DocumentAdded,
            "document.downloaded": documents.DocumentDownloaded,
            "document.visibility_changed": documents.DocumentVisibilityChanged,
            "document.deleted": documents.DocumentDeleted,
            "document.rendered": documents.DocumentRendered,
            "document.render_failed": documents.DocumentRenderFailed,
        },
    ),
    **_types(
        "attestation",
        {
            "contract.created": attestation.ContractChanged,
            "contract.updated": attestation.ContractChanged,
            "contract.requested": attestation.ContractRequested,
            "attestation.issued": attestation.AttestationIssued,
            "attestation.validation_requested": attestation.AttestationValidationRequested,
            "attestation.approved": attestation.AttestationApproved,
            "attestation.rejected": attestation.AttestationRejected,
            "attestation.revoked": attestation.AttestationRevoked,
            "attestation.failed": attestation.AttestationFailed,
        },
    ),
    **_types("notification", {"notification.failed": notification.NotificationFailed}),
}

PRODUCERS = frozenset(event.producer for event in EVENTS.values())
_instances: dict[type[Schema], Schema] = {}


def _schema(event_type: str) -> Schema:
    schema_class = EVENTS[event_type].schema
    if schema_class not in _instances:
        _instances[schema_class] = schema_class()
    return _instances[schema_class]


def published_by(producer: str) -> list[str]:
    return sorted(name for name, event in EVENTS.items() if event.producer == producer)


def check_recorded(event_type: str, data: dict[str, Any], *, producer: str) -> None:
    """Refuse what a platform service may not record: an undeclared type, or data not matching its schema.

    Strict: no undeclared key, and every field that is not conditional is present (``None`` where allowed).
    Producers outside the platform (a test's ``demo``) record what they like.
    """
    if producer not in PRODUCERS:
        return
    event = EVENTS.get(event_type)
    if event is None or event.producer != producer:
        raise InvalidEventData(f"{producer} declares no event type {event_type!r} (platform_shared.events.EVENTS)")
    schema = _schema(event_type)
    errors: dict[str, Any] = {}
    try:
        schema.load(data, unknown=RAISE)
    except ValidationError as error:
        errors.update(error.messages if isinstance(error.messages, dict) else {"_schema": error.messages})
    for name, field in schema.fields.items():
        key = field.data_key or name
        if key not in data and not is_conditional(field) and key not in errors:
            errors[key] = ["Always sent by the producer (declare it conditional with when=... if it is not)."]
    if errors:
        raise InvalidEventData(f"data of {event_type!r} does not match its schema: {errors}")


def check_consumed(event_type: str, data: Any) -> str | None:
    """Why a consumed event's ``data`` does not match its type's schema, or None when it does (or the type has
    no schema: only the platform's types have one). Tolerant of keys a newer producer added."""
    if event_type not in EVENTS:
        return None
    if not isinstance(data, dict):
        return f"data of {event_type!r} is not an object"
    try:
        _schema(event_type).load(data, unknown=INCLUDE)
    except ValidationError as error:
        return f"data of {event_type!r} does not match its schema: {error.messages}"
    return None


def event_data(envelope) -> dict[str, Any]:
    """The handler's view of ``envelope.data``: validated, with every declared field present (``None`` when the
    event lacks it); keys the schema does not declare are kept. Raises :class:`InvalidEventData`."""
    problem = check_consumed(envelope.type, envelope.data)
    if problem:
        raise InvalidEventData(problem)
    if envelope.type not in EVENTS:
        return dict(envelope.data)
    schema = _schema(envelope.type)
    declared = {field.data_key or name: None for name, field in schema.fields.items()}
    return {**declared, **schema.load(envelope.data, unknown=INCLUDE)}
