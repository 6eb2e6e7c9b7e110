"""Notes (with visibility) and important developments on a dossier."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from platform_shared import clock
from platform_shared.auth import Caller
from platform_shared.errors import ValidationFailed
from platform_shared.messaging.outbox import record_event
from .paging import checked_page

from .. import SERVICE_NAME
from ..db import Development, Note
from ..domain.access import sees_everything, visible_audiences
from . import timeline
from .dossiers import open_dossier, visible_dossier

EXCERPT_LENGTH = 200


def add_note(session: Session, caller: Caller, dossier_id: str, body: str, visibility: str | None) -> Note:
    """Staff choose any visibility (internal by default); clients write to the requester side, never internal."""
    dossier = open_dossier(session, caller, dossier_id)
    if visibility is None:
        visibility = "internal" if sees_everything(caller) else "requester"
    if visibility not in visible_audiences(caller):
        raise ValidationFailed("Clients cannot write internal notes.",
                               errors={"visibility": ["must be requester or participants"]})
    note = Note(id=clock.new_id(), dossier_id=dossier.id, visibility=visibility, body=body, author_sub=caller.sub,
                author_role=caller.role, author_name=caller.name, created_at=clock.now())
    session.add(note)
    timeline.append(session, dossier.id, "note", f"Note by {caller.name or caller.sub}", visibility=visibility,
                    actor=caller.as_actor(), details={"note_id": note.id})
    record_event(session, "dossier.note_added", {
        "dossier_id": dossier.id, "note_id": note.id, "visibility": visibility, "author_sub": caller.sub,
        "author_role": caller.role, "excerpt": body[:EXCERPT_LENGTH]},
        producer=SERVICE_NAME, aggregate_id=dossier.id, actor=caller.as_actor())
    session.flush()
    return note


def list_notes(session: Session, caller: Caller, dossier_id: str, *, limit: int,
               cursor: str | None) -> tuple[list[Note], str | None]:
    visible_dossier(session, caller, dossier_id)
    statement = select(Note).where(Note.dossier_id == dossier_id, Note.visibility.in_(visible_audiences(caller)))
    return checked_page(session, statement, [Note.created_at, Note.id], limit=limit, cursor=cursor)


def add_development(session: Session, caller: Caller, dossier_id: str, title: str, body: str) -> Development:
    """An important development: staff write it, the requester sees it."""
    dossier = open_dossier(session, caller, dossier_id)
    development = Development(id=clock.new_id(), dossier_id=dossier.id, title=title, body=body,
                              author_sub=caller.sub, created_at=clock.now())
    session.add(development)
    timeline.append(session, dossier.id, "development", title, visibility="requester", actor=caller.as_actor(),
                    details={"development_id": development.id})
    record_event(session, "dossier.development_added",
                 {"dossier_id": dossier.id, "development_id": development.id, "title": title},
                 producer=SERVICE_NAME, aggregate_id=dossier.id, actor=caller.as_actor())
    session.flush()
    return development
