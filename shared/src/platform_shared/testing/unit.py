"""Helpers for fast service tests: a migrated SQLite database per test, tokens, event delivery."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from ..auth import mint_token
from ..config import Settings
from ..db import Database
from ..events import InvalidEventData, check_consumed
from ..messaging.envelope import Envelope, new_envelope, parse_envelope
from ..messaging.inbox import HandlerTable, handle_once
from ..messaging.tables import outbox_table
from ..migrations import upgrade

_templates: dict[tuple[str, str], Path] = {}


def migrated_sqlite_url(tmp_path: Path, migrations_dir: Path, template_dir: Path) -> str:
    """A fresh SQLite file at head: migrated once per test session, then copied per test."""
    key = (str(migrations_dir), str(template_dir))
    template = _templates.get(key)
    if template is None:
        template = template_dir / "template.db"
        upgrade(migrations_dir, f"sqlite:///{template}")
        _templates[key] = template
    target = tmp_path / "service.db"
    shutil.copyfile(template, target)
    return f"sqlite:///{target}"


def bearer(settings: Settings, role: str, sub: str = "someone", **claims: Any) -> dict[str, str]:
    """``Authorization`` header for a caller with ``role``."""
    return {"Authorization": f"Bearer {mint_token(settings, sub=sub, role=role, **claims)}"}


def outbox_events(db: Database, event_type: str | None = None) -> list[Envelope]:
    """The events a service recorded, oldest first."""
    with db.read_only() as session:
        statement = outbox_table.select().order_by(outbox_table.c.seq)
        if event_type:
            statement = statement.where(outbox_table.c.event_type == event_type)
        return [parse_envelope(row.payload) for row in session.execute(statement)]


def deliver(
    db: Database,
    consumer: str,
    handlers: HandlerTable,
    event_type: str,
    data: dict,
    *,
    producer: str = "test",
    actor: dict | None = None,
    envelope: Envelope | None = None,
) -> Envelope:
    """Hand an event to a service's handlers the way its consumer does (inbox included); an event whose data does
    not match its type's schema raises :class:`InvalidEventData` (the consumer would dead-letter it)."""
    envelope = envelope or new_envelope(event_type, data, producer=producer, actor=actor)
    mismatch = check_consumed(envelope.type, envelope.data)
    if mismatch is not None:
        raise InvalidEventData(mismatch)
    handle_once(db, consumer, handlers, envelope)
    return envelope


def tables_holding(db: Database, *values: str) -> dict[str, list[str]]:
    """``table -> values`` for every table of ``db`` whose rows hold one of ``values`` (checking an erasure)."""
    from sqlalchemy import MetaData, select

    metadata = MetaData()
    metadata.reflect(db.engine)
    found: dict[str, list[str]] = {}
    with db.read_only() as session:
        for table in metadata.sorted_tables:
            dump = " ".join(str(tuple(row)) for row in session.execute(select(table)))
            hits = [value for value in values if value.lower() in dump.lower() or _escaped(value) in dump.lower()]
            if hits:
                found[table.name] = hits
    return found


def _escaped(value: str) -> str:
    """``value`` as JSON text writes it (``\\u00e9``), lower-cased."""
    import json

    return json.dumps(value)[1:-1].lower()
