"""Whole-model validation, on the domain function and through the API."""

import pytest

from dossier.db import ModelVersion
from dossier.domain.errors import InvalidModel
from dossier.domain.model_definition import validate_model


@pytest.fixture
def definition(model_body):
    def build(**changes):
        model = model_body(**changes)
        return {
            key: model[key]
            for key in ("fields", "partner_fields", "views", "statuses", "transitions", "roles", "pieces")
        }

    return build


def problems_of(raw) -> dict:
    with pytest.raises(InvalidModel) as caught:
        validate_model(raw)
    return caught.value.errors


def test_the_sample_model_is_valid(definition):
    model = validate_model(definition())
    assert model.initial_status.code == "submitted"


def test_an_unknown_field_in_a_view_is_named(definition):
    raw = definition()
    raw["views"]["portal"].append({"key": "ghost", "mode": "read"})
    assert problems_of(raw) == {"views.portal": ["unknown field 'ghost'"]}


def test_a_model_without_initial_status_is_refused(definition):
    raw = definition(statuses=[{"code": "open", "label": "Open"}])
    raw["transitions"] = []
    assert problems_of(raw) == {"statuses": ["no status is marked initial"]}


def test_two_initial_statuses_are_refused(definition):
    raw = definition(
        statuses=[{"code": "a", "label": "A", "initial": True}, {"code": "b", "label": "B", "initial": True}],
        transitions=[],
    )
    assert "more than one initial status" in problems_of(raw)["statuses"][0]


def test_a_transition_to_an_unknown_status_is_named(definition):
    raw = definition()
    raw["transitions"].append({"from": "submitted", "to": "archived"})
    assert problems_of(raw) == {"transitions": ["transition submitted -> archived: unknown status 'archived'"]}


def test_a_piece_assigned_to_an_unknown_role_is_named(definition):
    raw = definition()
    raw["pieces"].append({"code": "tax_notice", "label": "Tax notice", "role": "tenant_2"})
    assert problems_of(raw) == {"pieces": ["piece 'tax_notice' is assigned to unknown role 'tenant_2'"]}


def test_a_partner_field_taken_from_a_view_must_be_in_that_view(definition):
    raw = definition()
    raw["views"]["partner"].append({"key": "risk_score", "mode": "read", "source": "portal"})
    assert problems_of(raw) == {"views.partner": ["field 'risk_score' is not in the portal view it is taken from"]}


def test_a_choice_field_needs_choices_and_keys_are_unique(definition):
    raw = definition()
    raw["fields"].append({"key": "colour", "label": "Colour", "type": "choice"})
    raw["fields"].append({"key": "site_name", "label": "Again", "type": "text"})
    errors = problems_of(raw)["fields"]
    assert "choice field 'colour' has no choices" in errors
    assert "field 'site_name' is declared more than once" in errors


def test_the_api_answers_422_naming_the_problem_and_saves_nothing(client, as_admin, model_body):
    body = model_body()
    body["views"]["crm"].append({"key": "ghost", "mode": "write"})
    response = client.post("/api/v1/models", json=body, headers=as_admin)
    assert response.status_code == 422
    problem = response.get_json()
    assert problem["errors"] == {"views.crm": ["unknown field 'ghost'"]}
    assert "ghost" in problem["detail"]
    listed = client.get("/api/v1/models", headers=as_admin).get_json()
    assert listed["items"] == []


def test_only_admins_write_models(client, as_agent, model_body):
    assert client.post("/api/v1/models", json=model_body(), headers=as_agent).status_code == 403


def test_saving_a_model_makes_a_new_version_and_existing_dossiers_keep_theirs(
    client, as_admin, as_agent, dossier, model_id, model_body
):
    changed = model_body(name="Works request v2")
    changed["fields"].append({"key": "floor", "label": "Floor", "type": "number"})
    changed["views"]["crm"].append({"key": "floor", "mode": "write"})
    response = client.put(f"/api/v1/models/{model_id}", json=changed, headers=as_admin)
    assert response.status_code == 200
    assert response.get_json()["version"] == 2
    old = client.get(f"/api/v1/dossiers/{dossier['id']}", headers=as_agent).get_json()
    assert old["model_version"] == 1 and "floor" not in old["fields"]
    refused = client.patch(f"/api/v1/dossiers/{dossier['id']}", json={"fields": {"floor": 3}}, headers=as_agent)
    assert refused.status_code == 422
    first = client.get(f"/api/v1/models/{model_id}?version=1", headers=as_agent).get_json()
    assert first["name"] == "Works request"


def test_the_model_lists_roles_with_their_pieces_for_the_gateway(client, as_service, model_id):
    model = client.get(f"/api/v1/models/{model_id}", headers=as_service).get_json()
    assert model["roles"] == [
        {
            "code": "guarantor",
            "label": "Guarantor",
            "pieces": [
                {"code": "id_card", "label": "ID card", "required": True},
                {"code": "payslip", "label": "Payslip", "required": False},
            ],
        }
    ]


def test_a_client_sees_only_the_portal_side_of_a_model_open_to_clients(client, as_client, model_id):
    model = client.get(f"/api/v1/models/{model_id}", headers=as_client).get_json()
    assert [field["key"] for field in model["fields"]] == [
        "site_name",
        "budget",
        "start_date",
        "contact_email",
        "urgent",
    ]
    assert set(model["views"]) == {"portal"} and model["partner_fields"] == [] and model["transitions"] == []
    assert [status["code"] for status in model["statuses"]] == ["submitted", "in_review", "done"]
    listed = client.get("/api/v1/models", headers=as_client).get_json()["items"]
    assert [item["id"] for item in listed] == [model_id]


def test_client_can_invite_is_off_unless_the_admin_turns_it_on_and_each_version_keeps_its_own(
    client, as_admin, as_service, model_id, model_body
):
    assert client.get(f"/api/v1/models/{model_id}", headers=as_service).get_json()["client_can_invite"] is False
    saved = client.put(f"/api/v1/models/{model_id}", json=model_body(client_can_invite=True), headers=as_admin)
    assert saved.status_code == 200 and saved.get_json()["client_can_invite"] is True
    assert (
        client.get(f"/api/v1/models/{model_id}?version=1", headers=as_service).get_json()["client_can_invite"] is False
    )
    assert client.get(f"/api/v1/models/{model_id}", headers=as_service).get_json()["client_can_invite"] is True


def test_a_version_saved_before_client_can_invite_existed_reads_as_false(client, as_service, model_id, db):
    with db.transaction() as session:
        version = session.get(ModelVersion, (model_id, 1))
        version.definition = {key: value for key, value in version.definition.items() if key != "client_can_invite"}
    assert client.get(f"/api/v1/models/{model_id}", headers=as_service).get_json()["client_can_invite"] is False
