"""The attestation service's events: contracts and the attestations issued for them."""

from __future__ import annotations

from marshmallow import INCLUDE, Schema

from .base import Count, EventData, Id, ObjectList, Text, TextList

WITH_DOSSIER = "the contract belongs to a dossier, whose timeline then shows it"


class Beneficiary(Schema):
    class Meta:
        unknown = INCLUDE

    id = Id(required=True)
    kind = Text()


class ContractChanged(EventData):
    """A contract was created or changed."""

    contract_id = Id(required=True)
    number = Text()
    product_id = Id(nullable=True, description="null for a `requested` contract")
    status = Text(description="`requested`, `draft`, `in_force`, `suspended` or `terminated`")
    holder_person_id = Id(nullable=True, description="the holder's directory entry (a person), or null")
    holder_organisation_id = Id(nullable=True, description="the holder's directory entry (an organisation), or null")
    owner_sub = Id(nullable=True)
    owner_org = Id(nullable=True)
    owner_email = Text()
    owner_name = Text(description="the holder")
    dossier_id = Id(nullable=True)
    beneficiaries = ObjectList(Beneficiary)


class ContractRequested(ContractChanged):
    """A contract request from the portal (a `dossier.created` of `kind: contract`, `origin: portal`) joined the
    contracts list as `requested` (no product, no beneficiaries yet), numbered like its dossier (`dossier_id` links
    them); the actor is the requester. The dossier service puts it on that dossier's timeline, documents learns
    the contract's owner."""

    reference = Text(description="the dossier's")
    title = Text(description="the dossier's")


class ClientOfRequest(EventData):
    """Who asked for the attestation (and is told) and which contract."""

    request_id = Id(required=True)
    contract_id = Id(required=True)
    title = Text()
    client_sub = Id(nullable=True)
    client_org = Id(nullable=True)
    client_email = Text()
    client_name = Text()
    client_language = Text(description="`fr`/`en`: the requester's when they asked; their emails are written in it")
    contract_number = Text()


class AttestationIssued(ClientOfRequest):
    """An attestation was issued to the client (actor `service:attestation`)."""

    beneficiary_id = Id(nullable=True)
    document_id = Id(nullable=True)
    template_id = Id(nullable=True)
    filename = Text(description="the document's name: `.pdf` when converted")
    valid_until = Text()
    dossier_id = Id(nullable=True, when=WITH_DOSSIER)


class AttestationValidationRequested(EventData):
    """An attestation waits for a validator: its document exists (rendered) but is internal."""

    request_id = Id(required=True)
    task_id = Id(required=True)
    contract_id = Id(required=True)
    document_id = Id(nullable=True)
    validator_subs = TextList()
    validator_role = Text()
    client_sub = Id(nullable=True)
    contract_number = Text()
    title = Text()
    filename = Text()
    product_id = Id(nullable=True)
    assignee_sub = Id(nullable=True, description="one of validator_subs, or null")
    due_date = Text()


class AttestationApproved(ClientOfRequest):
    """A validator approved an attestation (the approval's comment stays with staff)."""

    task_id = Id(required=True)
    document_id = Id(nullable=True)
    filename = Text()
    valid_until = Text()


class AttestationRejected(ClientOfRequest):
    """A validator rejected an attestation; its document no longer exists."""

    task_id = Id(required=True)
    reason = Text(description="the decider's comment, which the client is shown")


class AttestationRevoked(ClientOfRequest):
    """Staff revoked an issued or approved attestation; its public verification says `revoked` from then on."""

    document_id = Id(nullable=True)
    filename = Text()
    reason = Text(description="why, for the client")
    dossier_id = Id(nullable=True, when=WITH_DOSSIER)


class AttestationFailed(ClientOfRequest):
    """An attestation could not be made; actor `service:attestation`, one per request, which is never issued
    after it."""

    beneficiary_id = Id(nullable=True)
    template_id = Id(nullable=True)
    reason = Text(
        description="`render_refused`: the documents service refused the render with a 4xx; `attempts_exhausted`: "
        "`RENDER_MAX_ATTEMPTS` attempts failed"
    )
    attempts = Count()
    validator_subs = TextList()
    validator_role = Text()
    dossier_id = Id(nullable=True, when=WITH_DOSSIER)
