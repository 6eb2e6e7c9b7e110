"""The directory's local copy every service keeps: kept from person/organisation events, looked up by account or
email, and an erasure that runs the service's own eraser, drops the copy and redacts the outbox."""

import dataclasses

import pytest
from sqlalchemy import select

from platform_shared import directory
from platform_shared.messaging.envelope import new_envelope
from platform_shared.messaging.inbox import handle_once
from platform_shared.messaging.outbox import record_event
from platform_shared.messaging.tables import outbox_table

CAMILLE = {
    "person_id": "p-1",
    "sub": "acct-1",
    "email": "Camille@X.test",
    "name": "Camille Hélène",
    "language": "en-GB",
}


@pytest.fixture
def copy_db(db):
    directory.directory_metadata.create_all(db.engine)  # test fixture only: services use Alembic
    return db


def run(db, handlers, event_type, data):
    handle_once(db, "demo", handlers, new_envelope(event_type, data, producer="dossier"))


def test_person_events_fill_and_update_the_copy(copy_db):
    handlers = directory.directory_handlers()
    run(copy_db, handlers, "person.created", CAMILLE)
    with copy_db.read_only() as session:
        found = directory.lookup(session, email="camille@x.test")
        assert (found.sub, found.email, found.name, found.language) == (
            "acct-1",
            "camille@x.test",
            "Camille Hélène",
            "en",
        )
        assert directory.names_by_sub(session, ["acct-1", "other", None]) == {"acct-1": "Camille Hélène"}
    run(copy_db, handlers, "person.updated", {**CAMILLE, "name": "Camille Durand"})
    run(copy_db, handlers, "organisation.updated", {"organisation_id": "o-1", "code": "acme", "name": "Acme"})
    with copy_db.read_only() as session:
        assert directory.lookup(session, sub="acct-1").name == "Camille Durand"
        assert directory.entry(session, "o-1").name == "Acme"
        assert directory.lookup(session, sub="acme") is None  # an organisation is not a person


def test_a_merged_duplicate_leaves_the_copy(copy_db):
    handlers = directory.directory_handlers()
    run(copy_db, handlers, "person.created", CAMILLE)
    run(copy_db, handlers, "person.merged", {"person_id": "p-2", "duplicate_id": "p-1"})
    with copy_db.read_only() as session:
        assert directory.entry(session, "p-1") is None


def test_an_erasure_runs_the_eraser_drops_the_copy_and_redacts_the_outbox(copy_db):
    erased = []
    handlers = directory.directory_handlers(on_erased=lambda session, ref: erased.append(ref))
    run(copy_db, handlers, "person.created", CAMILLE)
    with copy_db.transaction() as session:
        record_event(session, "thing.sent", {"to": "camille@x.test", "who": "Camille Hélène"}, producer="demo")
    run(copy_db, handlers, "person.erased", {"person_id": "p-1", "sub": "acct-1"})
    assert [(ref.sub, ref.email, ref.name) for ref in erased] == [("acct-1", "camille@x.test", "Camille Hélène")]
    with copy_db.read_only() as session:
        assert directory.entry(session, "p-1") is None
        (payload,) = session.execute(select(outbox_table.c.payload)).scalars()
    assert "camille@x.test" not in payload and "Camille" not in payload and "H\\u00e9l\\u00e8ne" not in payload
    assert '"to":"[erased]"' in payload


def test_an_erasure_of_a_person_never_copied_still_runs_by_account(copy_db):
    erased = []
    handlers = directory.directory_handlers(on_erased=lambda session, ref: erased.append(ref))
    run(copy_db, handlers, "person.erased", {"person_id": "p-9", "sub": "acct-9"})
    assert [(ref.sub, ref.email) for ref in erased] == [("acct-9", None)]


def test_scrub_replaces_values_at_any_depth():
    ref = directory.PersonRef("p-1", email="a@x.test", name="Ann Lee")
    assert directory.scrub_json({"a": ["Hi Ann Lee", {"b": "a@x.test"}], "n": 3}, ref) == {
        "a": ["Hi [erased]", {"b": "[erased]"}],
        "n": 3,
    }


def test_scrub_ignores_case_and_reads_special_characters_literally():
    ref = directory.PersonRef("p-1", email="ann_1%@x.test", name="Ann (Lee)")
    assert directory.scrub("To ANN_1%@X.TEST, ann (lee)", ref) == "To [erased], [erased]"
    assert directory.scrub("To ann11@x.test", ref) == "To ann11@x.test"


def test_a_pseudonym_is_stable_per_account_says_the_role_and_never_shows_the_account_id():
    from platform_shared.pseudonyms import pseudonym

    first = pseudonym("acct-12345678", "client")
    assert first == pseudonym("acct-12345678", "client") and first.startswith("Client ")
    assert "acct-12345678" not in first and "12345678" not in first
    assert pseudonym("acct-87654321", "client") != first
    assert pseudonym("acct-12345678", None).startswith("Person ")


def test_a_reader_keeps_their_own_account_id_and_loses_everyone_else_s_at_any_depth():
    from platform_shared.pseudonyms import without_others_accounts

    answer = {
        "notes": [
            {"author_sub": "me", "author_name": "Me", "body": "mine"},
            {"author_sub": "agent-7", "author_name": "Ana", "body": "theirs"},
        ],
        "attendees": [{"sub": "agent-7", "name": "Ana"}],
        "details": {"assignee_sub": "agent-7", "previous_assignee_sub": None},
        "answers": [{"saved_by": "agent-7", "version": 1}],
        "partner_sub": "me",
        "subject": "kept: not an account key",
    }
    assert without_others_accounts(answer, "me") == {
        "notes": [
            {"author_sub": "me", "author_name": "Me", "body": "mine"},
            {"author_name": "Ana", "body": "theirs"},
        ],
        "attendees": [{"name": "Ana"}],
        "details": {"previous_assignee_sub": None},
        "answers": [{"version": 1}],
        "partner_sub": "me",
        "subject": "kept: not an account key",
    }


def test_an_erasure_also_redacts_the_relay_s_last_error_of_an_outbox_row(copy_db):
    handlers = directory.directory_handlers()
    run(copy_db, handlers, "person.created", CAMILLE)
    with copy_db.transaction() as session:
        record_event(session, "thing.sent", {"to": "camille@x.test"}, producer="demo")
        session.execute(
            outbox_table.update().values(last_error="returned: no route for Camille Hélène <CAMILLE@x.test>")
        )
    run(copy_db, handlers, "person.erased", {"person_id": "p-1", "sub": "acct-1"})
    with copy_db.read_only() as session:
        (error,) = session.execute(select(outbox_table.c.last_error)).scalars()
    assert error == "returned: no route for [erased] <[erased]>"


def _at(event_type, data, occurred_at):
    return dataclasses.replace(new_envelope(event_type, data, producer="dossier"), occurred_at=occurred_at)


def test_a_person_updated_retried_after_the_erasure_copies_nothing_back(copy_db):
    handlers = directory.directory_handlers()
    late = _at("person.updated", {**CAMILLE, "name": "Camille Durand"}, "2026-12-03T10:00:00.000001Z")
    run(copy_db, handlers, "person.created", CAMILLE)
    handle_once(
        copy_db, "demo", handlers, _at("person.erased", {"person_id": "p-1", "sub": "acct-1"}, "2026-12-03T10:00:01Z")
    )
    handle_once(copy_db, "demo", handlers, late)  # its handler had failed: retried after the erasure
    with copy_db.read_only() as session:
        assert directory.entry(session, "p-1") is None and directory.kind_of(session, "p-1") is None
        assert directory.lookup(session, sub="acct-1") is None
        assert directory.lookup(session, email="camille@x.test") is None
        assert directory.names_by_id(session, ["p-1"]) == {} and directory.names_by_sub(session, ["acct-1"]) == {}
        rows = session.execute(select(directory.directory_copy_table)).all()
    assert [(row.kind, row.sub, row.email, row.name) for row in rows] == [(directory.GONE, None, None, None)]


def test_an_older_event_arriving_after_a_newer_one_changes_nothing(copy_db):
    handlers = directory.directory_handlers()
    newer = _at("person.updated", {**CAMILLE, "name": "Camille Durand"}, "2026-12-03T10:00:02Z")
    older = _at("person.updated", {**CAMILLE, "name": "Camille Martin"}, "2026-12-03T10:00:01Z")
    handle_once(copy_db, "demo", handlers, newer)
    handle_once(copy_db, "demo", handlers, older)
    with copy_db.read_only() as session:
        assert directory.entry(session, "p-1").name == "Camille Durand"
    handle_once(
        copy_db, "demo", handlers, _at("person.updated", {**CAMILLE, "name": "Camille D."}, "2026-12-03T10:00:03Z")
    )
    with copy_db.read_only() as session:
        assert directory.entry(session, "p-1").name == "Camille D."


def test_a_merged_duplicate_is_not_copied_back_by_a_late_event(copy_db):
    handlers = directory.directory_handlers()
    late = _at("person.updated", CAMILLE, "2026-12-03T10:00:00Z")
    handle_once(
        copy_db,
        "demo",
        handlers,
        _at("person.merged", {"person_id": "p-2", "duplicate_id": "p-1"}, "2026-12-03T10:00:01Z"),
    )
    handle_once(copy_db, "demo", handlers, late)
    with copy_db.read_only() as session:
        assert directory.entry(session, "p-1") is None and directory.lookup(session, sub="acct-1") is None


def test_for_reader_leaves_staff_and_services_every_id_and_strips_others_for_clients_and_partners():
    from platform_shared.auth import Caller
    from platform_shared.pseudonyms import for_reader

    document = {"id": "doc-1", "uploaded_by": {"sub": "agent-7", "role": "agent"}}
    for role, sub in (("agent", "agent-1"), ("admin", "admin-1"), ("service", "service:dossier")):
        assert for_reader(document, Caller(sub=sub, role=role)) == document
    for role in ("client", "partner"):
        assert for_reader(document, Caller(sub="me", role=role)) == {"id": "doc-1", "uploaded_by": {"role": "agent"}}
    mine = {"id": "doc-2", "uploaded_by": {"sub": "me", "role": "client"}}
    assert for_reader(mine, Caller(sub="me", role="client")) == mine
    assert document["uploaded_by"]["sub"] == "agent-7"  # the answer is copied, never changed in place
