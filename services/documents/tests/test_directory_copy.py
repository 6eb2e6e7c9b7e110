"""The documents service's copy of the directory, and a person's erasure (the copy goes, files stay)."""

from documents.handlers import handlers
from platform_shared.directory import DIRECTORY_EVENTS
from platform_shared.testing.unit import deliver, tables_holding


def test_the_worker_listens_to_the_directory_events(settings):
    assert set(DIRECTORY_EVENTS) <= set(handlers(settings))


def test_an_erasure_leaves_no_name_or_email_of_the_person(db, settings):
    table = handlers(settings)
    person = {"person_id": "p-1", "sub": "client-1", "email": "ann@x.test", "name": "Ann Lee"}
    deliver(db, "documents", table, "person.created", person)
    assert tables_holding(db, "ann@x.test") == {"directory_copy": ["ann@x.test"]}
    deliver(db, "documents", table, "person.erased", {"person_id": "p-1", "sub": "client-1"})
    assert tables_holding(db, "ann@x.test", "Ann Lee") == {}
