"""The directory's copy: recipients named and addressed in their language from ``person.*`` events, never
"Bonjour ," without a name, and an erasure leaving none of the person's data in the database."""

import pytest
from sqlalchemy import text

from notification.handlers import handlers
from notification.jobs import build_message
from platform_shared.directory import DIRECTORY_EVENTS

CLIENT = {"person_id": "p-1", "sub": "client-1", "email": "camille@x.test", "name": "Camille Martin", "language": "en"}


@pytest.fixture
def emails(db, settings):
    from sqlalchemy import select

    from notification.db import Delivery

    def _emails(event_id):
        with db.read_only() as session:
            rows = session.execute(
                select(Delivery).where(Delivery.event_id == event_id, Delivery.channel == "email")
            ).scalars()
            built = {row.recipient: build_message(settings, [row]) for row in rows}
        return {address: message.get_body(("plain",)).get_content() for address, message in built.items()}

    return _emails


def created(publish, **changes):
    data = {
        "dossier_id": "d-1",
        "reference": "DOS-1",
        "title": "Roof",
        "model_id": "m-1",
        "category": "building",
        "origin": "crm",
        "status": "open",
        "client_visible": True,
        "partner_visible": False,
        "client_sub": "client-1",
        "client_email": "camille@x.test",
        "assignee_sub": "agent-1",
    }
    data.update(changes)
    return publish("dossier.created", data, actor={"sub": "agent-1", "role": "agent", "email": "agent@x.test"})


def status_changed(publish):
    return publish(
        "dossier.status_changed",
        {
            "dossier_id": "d-1",
            "reference": "DOS-1",
            "from": "open",
            "to": "review",
            "status_label": "Review",
            "client_visible": True,
            "partner_visible": False,
        },
        actor={"sub": "agent-1", "role": "agent"},
    )


def test_the_worker_listens_to_the_directory_events(settings):
    assert set(DIRECTORY_EVENTS) <= set(handlers(settings))


def test_a_recipient_is_named_and_written_to_in_the_directory_language(publish, emails):
    publish("person.created", CLIENT, actor={"sub": "agent-1", "role": "agent"})
    created(publish)
    body = emails(status_changed(publish).id)["camille@x.test"]
    assert body.startswith("Hello Camille Martin,")


def test_without_any_name_the_greeting_has_no_dangling_comma(publish, emails):
    created(publish)
    body = emails(status_changed(publish).id)["camille@x.test"]
    assert body.startswith("Bonjour,")
    assert "Bonjour ," not in body


def test_a_later_update_renames_the_recipient(publish, emails):
    publish("person.created", CLIENT)
    publish("person.updated", {**CLIENT, "name": "Camille Durand", "language": "fr"})
    created(publish)
    assert emails(status_changed(publish).id)["camille@x.test"].startswith("Bonjour Camille Durand,")


def test_an_erasure_leaves_none_of_the_person_s_data(publish, db):
    publish("person.created", CLIENT)
    created(publish, client_name="Camille Martin")
    status_changed(publish)
    publish(
        "dossier.note_added",
        {
            "dossier_id": "d-1",
            "note_id": "n-1",
            "visibility": "requester",
            "author_sub": "agent-1",
            "author_role": "agent",
            "excerpt": "Hi",
        },
        actor={"sub": "agent-1", "role": "agent"},
    )
    with db.read_only() as session:
        assert "camille@x.test" in str(session.execute(text("SELECT * FROM deliveries")).all())
    publish("person.erased", {"person_id": "p-1", "sub": "client-1"})
    with db.read_only() as session:
        tables = [row[0] for row in session.execute(text("SELECT name FROM sqlite_master WHERE type='table'"))]
        for table in tables:
            dump = str(session.execute(text(f'SELECT * FROM "{table}"')).all())
            assert "camille@x.test" not in dump, table
            assert "Camille Martin" not in dump, table
        statuses = {row[0] for row in session.execute(text("SELECT status FROM deliveries"))}
        assert "pending" not in statuses
