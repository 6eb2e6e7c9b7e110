"""The local copy of the people directory that every service keeps from the dossier service's events.

The dossier service owns the directory of persons and organisations. Every other service copies the few
things it shows (name, email, language, the account ``sub``) from ``person.created``, ``person.updated``,
``organisation.updated``, ``person.merged`` and ``person.erased`` into its own ``directory_copy`` table, so
timelines, views and emails name people without a call per line. Each service's migration writes the table out
(as the outbox's), and adds :data:`DIRECTORY_EVENTS` to its handler table through :func:`directory_handlers`.

On ``person.erased`` the service first runs its own erasure (``on_erased``: the rows of its tables that hold the
person's data, found by the copy's ``sub``, email and name), then drops the copy's row and redacts the person's
values from its outbox, payloads and ``last_error`` alike (an event already published keeps no trace of them in
the database).

Events can arrive late and out of order (a handler that failed is retried seconds later, after the events that
followed it), so the copy keeps each entry as of its latest event (``updated_at`` is the event's ``occurred_at``)
and an older event changes nothing. An erased or merged-away person leaves a *tombstone* (kind ``gone``, every
value emptied) rather than no row: a ``person.updated`` retried after the erasure would otherwise copy the erased
person's name and email back. A tombstone is final, and every lookup reads it as unknown.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from sqlalchemy import Column, Index, MetaData, String, Table, Text, cast, or_, select
from sqlalchemy.orm import Session

from .db import UTCDateTime
from .errors import ValidationFailed
from .events import event_data
from .i18n import supported
from .messaging.envelope import Envelope
from .messaging.tables import outbox_table

DIRECTORY_EVENTS = ("person.created", "person.updated", "organisation.updated", "person.merged", "person.erased")
ERASED = "[erased]"
PERSON, ORGANISATION = "person", "organisation"
GONE = "gone"  # the tombstone of an erased or merged-away person: final, read as unknown


def _directory_copy(metadata: MetaData) -> Table:
    return Table(
        "directory_copy",
        metadata,
        Column("entry_id", String(36), primary_key=True),
        Column("kind", String(16), nullable=False),
        Column("sub", String(200), nullable=True),
        Column("email", String(320), nullable=True),
        Column("name", String(200), nullable=True),
        Column("language", String(8), nullable=True),
        Column("updated_at", UTCDateTime(), nullable=False),
        Index("ix_directory_copy_sub", "sub"),
        Index("ix_directory_copy_email", "email"),
    )


directory_metadata = MetaData()
directory_copy_table = _directory_copy(directory_metadata)


def attach_directory_copy(metadata: MetaData) -> None:
    """Add ``directory_copy`` to a service's metadata (for the migration contract)."""
    if directory_copy_table.name not in metadata.tables:
        directory_copy_table.to_metadata(metadata)


@dataclass(frozen=True)
class PersonRef:
    """Who an erasure or a lookup is about, as the local copy knows them (any part may be unknown)."""

    entry_id: str
    sub: str | None = None
    email: str | None = None
    name: str | None = None
    language: str | None = None

    def values(self) -> list[str]:
        """The personal values to scrub from free-form columns (email and name)."""
        return [value for value in (self.email, self.name) if value]


def _ref(row) -> PersonRef:
    return PersonRef(row.entry_id, row.sub, row.email, row.name, row.language)


def _upsert(session: Session, envelope: Envelope, entry_id: str, kind: str, **values) -> None:
    """The entry as ``envelope`` says it was, unless the copy already holds a later state or its tombstone."""
    table = directory_copy_table
    occurred = envelope.occurred
    existing = session.execute(select(table.c.kind, table.c.updated_at).where(table.c.entry_id == entry_id)).first()
    if existing is None:
        session.execute(table.insert().values(entry_id=entry_id, kind=kind, updated_at=occurred, **values))
    elif existing.kind != GONE and existing.updated_at <= occurred:
        session.execute(table.update().where(table.c.entry_id == entry_id).values(updated_at=occurred, **values))


def _bury(session: Session, envelope: Envelope, entry_id: str, *, sub: str | None = None) -> None:
    """Leave the tombstone of ``entry_id`` (and of any other person entry of account ``sub``)."""
    table = directory_copy_table
    gone = {"kind": GONE, "sub": None, "email": None, "name": None, "language": None}
    conditions = [table.c.entry_id == entry_id]
    if sub:
        conditions.append(table.c.sub == sub)
    session.execute(
        table.update()
        .where(or_(*conditions), table.c.kind.in_((PERSON, GONE)))
        .values(updated_at=envelope.occurred, **gone)
    )
    if session.execute(select(table.c.entry_id).where(table.c.entry_id == entry_id)).first() is None:
        session.execute(table.insert().values(entry_id=entry_id, updated_at=envelope.occurred, **gone))


def lookup(session: Session, *, sub: str | None = None, email: str | None = None) -> PersonRef | None:
    """The person the copy knows by account ``sub``, else by email."""
    table = directory_copy_table
    for column, value in ((table.c.sub, sub), (table.c.email, (email or "").strip().lower() or None)):
        if value:
            row = session.execute(
                select(table).where(column == value, table.c.kind == PERSON).order_by(table.c.updated_at.desc())
            ).first()
            if row is not None:
                return _ref(row)
    return None


def entry(session: Session, entry_id: str) -> PersonRef | None:
    """The entry the copy knows by id; None for an unknown, erased or merged-away one."""
    row = session.execute(
        select(directory_copy_table).where(
            directory_copy_table.c.entry_id == entry_id, directory_copy_table.c.kind != GONE
        )
    ).first()
    return _ref(row) if row is not None else None


def referenced(session: Session, entry_id: str, kind: str, *, field: str) -> PersonRef:
    """The copy's entry ``entry_id`` of ``kind`` (person or organisation) a request body refers to; 422 naming
    ``field`` when the copy does not know it (unknown, merged away or erased). An organisation's ``sub`` is its
    code (the token's ``org`` claim)."""
    found = entry(session, entry_id)
    if found is None or kind_of(session, entry_id) != kind:
        raise ValidationFailed(f"Unknown {kind}.", errors={field: [f"no {kind} {entry_id} in the directory"]})
    return found


def kind_of(session: Session, entry_id: str) -> str | None:
    """``person`` or ``organisation`` for an entry the copy knows, else None."""
    kind = session.scalar(select(directory_copy_table.c.kind).where(directory_copy_table.c.entry_id == entry_id))
    return None if kind == GONE else kind


def names_by_id(session: Session, entry_ids: Iterable[str | None]) -> dict[str, str]:
    """``entry_id -> name`` for the persons and organisations of ``entry_ids`` the copy knows (one query)."""
    wanted = sorted({entry_id for entry_id in entry_ids if entry_id})
    if not wanted:
        return {}
    table = directory_copy_table
    rows = session.execute(
        select(table.c.entry_id, table.c.name).where(table.c.entry_id.in_(wanted), table.c.name.is_not(None))
    )
    return {row.entry_id: row.name for row in rows}


def names_by_sub(session: Session, subs: Iterable[str | None]) -> dict[str, str]:
    """``sub -> name`` for the persons of ``subs`` the copy knows (one query for a whole page)."""
    wanted = sorted({sub for sub in subs if sub})
    if not wanted:
        return {}
    table = directory_copy_table
    rows = session.execute(select(table.c.sub, table.c.name).where(table.c.sub.in_(wanted), table.c.name.is_not(None)))
    return {row.sub: row.name for row in rows}


def redact_outbox(session: Session, values: Iterable[str]) -> int:
    """Replace ``values`` by ``[erased]`` in every outbox row that holds them, in its payload (JSON text) and in
    its ``last_error`` (the relay's last failure, plain text); returns the rows changed."""
    wanted = {item for item in json_encodings(values) | {value for value in values if value} if len(item) >= 2}
    changed: set[int] = set()
    for column in (outbox_table.c.payload, outbox_table.c.last_error):
        for encoded in sorted(wanted, key=len, reverse=True):
            rows = session.execute(
                select(outbox_table.c.seq, column).where(column.icontains(encoded, autoescape=True))
            ).all()
            for seq, text in rows:
                session.execute(
                    outbox_table.update()
                    .where(outbox_table.c.seq == seq)
                    .values({column.key: replace_ignoring_case(text, encoded, ERASED)})
                )
                changed.add(seq)
    return len(changed)


def json_encodings(values: Iterable[str]) -> set[str]:
    """Each value as it appears inside JSON text: escaped (``\\u00e9``) and as is."""
    return {json.dumps(value, ensure_ascii=ascii)[1:-1] for value in values if value for ascii in (True, False)}


def scrub_rows(session: Session, model, ref: PersonRef, *, text=(), json_columns=(), sub_columns=()) -> int:
    """Replace the person's email and name by ``[erased]`` in ``model``'s ``text`` and ``json_columns`` of every
    row that holds them (or whose ``sub_columns`` is the person's account); returns the rows changed."""
    conditions = []
    for value in ref.values():
        conditions += [getattr(model, name).icontains(value, autoescape=True) for name in text]
    for encoded in json_encodings(ref.values()):
        conditions += [cast(getattr(model, name), Text).icontains(encoded, autoescape=True) for name in json_columns]
    if ref.sub:
        conditions += [getattr(model, name) == ref.sub for name in sub_columns]
    if not conditions or not ref.values():
        return 0
    changed = 0
    for row in session.scalars(select(model).where(or_(*conditions))):
        for name in text:
            setattr(row, name, scrub(getattr(row, name), ref))
        for name in json_columns:
            setattr(row, name, scrub_json(getattr(row, name), ref))
        changed += 1
    return changed


def scrub(text: str | None, ref: PersonRef) -> str | None:
    """``text`` with the person's email and name replaced by ``[erased]``."""
    if not text:
        return text
    for value in ref.values():
        text = replace_ignoring_case(text, value, ERASED)
    return text


def replace_ignoring_case(text: str, value: str, by: str) -> str:
    """``text`` with every occurrence of ``value`` replaced, whatever its case (emails are often mixed-case)."""
    return re.sub(re.escape(value), lambda _match: by, text, flags=re.IGNORECASE)


def scrub_json(value, ref: PersonRef):
    """A JSON value (dict, list, string) with the person's values replaced, at any depth."""
    if isinstance(value, str):
        return scrub(value, ref)
    if isinstance(value, list):
        return [scrub_json(item, ref) for item in value]
    if isinstance(value, dict):
        return {key: scrub_json(item, ref) for key, item in value.items()}
    return value


Eraser = Callable[[Session, PersonRef], None]


def directory_handlers(
    on_erased: Eraser | None = None, dead_letters: Callable[[list[str]], int] | None = None
) -> dict[str, Callable[[Session, Envelope], None]]:
    """The handlers keeping ``directory_copy`` up to date; ``on_erased`` erases the service's own rows,
    ``dead_letters`` the person's values from its dead-letter queue (``dead_letter_erasure``)."""

    def on_person(session: Session, envelope: Envelope) -> None:
        data = event_data(envelope)
        _upsert(
            session,
            envelope,
            data["person_id"],
            PERSON,
            sub=data["sub"],
            email=(data["email"] or "").strip().lower() or None,
            name=data["name"],
            language=supported(data["language"]),
        )

    def on_organisation(session: Session, envelope: Envelope) -> None:
        data = event_data(envelope)
        _upsert(session, envelope, data["organisation_id"], ORGANISATION, name=data["name"], sub=data["code"])

    def on_merged(session: Session, envelope: Envelope) -> None:
        _bury(session, envelope, event_data(envelope)["duplicate_id"])

    def on_erased_event(session: Session, envelope: Envelope) -> None:
        data = event_data(envelope)
        person_id = data["person_id"]
        known = entry(session, person_id)
        ref = PersonRef(
            person_id,
            sub=(known.sub if known else None) or data["sub"],
            email=known.email if known else None,
            name=known.name if known else None,
        )
        if on_erased is not None:
            on_erased(session, ref)
        _bury(session, envelope, person_id, sub=ref.sub)
        redact_outbox(session, ref.values())
        if dead_letters is not None:
            dead_letters(ref.values())

    return {
        "person.created": on_person,
        "person.updated": on_person,
        "organisation.updated": on_organisation,
        "person.merged": on_merged,
        "person.erased": on_erased_event,
    }
