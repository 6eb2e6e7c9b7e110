"""The partner-gateway's events: solicitations of partners, contributors and participants, filings on behalf.

An access key travels only sealed (``sealed_key``, ``platform_shared.messaging.sealed``); no other field
carries one.
"""

from __future__ import annotations

from marshmallow import INCLUDE, Schema

from .base import Count, EventData, Flag, Id, ObjectList, Text, TextList

EXTERNAL_ONLY = "the partner is external"
WHEN_NOTIFIED = "`notify` is true"


class SolicitationCreated(EventData):
    """Staff asked a partner for an opinion or a completion of a dossier."""

    solicitation_id = Id(required=True)
    dossier_id = Id(required=True)
    partner_id = Id()
    partner_kind = Text(description="`internal` or `external`")
    partner_name = Text()
    partner_email = Text()
    partner_sub = Id(nullable=True, description="internal partners")
    type = Text()
    scope = Text()
    due_date = Text()
    instructions = Text()
    open_statuses = TextList()
    assignee_sub = Id(nullable=True, description="the dossier's assignee")
    sealed_key = Text(when=EXTERNAL_ONLY)
    key_expires_at = Text()


class SolicitationKeyReissued(EventData):
    """An external partner's access key was issued again."""

    solicitation_id = Id(required=True)
    dossier_id = Id(required=True)
    partner_name = Text()
    partner_email = Text()
    sealed_key = Text()
    key_expires_at = Text()


class SolicitationAttached(EventData):
    """A partner attached a solicitation to their account."""

    solicitation_id = Id(required=True)
    dossier_id = Id(required=True)
    partner_id = Id()
    partner_sub = Id(nullable=True, description="the account that attached")


class SolicitationAnswered(EventData):
    """A partner submitted an answer. One event per submit: an `opinion_completion` answer is `answer_kind: opinion`
    with its `completed_fields`."""

    solicitation_id = Id(required=True)
    dossier_id = Id(required=True)
    partner_id = Id()
    partner_sub = Id(nullable=True)
    answer_kind = Text(description="`opinion` or `completion`")
    verdict = Text(description="opinions")
    confidential = Flag()
    version = Count()
    completed_fields = TextList(description="keys of the partner-view fields the answer wrote; never values")


class SolicitationReminded(EventData):
    """A partner was reminded; never published while the partner cannot act (dossier closed, status hidden from
    partners, solicitation not open in the status)."""

    solicitation_id = Id()
    dossier_id = Id(required=True)
    partner_id = Id()
    partner_kind = Text()
    partner_name = Text()
    partner_email = Text()
    partner_sub = Id(nullable=True)
    due_date = Text()
    reminder_count = Count()
    automatic = Flag()


class SolicitationEnded(EventData):
    """Staff revoked or cancelled a solicitation."""

    solicitation_id = Id(required=True)
    dossier_id = Id(required=True)
    partner_sub = Id(nullable=True)


class SolicitationChanged(EventData):
    """Staff changed a solicitation (its due date, instructions, scope or open statuses)."""

    solicitation_id = Id(required=True)
    dossier_id = Id(required=True)
    partner_id = Id()
    partner_kind = Text()
    partner_name = Text()
    partner_email = Text()
    partner_sub = Id(nullable=True)
    changed_fields = TextList()
    due_date = Text()
    instructions = Text()
    scope = Text()
    open_statuses = TextList()
    notify = Flag(description="false when the partner cannot act now")
    not_told_because = Text()


class SolicitationDeclined(EventData):
    """A partner declined a solicitation."""

    solicitation_id = Id(required=True)
    dossier_id = Id(required=True)
    partner_id = Id()
    partner_name = Text()
    partner_sub = Id(nullable=True)
    reason = Text()


class ContributorInvited(EventData):
    """A contributor or a participant was invited to a dossier."""

    contributor_id = Id(required=True)
    dossier_id = Id(required=True)
    kind = Text(description="`contributor` or `participant`")
    role = Text()
    role_label = Text(description="the model's label of the role")
    invitation_text = Text(description="the model's invitation text")
    name = Text()
    email = Text()
    notify = Flag()
    sealed_key = Text(when=WHEN_NOTIFIED)
    key_expires_at = Text()


class MissingPiece(Schema):
    """A piece the contributor's role requires and they have not provided."""

    class Meta:
        unknown = INCLUDE

    code = Text(required=True, nullable=False)
    label = Text()


class ContributorReminded(EventData):
    """A contributor was reminded of the pieces they still owe."""

    contributor_id = Id(required=True)
    dossier_id = Id(required=True)
    role = Text()
    role_label = Text()
    name = Text()
    email = Text()
    account_sub = Id(nullable=True)
    missing = ObjectList(MissingPiece)
    reminder_count = Count()


class ContributorAttached(EventData):
    """A contributor or participant attached their invitation to their account."""

    contributor_id = Id(required=True)
    dossier_id = Id(required=True)
    kind = Text()
    role = Text()
    account_sub = Id(nullable=True)


class ContributorRevoked(EventData):
    """Staff, or the client who made it, revoked an invitation: its key is withdrawn and the third party loses
    access at once; the dossier service drops them, the notification service tells them nothing more."""

    contributor_id = Id(required=True)
    dossier_id = Id(required=True)
    kind = Text(description="`contributor` or `participant`")
    role = Text()
    account_sub = Id(nullable=True, description="null when the invitation was never attached")


class PieceProvided(EventData):
    """A contributor provided a piece of their role (a document)."""

    contributor_id = Id(required=True)
    dossier_id = Id(required=True)
    role = Text()
    piece_code = Text()
    document_id = Id(nullable=True)
    account_sub = Id(nullable=True)


class FilingCreated(EventData):
    """A partner filed a dossier on behalf of a person, who gets a claim key."""

    filing_id = Id(required=True)
    dossier_id = Id(required=True)
    reference = Text()
    title = Text()
    person_name = Text()
    person_email = Text()
    person_company = Text()
    filer_sub = Id(nullable=True)
    filer_name = Text()
    filer_organisation = Text()
    sealed_key = Text()
    key_expires_at = Text()


class FilingClaimed(EventData):
    """The person a dossier was filed for claimed it with their key: the dossier service makes `client_sub` the
    dossier's client."""

    filing_id = Id()
    dossier_id = Id(required=True)
    client_sub = Id(required=True)
    client_email = Text()
    client_name = Text()
    filer_sub = Id(nullable=True)


class FilingSubmitted(EventData):
    """The filer submitted the dossier they filed."""

    filing_id = Id(required=True)
    dossier_id = Id(required=True)
    filer_sub = Id(nullable=True)
