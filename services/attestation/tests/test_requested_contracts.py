"""A contract request from the portal (the dossier service's ``dossier.created``) lands in the contracts list,
``requested`` and linked to its dossier, where staff complete it like any other contract."""

from attestation import handlers
from platform_shared.testing.unit import deliver, outbox_events


def dossier_created(**changes) -> dict:
    return {
        "dossier_id": "d-1",
        "reference": "DOS-2026-000042",
        "title": "Distribution agreement",
        "kind": "contract",
        "origin": "portal",
        "category": "contracts",
        "client_sub": "client-bob",
        "client_org": "acme",
        "client_email": "bob@example.test",
        "client_name": "Camille Martin",
        **changes,
    }


def receive(db, settings, data):
    return deliver(db, "attestation", handlers.handlers(settings), "dossier.created", data, producer="dossier")


def test_a_portal_contract_request_becomes_a_requested_contract_linked_to_its_dossier(
    client, db, settings, as_agent, as_client
):
    receive(db, settings, dossier_created())
    (contract,) = client.get("/api/v1/contracts?status=requested", headers=as_agent).get_json()["items"]
    assert (contract["number"], contract["dossier_id"], contract["product_id"]) == ("DOS-2026-000042", "d-1", None)
    assert (contract["owner_sub"], contract["owner_org"], contract["owner_name"]) == (
        "client-bob",
        "acme",
        "Camille Martin",
    )
    assert [item["id"] for item in client.get("/api/v1/contracts", headers=as_client).get_json()["items"]] == [
        contract["id"]
    ]
    (event,) = outbox_events(db, "contract.requested")
    assert event.data["contract_id"] == contract["id"] and event.data["dossier_id"] == "d-1"
    assert event.data["status"] == "requested"
    options = client.get(f"/api/v1/contracts/{contract['id']}/attestation-options", headers=as_client).get_json()
    assert options["enabled"] is False and "no_template" in options["reasons"]


def test_a_dossier_request_or_a_crm_contract_dossier_is_not_a_contract_request(client, db, settings, as_agent):
    receive(db, settings, dossier_created(kind="dossier"))
    receive(db, settings, dossier_created(dossier_id="d-2", origin="crm"))
    assert client.get("/api/v1/contracts", headers=as_agent).get_json()["items"] == []


def test_the_same_dossier_is_registered_once(client, db, settings, as_agent):
    receive(db, settings, dossier_created())
    receive(db, settings, dossier_created())  # another event about the same dossier
    assert len(client.get("/api/v1/contracts", headers=as_agent).get_json()["items"]) == 1


def test_staff_complete_a_requested_contract_like_any_other(client, world, db, settings, as_agent):
    receive(db, settings, dossier_created())
    (contract,) = client.get("/api/v1/contracts", headers=as_agent).get_json()["items"]
    path = f"/api/v1/contracts/{contract['id']}"
    incomplete = client.patch(path, json={"status": "in_force"}, headers=as_agent)
    assert incomplete.status_code == 422 and "product_id" in incomplete.get_json()["errors"]
    product = world.product()
    done = client.patch(
        path, json={"status": "in_force", "product_id": product["id"], "start_date": "2026-11-01"}, headers=as_agent
    )
    assert done.status_code == 200 and done.get_json()["status"] == "in_force"
    assert outbox_events(db, "contract.updated")[0].data["dossier_id"] == "d-1"
