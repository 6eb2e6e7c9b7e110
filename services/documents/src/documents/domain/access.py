"""Who may see a document, as plain rules over the caller, the owner's client and third-party access."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Protocol

from platform_shared.auth import Caller


class VisibleDocument(Protocol):
    owner_type: str
    owner_id: str
    dossier_id: str | None
    uploaded_by_sub: str
    visible_client: bool
    visible_partner: bool
    visible_roles: list
    financial: bool


@dataclass(frozen=True)
class OwnerClient:
    """The client (person and company) an owner belongs to, learnt from events."""

    client_sub: str | None = None
    client_org: str | None = None

    def includes(self, caller: Caller) -> bool:
        if self.client_sub and caller.sub == self.client_sub:
            return True
        return bool(self.client_org and caller.org and caller.org == self.client_org)


@dataclass(frozen=True)
class ThirdPartyAccess:
    """What the partner-gateway says a third party may see on a dossier right now."""

    partner: bool = False
    solicitation_ids: frozenset[str] = field(default_factory=frozenset)
    contributor_roles: frozenset[str] = field(default_factory=frozenset)
    participant: bool = False

    @property
    def any(self) -> bool:
        return self.partner or bool(self.contributor_roles) or self.participant


NO_ACCESS = ThirdPartyAccess()


def sees_everything(caller: Caller) -> bool:
    return caller.is_staff or caller.is_service


def granted_without_gateway(caller: Caller, document: VisibleDocument, owner_client: OwnerClient | None) -> bool:
    """Staff, services, the uploader, and the owner's client for ``client``-flagged documents."""
    if sees_everything(caller) or caller.sub == document.uploaded_by_sub:
        return True
    return bool(document.visible_client and owner_client and owner_client.includes(caller))


def may_need_gateway(document: VisibleDocument) -> bool:
    """Only a document of a dossier flagged for someone outside staff can be seen by a third party
    (a financial document flagged for the client side alone reaches no third party)."""
    return bool(
        document.dossier_id and (document.visible_partner or document.visible_roles or shown_to_participants(document))
    )


def shown_to_participants(document: VisibleDocument) -> bool:
    """Participants see what the client sees, except financial items (docs/architecture.md §5)."""
    return bool(document.visible_client and not document.financial)


def granted_to_third_party(document: VisibleDocument, access: ThirdPartyAccess) -> bool:
    """A partner sees ``partner``-flagged pieces (of their own solicitation when a solicitation owns it),
    a contributor the pieces of their role, a participant what the client sees unless it is financial.

    ``financial`` only narrows the participant's view: a partner asked for a financial opinion must see
    the financial piece flagged for partners, and a contributor the financial piece of their role."""
    if (
        access.partner
        and document.visible_partner
        and (document.owner_type != "solicitation" or document.owner_id in access.solicitation_ids)
    ):
        return True
    if access.contributor_roles & set(document.visible_roles or ()):
        return True
    return access.participant and shown_to_participants(document)


def financial_by_default(category: str, financial_categories: Iterable[str]) -> bool:
    """Whether a document of ``category`` is financial when nobody allowed to say has said
    (``FINANCIAL_CATEGORIES``: invoices and quotes by default)."""
    return category in set(financial_categories)


def financial_flag(caller: Caller, requested: bool | None, category: str, financial_categories: Iterable[str]) -> bool:
    """Staff and services choose; everyone else gets the category's default, whatever they asked.

    The category default applies to every upload: a client who files an invoice keeps it from the
    dossier's participants, which only narrows who sees it."""
    if requested is not None and sees_everything(caller):
        return requested
    return financial_by_default(category, financial_categories)


def may_see(
    caller: Caller, document: VisibleDocument, owner_client: OwnerClient | None, access: ThirdPartyAccess = NO_ACCESS
) -> bool:
    if granted_without_gateway(caller, document, owner_client):
        return True
    return granted_to_third_party(document, access)


@dataclass(frozen=True)
class UploadVisibility:
    client: bool
    partner: bool
    roles: tuple[str, ...]


def visibility_for_non_staff_upload(
    caller: Caller, owner_client: OwnerClient | None, access: ThirdPartyAccess, requested_roles: Iterable[str]
) -> UploadVisibility:
    """Outside staff, nobody chooses who sees a file: the owner's client shares with their side, and so does
    a participant (issue 13: what a participant files is the client side's to see, unless staff change it:
    ``PATCH /documents/{id}`` with ``client``); everything else, a contributor's piece included, stays between
    the uploader and staff. One contributor never reads the pieces another provided, even in the same role
    (two co-tenants), until staff share them (``PATCH /documents/{id}`` with ``roles``). Someone who is
    both a participant and a contributor on the dossier keeps their upload private: it may be a piece."""
    is_client = bool(owner_client and owner_client.includes(caller))
    is_participant = access.participant and not access.contributor_roles
    return UploadVisibility(client=is_client or is_participant, partner=False, roles=())


def may_upload(caller: Caller, owner_client: OwnerClient | None, access: ThirdPartyAccess) -> bool:
    if sees_everything(caller):
        return True
    return bool(owner_client and owner_client.includes(caller)) or access.any
