"""Who may see a dossier: agent, client owner, client of the same company, other company, partner, no token."""

import pytest


def test_an_agent_sees_every_dossier_with_every_field(client, as_agent, dossier):
    body = client.get(f"/api/v1/dossiers/{dossier['id']}", headers=as_agent).get_json()
    assert set(body["fields"]) == {
        "site_name",
        "budget",
        "start_date",
        "work_type",
        "risk_score",
        "contact_email",
        "urgent",
        "partner_estimate",
    }
    assert body["client_sub"] == "client-bob"
    assert body["financial_fields"] == ["budget", "partner_estimate"]


def test_the_owning_client_sees_only_the_portal_view(client, as_client, dossier):
    response = client.get(f"/api/v1/dossiers/{dossier['id']}", headers=as_client)
    assert response.status_code == 200
    body = response.get_json()
    assert set(body["fields"]) == {"site_name", "start_date", "contact_email", "budget", "urgent"}
    assert body["field_modes"]["budget"] == "read"
    assert "client_sub" not in body and "created_by" not in body


def test_a_client_of_the_same_company_sees_the_company_dossier(client, as_colleague, dossier):
    assert client.get(f"/api/v1/dossiers/{dossier['id']}", headers=as_colleague).status_code == 200


def test_a_client_of_another_company_gets_404(client, as_stranger, dossier):
    response = client.get(f"/api/v1/dossiers/{dossier['id']}", headers=as_stranger)
    assert response.status_code == 404
    assert response.mimetype == "application/problem+json"


def test_a_personal_dossier_is_not_visible_to_the_owner_s_colleagues(client, new_dossier, as_colleague, as_client):
    personal = new_dossier(client_org=None)
    assert client.get(f"/api/v1/dossiers/{personal['id']}", headers=as_colleague).status_code == 404
    assert client.get(f"/api/v1/dossiers/{personal['id']}", headers=as_client).status_code == 200


def test_an_unknown_dossier_and_a_hidden_one_answer_the_same(client, as_stranger, dossier):
    hidden = client.get(f"/api/v1/dossiers/{dossier['id']}", headers=as_stranger).get_json()
    missing = client.get("/api/v1/dossiers/does-not-exist", headers=as_stranger).get_json()
    assert hidden["status"] == missing["status"] == 404
    assert hidden["detail"] == missing["detail"]


def test_a_partner_token_may_not_call_the_dossier_api_directly(client, as_partner, dossier):
    # Third parties go through the partner-gateway; the role itself is refused, whatever the id.
    assert client.get(f"/api/v1/dossiers/{dossier['id']}", headers=as_partner).status_code == 403
    assert client.get("/api/v1/dossiers", headers=as_partner).status_code == 403


def test_no_token_is_401(client, dossier):
    response = client.get(f"/api/v1/dossiers/{dossier['id']}")
    assert response.status_code == 401
    assert response.mimetype == "application/problem+json"


def test_a_service_token_reads_the_dossier_as_staff_see_it(client, as_service, dossier):
    body = client.get(f"/api/v1/dossiers/{dossier['id']}", headers=as_service).get_json()
    assert body["model_version"] == 1 and body["status"] == "submitted" and body["closed"] is False
    assert "risk_score" in body["fields"]


@pytest.mark.parametrize("route", ["notes", "timeline"])
def test_sub_resources_of_a_hidden_dossier_are_404(client, as_stranger, dossier, route):
    assert client.get(f"/api/v1/dossiers/{dossier['id']}/{route}", headers=as_stranger).status_code == 404


def test_a_client_may_not_create_with_a_model_closed_to_clients(client, as_admin, as_client, model_body):
    closed_model = client.post("/api/v1/models", json=model_body(client_can_create=False), headers=as_admin).get_json()
    response = client.post(
        "/api/v1/dossiers",
        json={"model_id": closed_model["id"], "title": "x", "fields": {"site_name": "s"}},
        headers=as_client,
    )
    assert response.status_code == 404  # the model itself is not offered to clients


def test_a_client_creates_a_dossier_for_themselves_with_origin_portal(client, as_client, model_id):
    response = client.post(
        "/api/v1/dossiers",
        json={"model_id": model_id, "title": "My works", "fields": {"site_name": "Home"}},
        headers=as_client,
    )
    assert response.status_code == 201
    body = response.get_json()
    assert body["origin"] == "portal"
    assert body["status_label"] == "Submitted"


def test_a_client_may_not_create_a_dossier_for_someone_else(client, as_client, model_id):
    response = client.post(
        "/api/v1/dossiers",
        json={"model_id": model_id, "title": "x", "client_sub": "other", "fields": {"site_name": "s"}},
        headers=as_client,
    )
    assert response.status_code == 422
    assert "client_sub" in response.get_json()["errors"]
