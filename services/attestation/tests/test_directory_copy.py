"""The attestation service's copy of the directory, and a person's erasure: the contract stays (kept by law),
the holder's name, email and address go."""

from attestation.handlers import handlers
from platform_shared.directory import DIRECTORY_EVENTS
from platform_shared.testing.unit import deliver, tables_holding


def test_the_worker_listens_to_the_directory_events(settings):
    assert set(DIRECTORY_EVENTS) <= set(handlers(settings))


def test_an_erasure_leaves_the_contract_without_its_holder_s_data(world, db, settings, client, as_agent):
    table = handlers(settings)
    deliver(
        db,
        "attestation",
        table,
        "person.created",
        {"person_id": "p-bob", "sub": "client-bob", "email": "bob@example.test", "name": "Bob Martin"},
    )
    contract = world.contract(world.product()["id"])
    assert "contracts" in tables_holding(db, "bob@example.test")
    deliver(db, "attestation", table, "person.erased", {"person_id": "p-bob", "sub": "client-bob"})
    assert tables_holding(db, "bob@example.test", "Bob Martin") == {}
    kept = client.get(f"/api/v1/contracts/{contract['id']}", headers=as_agent)
    assert kept.status_code == 200 and kept.get_json()["number"] == contract["number"]
