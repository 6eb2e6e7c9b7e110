"""Notes (with visibility) and important developments on a dossier."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from platform_shared import clock
from platform_shared.auth import Caller
from platform_shared.errors import ValidationFailed
from platform_shared.messaging.outbox import record_event
from platform_shared.pagination import Page, keyset_page
from platform_shared.pseudonyms import pseudonym, without_others_accounts

from .. import SERVICE_NAME
from ..db import Development, Note
from ..domain.access import sees_everything, visible_audiences
from . import timeline
from .dossiers import open_dossier, visible_dossier
from .people import names_by_sub

EXCERPT_LENGTH = 200
THIRD_PARTY_ROLE = "partner"


def add_note(session: Session, caller: Caller, dossier_id: str, body: str, visibility: str | None) -> Note:
    """Staff choose any visibility (internal by default); clients write to the requester side, never internal."""
    dossier = open_dossier(session, caller, dossier_id)
    if visibility is None:
        visibility = "internal" if sees_everything(caller) else "requester"
    if visibility not in visible_audiences(caller):
        raise ValidationFailed(
            "Clients cannot write internal notes.", errors={"visibility": ["must be requester or participants"]}
        )
    return _record_note(session, dossier.id, caller, body, visibility)


def add_third_party_note(
    session: Session, caller: Caller, dossier_id: str, body: str, author: dict[str, str | None]
) -> Note:
    """A note a participant posts through the partner-gateway (``caller``, a service, vouches for ``author``).

    Its visibility is always ``participants``, and the participant is its author and the event's actor
    (role ``partner``, the role of third-party accounts), so the other actors are told and they are not."""
    dossier = open_dossier(session, caller, dossier_id)
    third_party = Caller(sub=author["sub"], role=THIRD_PARTY_ROLE, email=author.get("email"), name=author.get("name"))
    return _record_note(session, dossier.id, third_party, body, "participants")


def _record_note(session: Session, dossier_id: str, author: Caller, body: str, visibility: str) -> Note:
    note = Note(
        id=clock.new_id(),
        dossier_id=dossier_id,
        visibility=visibility,
        body=body,
        author_sub=author.sub,
        author_role=author.role,
        author_name=author.name or names_by_sub(session, [author.sub]).get(author.sub),
        created_at=clock.now(),
    )
    session.add(note)
    timeline.append(
        session,
        dossier_id,
        "note",
        f"Note by {note.author_name or (pseudonym(author.sub, author.role) if author.sub else 'the platform')}",
        visibility=visibility,
        actor=author.as_actor(),
        details={"note_id": note.id},
    )
    record_event(
        session,
        "dossier.note_added",
        {
            "dossier_id": dossier_id,
            "note_id": note.id,
            "visibility": visibility,
            "author_sub": author.sub,
            "author_role": author.role,
            "excerpt": body[:EXCERPT_LENGTH],
        },
        producer=SERVICE_NAME,
        aggregate_id=dossier_id,
        actor=author.as_actor(),
    )
    session.flush()
    return note


def participant_notes(session: Session, dossier_id: str) -> list[Note]:
    """The notes a participant may read: visibility ``participants``, oldest first."""
    return list(
        session.scalars(
            select(Note)
            .where(Note.dossier_id == dossier_id, Note.visibility == "participants")
            .order_by(Note.created_at, Note.id)
        )
    )


def list_notes(session: Session, caller: Caller, dossier_id: str, *, limit: int, cursor: str | None) -> Page:
    visible_dossier(session, caller, dossier_id)
    statement = select(Note).where(Note.dossier_id == dossier_id, Note.visibility.in_(visible_audiences(caller)))
    page = keyset_page(session, statement, [Note.created_at, Note.id], limit=limit, cursor=cursor)
    return page.map(lambda note: present_note(note, caller))


def present_note(note: Note, caller: Caller) -> dict:
    """A note as ``caller`` reads it: staff and services with its author's account id, a client only with their
    own (another author is named by ``author_name``, a pseudonym when nobody gave a name, never by their
    account)."""
    body = {
        "id": note.id,
        "dossier_id": note.dossier_id,
        "visibility": note.visibility,
        "body": note.body,
        "author_sub": note.author_sub,
        "author_role": note.author_role,
        "author_name": note.author_name,
        "created_at": note.created_at,
    }
    if sees_everything(caller):
        return body
    if body["author_name"] is None and note.author_sub and note.author_sub != caller.sub:
        body["author_name"] = pseudonym(note.author_sub, note.author_role)
    return without_others_accounts(body, caller.sub)


def add_development(session: Session, caller: Caller, dossier_id: str, title: str, body: str) -> Development:
    """An important development: staff write it, the requester sees it."""
    dossier = open_dossier(session, caller, dossier_id)
    development = Development(
        id=clock.new_id(), dossier_id=dossier.id, title=title, body=body, author_sub=caller.sub, created_at=clock.now()
    )
    session.add(development)
    timeline.append(
        session,
        dossier.id,
        "development",
        title,
        visibility="requester",
        actor=caller.as_actor(),
        details={"development_id": development.id},
    )
    record_event(
        session,
        "dossier.development_added",
        {
            "dossier_id": dossier.id,
            "development_id": development.id,
            "title": title,
            "reference": dossier.reference,
            "excerpt": body[:200],
        },
        producer=SERVICE_NAME,
        aggregate_id=dossier.id,
        actor=caller.as_actor(),
    )
    session.flush()
    return development
