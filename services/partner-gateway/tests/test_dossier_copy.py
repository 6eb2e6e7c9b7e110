"""The gateway's copy of a dossier's status: the newest fact wins, and a known dossier costs one statement
(issue 18: the status change handler was nine round trips)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import event, select

from partner_gateway.db import DossierState
from partner_gateway.handlers import handlers
from partner_gateway.services import dossier_copy
from platform_shared.messaging.envelope import new_envelope
from platform_shared.messaging.inbox import handle_once

T0 = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def _copy(db, dossier_id):
    with db.read_only() as session:
        row = session.get(DossierState, dossier_id)
        return None if row is None else (row.status, row.partner_visible, row.closed, row.as_of)


def _record(db, dossier_id, as_of, **changes):
    with db.transaction() as session:
        dossier_copy.record_status(session, dossier_id, as_of, **changes)


def test_the_newest_fact_wins_whatever_order_the_facts_arrive_in(db):
    _record(db, "d-1", T0, status="review", partner_visible=True)
    _record(db, "d-1", T0 + timedelta(seconds=2), status="decision", partner_visible=False)
    _record(db, "d-1", T0 + timedelta(seconds=1), status="internal_check", partner_visible=True)  # late
    assert _copy(db, "d-1") == ("decision", False, False, T0 + timedelta(seconds=2))
    _record(db, "d-1", T0 + timedelta(seconds=2), closed=True)  # the same instant still applies
    assert _copy(db, "d-1") == ("decision", False, True, T0 + timedelta(seconds=2))


def test_a_close_of_a_dossier_never_seen_records_nothing(db):
    _record(db, "d-2", T0, closed=True)
    assert _copy(db, "d-2") is None


def test_a_status_change_of_a_known_dossier_is_one_update_after_the_inbox_row(db, settings):
    _record(db, "d-3", T0, status="review", partner_visible=True)
    statements = []

    def listen(_connection, _cursor, statement, *_args):
        statements.append(statement.split()[0].upper())

    envelope = new_envelope(
        "dossier.status_changed",
        {"dossier_id": "d-3", "from": "review", "to": "internal_check", "partner_visible": False},
        producer="dossier",
    )
    event.listen(db.engine, "before_cursor_execute", listen)
    try:
        assert handle_once(db, "partner-gateway", handlers(settings), envelope)
    finally:
        event.remove(db.engine, "before_cursor_execute", listen)
    assert [verb for verb in statements if verb != "BEGIN"] == ["INSERT", "UPDATE"]  # inbox row, copy: no SELECT
    with db.read_only() as session:
        assert session.execute(select(DossierState.status)).scalar_one() == "internal_check"
