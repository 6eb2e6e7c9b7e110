"""The gateway's own copy of each dossier's status, so visibility checks never call the dossier service."""

from __future__ import annotations

import functools
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from platform_shared import clock

from ..db import DossierState
from ..domain.rules import DossierStatus


def status_of(session: Session, dossier_id: str) -> DossierStatus | None:
    row = session.get(DossierState, dossier_id)
    if row is None:
        return None
    return DossierStatus(status=row.status, partner_visible=row.partner_visible, closed=row.closed)


def record_status(session: Session, dossier_id: str, as_of: datetime, **changes: Any) -> None:
    """Apply what an event (or a read of the dossier) says, unless a newer fact is already known.

    The usual case (the row is there and this fact is not older) is one UPDATE guarded by ``as_of``; only when
    it changes no row is the row read, to tell a newer fact (nothing to do) from a dossier not seen yet.
    """
    params = {"dossier_id_": dossier_id, "as_of_": as_of, **{f"{name}_": value for name, value in changes.items()}}
    changed = session.execute(_guarded_update(frozenset(changes)), params).rowcount
    if changed:
        return
    row = session.get(DossierState, dossier_id)
    if row is None:
        if "status" not in changes:
            return  # a close or change for a dossier never seen: its creation event will bring the whole state
        try:
            with session.begin_nested():
                session.add(
                    DossierState(
                        dossier_id=dossier_id,
                        as_of=as_of,
                        closed=changes.get("closed", False),
                        partner_visible=bool(changes.get("partner_visible", False)),
                        **{k: v for k, v in changes.items() if k not in ("closed", "partner_visible")},
                    )
                )
            return
        except IntegrityError:
            # The API's first read and the creation event raced to insert the row: the other one won,
            # so apply this fact as an update of the row it wrote.
            row = session.get(DossierState, dossier_id, populate_existing=True)
    if as_of < row.as_of:
        return
    for name, value in changes.items():
        setattr(row, name, value)
    row.as_of = as_of


@functools.cache
def _guarded_update(names: frozenset[str]):
    """The UPDATE of ``record_status`` for one set of changed columns, built once (Core, bound parameters): building
    it per event, and the ORM's bulk-update layer, were most of the handler's CPU (issue 18)."""
    table = DossierState.__table__
    return (
        update(table)
        .where(table.c.dossier_id == bindparam("dossier_id_"), table.c.as_of <= bindparam("as_of_"))
        .values(as_of=bindparam("as_of_"), **{name: bindparam(f"{name}_") for name in sorted(names)})
    )


def parse_instant(value: str | None) -> datetime:
    if not value:
        return clock.now()
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def seed_from_dossier(session: Session, dossier: dict[str, Any]) -> None:
    """First sight of a dossier through the dossier service (before its creation event arrived)."""
    if session.get(DossierState, dossier["id"]) is not None:
        return
    record_status(
        session,
        dossier["id"],
        parse_instant(dossier.get("updated_at")),
        status=dossier["status"],
        partner_visible=bool(dossier.get("partner_visible")),
        closed=bool(dossier.get("closed")),
        model_id=dossier.get("model_id"),
        model_version=dossier.get("model_version"),
        reference=dossier.get("reference"),
        title=dossier.get("title"),
        status_label=dossier.get("status_label"),
    )


def record_title(session: Session, dossier_id: str, title: str) -> None:
    """Titles are not ordered against statuses: the last one told wins."""
    row = session.get(DossierState, dossier_id)
    if row is not None:
        row.title = title
