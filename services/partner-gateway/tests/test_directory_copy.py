"""The partner-gateway's copy of the directory, and a person's erasure: their name and email leave every table."""

from gateway_world import World

from partner_gateway.handlers import handlers
from platform_shared.directory import DIRECTORY_EVENTS
from platform_shared.testing.unit import tables_holding


def test_the_worker_listens_to_the_directory_events(settings):
    assert set(DIRECTORY_EVENTS) <= set(handlers(settings))


def test_an_erasure_leaves_no_name_or_email_of_the_person(client, db, settings, upstream):
    world = World(client, db, settings, upstream)
    dossier_id = world.dossier()
    world.event(
        "person.created", {"person_id": "p-gus", "sub": None, "email": "gus@example.org", "name": "Gus Guarantor"}
    )
    world.invite(dossier_id, name="Gus Guarantor", email="gus@example.org")
    partner = client.post(
        "/api/v1/partners",
        json={"name": "Gus Guarantor", "email": "gus@example.org", "kind": "external"},
        headers=world.agent,
    )
    assert partner.status_code == 201
    assert "invitations" in tables_holding(db, "gus@example.org")
    world.event("person.erased", {"person_id": "p-gus", "sub": None})
    assert tables_holding(db, "gus@example.org", "Gus Guarantor") == {}


def test_an_agent_invites_a_person_picked_in_the_directory(client, db, settings, upstream):
    world = World(client, db, settings, upstream)
    dossier_id = world.dossier()
    world.event("person.created", {"person_id": "p-lea", "email": "lea@example.org", "name": "Léa Garnier"})
    invited = world.try_invite(dossier_id, kind="participant", role=None, name=None, email=None, person_id="p-lea")
    assert invited.status_code == 201, invited.get_json()
    assert (invited.get_json()["name"], invited.get_json()["email"]) == ("Léa Garnier", "lea@example.org")
    unknown = world.try_invite(dossier_id, name=None, email=None, person_id="p-nobody")
    assert unknown.status_code == 422 and "person_id" in unknown.get_json()["errors"]
    nobody = world.try_invite(dossier_id, name=None, email=None)
    assert nobody.status_code == 422 and set(nobody.get_json()["errors"]) == {"name", "email"}
