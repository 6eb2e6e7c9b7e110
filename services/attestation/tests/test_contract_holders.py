"""A contract's holder is a directory entry (issue 21): checked against the local copy, named from it, and
listed on the person's or the organisation's page through ``GET /contracts?holder_id=``."""

import uuid

from attestation.handlers import handlers
from platform_shared.testing.unit import deliver, outbox_events


def _person(db, settings, person_id, name, *, sub=None, email=None):
    data = {"person_id": person_id, "sub": sub, "email": email, "name": name, "language": "fr"}
    deliver(db, "attestation", handlers(settings), "person.created", data)


def _organisation(db, settings, organisation_id, code, name):
    data = {"organisation_id": organisation_id, "code": code, "name": name, "registration_number": None}
    deliver(db, "attestation", handlers(settings), "organisation.updated", data)


def _create(client, as_agent, product_id, **holder):
    body = {"number": f"C-{uuid.uuid4().hex[:10]}", "product_id": product_id, "start_date": "2026-01-01", **holder}
    return client.post("/api/v1/contracts", json=body, headers=as_agent)


def test_a_holder_from_the_directory_gives_the_contract_its_account_email_and_name(
    client, world, db, settings, as_agent
):
    _person(db, settings, "p-ana", "Ana Lopez", sub="client-ana", email="ana@example.test")
    _organisation(db, settings, "o-acme", "acme", "Acme SA")
    response = _create(
        client, as_agent, world.product()["id"], holder_person_id="p-ana", holder_organisation_id="o-acme"
    )
    assert response.status_code == 201, response.get_json()
    contract = response.get_json()
    assert (contract["owner_sub"], contract["owner_email"], contract["owner_name"], contract["owner_org"]) == (
        "client-ana",
        "ana@example.test",
        "Ana Lopez",
        "acme",
    )
    assert (contract["holder_name"], contract["holder_organisation_name"]) == ("Ana Lopez", "Acme SA")
    (event,) = outbox_events(db, "contract.created")
    assert (event.data["holder_person_id"], event.data["holder_organisation_id"]) == ("p-ana", "o-acme")


def test_an_unknown_holder_is_a_422_naming_the_field_and_nothing_is_written(client, world, db, settings, as_agent):
    _organisation(db, settings, "o-acme", "acme", "Acme SA")
    product_id = world.product()["id"]
    for field, value in (("holder_person_id", "p-nobody"), ("holder_person_id", "o-acme")):
        response = _create(client, as_agent, product_id, **{field: value})
        assert response.status_code == 422 and field in response.get_json()["errors"], response.get_json()
        assert response.headers["Content-Type"].startswith("application/problem+json")
    response = _create(client, as_agent, product_id, holder_organisation_id="o-unknown", owner_sub="client-x")
    assert response.status_code == 422 and "holder_organisation_id" in response.get_json()["errors"]
    assert outbox_events(db, "contract.created") == []
    assert client.get("/api/v1/contracts", headers=as_agent).get_json()["items"] == []


def test_the_holder_s_name_follows_the_directory(client, world, db, settings, as_agent):
    _person(db, settings, "p-ana", "Ana Lopez", sub="client-ana")
    contract = _create(client, as_agent, world.product()["id"], holder_person_id="p-ana").get_json()
    _person(db, settings, "p-ana", "Ana Lopez-Martin", sub="client-ana")
    shown = client.get(f"/api/v1/contracts/{contract['id']}", headers=as_agent).get_json()
    assert shown["holder_name"] == "Ana Lopez-Martin"


def test_a_patch_links_an_existing_contract_to_its_holder(client, world, db, settings, as_agent):
    _person(db, settings, "p-ana", "Ana Lopez", sub="client-ana")
    contract = world.contract(world.product()["id"], owner_sub="client-other")
    response = client.patch(f"/api/v1/contracts/{contract['id']}", json={"holder_person_id": "p-ana"}, headers=as_agent)
    assert response.status_code == 200 and response.get_json()["holder_person_id"] == "p-ana"
    refused = client.patch(f"/api/v1/contracts/{contract['id']}", json={"holder_person_id": "p-x"}, headers=as_agent)
    assert refused.status_code == 422 and "holder_person_id" in refused.get_json()["errors"]


def test_holder_id_lists_what_a_person_or_a_company_holds_including_contracts_made_before_the_directory(
    client, world, db, settings, as_agent
):
    _person(db, settings, "p-bob", "Bob Martin", sub="client-bob")
    _organisation(db, settings, "o-acme", "acme", "Acme SA")
    product_id = world.product()["id"]
    linked = _create(client, as_agent, product_id, holder_person_id="p-bob").get_json()
    older = world.contract(product_id, owner_sub="client-bob")  # made with the account only
    company = world.contract(product_id, owner_sub="client-zoe", owner_org="acme")
    world.contract(product_id, owner_sub="client-someone-else")

    def listed(holder_id):
        page = client.get("/api/v1/contracts", query_string={"holder_id": holder_id}, headers=as_agent).get_json()
        return {item["id"] for item in page["items"]}

    assert listed("p-bob") == {linked["id"], older["id"]}
    assert listed("o-acme") == {company["id"]}
    assert listed("p-unknown") == set()


def test_a_client_cannot_list_someone_else_s_contracts_by_holder_id(client, world, db, settings, as_agent, as_client):
    _person(db, settings, "p-ana", "Ana Lopez", sub="client-ana")
    _create(client, as_agent, world.product()["id"], holder_person_id="p-ana")
    page = client.get("/api/v1/contracts", query_string={"holder_id": "p-ana"}, headers=as_client).get_json()
    assert page["items"] == []


def test_an_erasure_empties_a_linked_holder_s_data_but_keeps_the_link(client, world, db, settings, as_agent):
    _person(db, settings, "p-ana", "Ana Lopez", email="ana@example.test")
    contract = _create(client, as_agent, world.product()["id"], holder_person_id="p-ana").get_json()
    assert contract["owner_email"] == "ana@example.test"
    deliver(db, "attestation", handlers(settings), "person.erased", {"person_id": "p-ana", "sub": None})
    kept = client.get(f"/api/v1/contracts/{contract['id']}", headers=as_agent).get_json()
    assert (kept["owner_email"], kept["owner_name"], kept["holder_name"]) == (None, None, None)
    assert kept["holder_person_id"] == "p-ana"
