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


def test_an_erasure_scrubs_the_stored_files_metadata_and_keeps_the_files(db, settings, upload, as_agent, client):
    from sqlalchemy import update

    from documents.db import Document

    table = handlers(settings)
    person = {"person_id": "p-2", "sub": "client-2", "email": "zoe@x.test", "name": "Zoé Roy"}
    deliver(db, "documents", table, "person.created", person)
    response = upload(as_agent, filename="Contrat Zoé Roy.pdf")
    assert response.status_code == 201, response.get_json()
    document_id = response.get_json()["id"]
    with db.transaction() as session:  # what a render leaves: warnings naming a value it could not place
        session.execute(
            update(Document).where(Document.id == document_id).values(warnings=[{"tag": "x", "value": "Zoé Roy"}])
        )
    assert set(tables_holding(db, "Zoé Roy")) >= {"documents"}
    deliver(db, "documents", table, "person.erased", {"person_id": "p-2", "sub": "client-2"})
    assert tables_holding(db, "zoe@x.test", "Zoé Roy") == {}
    kept = client.get(f"/api/v1/documents/{document_id}", headers=as_agent)
    assert kept.status_code == 200 and "[erased]" in kept.get_json()["filename"]
