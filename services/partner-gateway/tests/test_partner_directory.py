"""A partner refers to a directory person (issue 21): checked against the local copy, named from it, and
erased with them."""

from partner_gateway.handlers import handlers
from platform_shared.testing.unit import deliver, tables_holding


def _person(db, settings, person_id, name, email, sub=None):
    data = {"person_id": person_id, "sub": sub, "email": email, "name": name, "language": "fr"}
    deliver(db, "partner-gateway", handlers(settings), "person.created", data)


def _register(client, headers, **body):
    return client.post("/api/v1/partners", json={"kind": "external", **body}, headers=headers)


def test_a_partner_from_the_directory_takes_its_name_and_email(client, db, settings, as_agent):
    _person(db, settings, "p-eve", "Eve Expert", "eve@example.test")
    response = _register(client, as_agent, person_id="p-eve")
    assert response.status_code == 201, response.get_json()
    partner = response.get_json()
    assert (partner["person_id"], partner["name"], partner["email"], partner["person_name"]) == (
        "p-eve",
        "Eve Expert",
        "eve@example.test",
        "Eve Expert",
    )


def test_an_unknown_person_or_a_partner_without_name_is_a_422_naming_the_field(client, db, settings, as_agent):
    deliver(
        db,
        "partner-gateway",
        handlers(settings),
        "organisation.updated",
        {"organisation_id": "o-acme", "code": "acme", "name": "Acme"},
    )
    for body, field in (
        ({"person_id": "p-nobody"}, "person_id"),
        ({"person_id": "o-acme"}, "person_id"),
        ({"email": "x@example.test"}, "name"),
        ({"name": "X"}, "email"),
    ):
        response = _register(client, as_agent, **body)
        assert response.status_code == 422 and field in response.get_json()["errors"], (body, response.get_json())
    assert client.get("/api/v1/partners", headers=as_agent).get_json()["items"] == []


def test_partners_are_listed_by_directory_person_and_named_as_the_directory_says(client, db, settings, as_agent):
    _person(db, settings, "p-eve", "Eve Expert", "eve@example.test")
    linked = _register(client, as_agent, person_id="p-eve").get_json()
    _register(client, as_agent, name="Other", email="other@example.test")
    _person(db, settings, "p-eve", "Eve Expert-Durand", "eve@example.test")
    page = client.get("/api/v1/partners", query_string={"person_id": "p-eve"}, headers=as_agent).get_json()
    assert [(item["id"], item["person_name"]) for item in page["items"]] == [(linked["id"], "Eve Expert-Durand")]


def test_an_erasure_removes_a_linked_partner_s_name_and_email_even_when_they_differ(client, db, settings, as_agent):
    _person(db, settings, "p-eve", "Eve Expert", "eve@example.test")
    _register(client, as_agent, person_id="p-eve", name="E. Expert (cabinet)", email="cabinet@example.test")
    deliver(db, "partner-gateway", handlers(settings), "person.erased", {"person_id": "p-eve", "sub": None})
    assert tables_holding(db, "cabinet@example.test", "E. Expert (cabinet)", "eve@example.test") == {}
    (partner,) = client.get("/api/v1/partners", headers=as_agent).get_json()["items"]
    assert partner["person_id"] == "p-eve" and partner["person_name"] is None


def _solicitation_body(**partner):
    from datetime import date, timedelta

    due = (date.today() + timedelta(days=10)).isoformat()
    return {"type": "opinion", "scope": "legal", "due_date": due, "open_statuses": ["review"], **partner}


def test_staff_solicit_the_partner_of_a_directory_person_they_found_by_search(world, client, db, settings):
    _person(db, settings, "p-eve", "Eve Expert", "eve@example.test")
    partner = _register(client, world.agent, person_id="p-eve").get_json()
    dossier_id = world.dossier()
    path = f"/api/v1/dossiers/{dossier_id}/solicitations"
    response = client.post(path, json=_solicitation_body(person_id="p-eve"), headers=world.agent)
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["partner"]["id"] == partner["id"]


def test_a_person_id_no_single_partner_is_registered_for_is_a_422_naming_it_and_nothing_is_written(
    world, client, db, settings
):
    _person(db, settings, "p-eve", "Eve Expert", "eve@example.test")
    _person(db, settings, "p-sam", "Sam Twice", "sam@example.test")
    _register(client, world.agent, person_id="p-sam")
    _register(client, world.agent, person_id="p-sam", name="Sam (cabinet)", email="cabinet@example.test")
    dossier_id = world.dossier()
    path = f"/api/v1/dossiers/{dossier_id}/solicitations"
    for person_id in ("p-eve", "p-sam", "p-nobody"):  # no partner, two partners, unknown person
        response = client.post(path, json=_solicitation_body(person_id=person_id), headers=world.agent)
        assert response.status_code == 422 and list(response.get_json()["errors"]) == ["person_id"], person_id
    partner_id = _register(client, world.agent, name="Other", email="other@example.test").get_json()["id"]
    for body in (_solicitation_body(), _solicitation_body(partner_id=partner_id, person_id="p-sam")):
        response = client.post(path, json=body, headers=world.agent)
        assert response.status_code == 422, response.get_json()
        assert set(response.get_json()["errors"]) == {"partner_id", "person_id"}
    assert client.get(path, headers=world.agent).get_json()["items"] == []
