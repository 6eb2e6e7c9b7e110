"""Who a notification may go to: people, their sides, and who may see what an event is about."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the ORM row is read as plain data here
    from ..db import DossierCopy


STAFF, CLIENT, PARTNER, CONTRIBUTOR, PARTICIPANT, ADDRESS = (
    "staff",
    "client",
    "partner",
    "contributor",
    "participant",
    "address",
)


@dataclass(frozen=True)
class Person:
    """A recipient: an account (``sub``) and/or an address, with the side they stand on."""

    kind: str
    sub: str | None = None
    email: str | None = None
    name: str | None = None
    role: str | None = None  # contributor role
    language: str | None = None

    @property
    def key(self) -> str:
        return self.sub or (self.email or "").lower()


@dataclass(frozen=True)
class Subject:
    """What an event is about, as far as visibility goes."""

    kind: str  # "document", "note", "status", "dossier"
    document_visibility: dict | None = None
    note_visibility: str | None = None
    client_visible: bool = True
    partner_visible: bool = False


def subject_of(event_type: str, data: dict, dossier: DossierCopy | None) -> Subject:
    partner_visible = bool(dossier.partner_visible) if dossier else False
    client_visible = bool(dossier.client_visible) if dossier else True
    if event_type == "document.added":
        return Subject(
            "document",
            document_visibility=data.get("visibility") or {},
            client_visible=client_visible,
            partner_visible=partner_visible,
        )
    if event_type == "dossier.note_added":
        return Subject(
            "note",
            note_visibility=data.get("visibility") or "internal",
            client_visible=client_visible,
            partner_visible=partner_visible,
        )
    if event_type == "dossier.status_changed":
        return Subject(
            "status", client_visible=bool(data.get("client_visible")), partner_visible=bool(data.get("partner_visible"))
        )
    return Subject("dossier", client_visible=client_visible, partner_visible=partner_visible)


def may_see(person: Person, subject: Subject) -> bool:
    """Whether ``person`` may see what the event is about (staff see everything)."""
    if person.kind in (STAFF, ADDRESS):
        return True
    if subject.kind == "document":
        visibility = subject.document_visibility or {}
        if person.kind == PARTICIPANT and visibility.get("financial"):
            return False  # participants never see financial items (docs/architecture.md §5)
        if person.kind in (CLIENT, PARTICIPANT):
            return bool(visibility.get("client")) and subject.client_visible
        if person.kind == CONTRIBUTOR:
            return person.role is not None and person.role in (visibility.get("roles") or [])
        return bool(visibility.get("partner")) and subject.partner_visible
    if person.kind == CONTRIBUTOR:
        return False  # a contributor sees the pieces of their role and nothing else of the dossier
    if subject.kind == "note":
        if person.kind == CLIENT:
            return subject.note_visibility in ("requester", "participants")
        if person.kind == PARTNER:
            return subject.note_visibility == "participants" and subject.partner_visible
        return subject.note_visibility == "participants"
    if person.kind == PARTNER:
        return subject.partner_visible
    return subject.client_visible


def without_actor(people: Iterable[Person], actor: dict | None) -> list[Person]:
    """Everyone except the person who caused the event (by account, or by address)."""
    actor = actor or {}
    actor_sub, actor_email = actor.get("sub"), (actor.get("email") or "").lower()
    kept = []
    for person in people:
        if actor_sub and person.sub == actor_sub:
            continue
        if actor_email and person.email and person.email.lower() == actor_email:
            continue
        kept.append(person)
    return kept


def with_language(person: Person, language: str | None) -> Person:
    return replace(person, language=language) if language and not person.language else person
