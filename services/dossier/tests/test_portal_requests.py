"""Portal requests: a client's dossier or contract request, marked portal and classified by the model."""

from platform_shared.testing.unit import outbox_events


def test_a_portal_request_becomes_a_classified_portal_dossier(client, as_client, as_agent, model_id, db):
    response = client.post(
        "/api/v1/requests",
        json={
            "kind": "contract",
            "model_id": model_id,
            "title": "New lease",
            "client_reference": "LEASE-7",
            "fields": {"site_name": "Dock 4"},
        },
        headers=as_client,
    )
    assert response.status_code == 201
    body = response.get_json()
    assert (body["origin"], body["kind"], body["category"], body["client_reference"]) == (
        "portal",
        "contract",
        "corporate",
        "LEASE-7",
    )
    (event,) = outbox_events(db, "dossier.created")
    assert event.data["origin"] == "portal" and event.data["category"] == "corporate"
    assert event.data["client_sub"] == "client-bob" and event.data["client_org"] == "acme"
    assert event.data["client_email"] == "bob@acme.example"
    assert [
        item["id"] for item in client.get("/api/v1/dossiers?origin=portal", headers=as_agent).get_json()["items"]
    ] == [body["id"]]


def test_a_portal_request_needs_a_kind(client, as_client, model_id):
    response = client.post(
        "/api/v1/requests", json={"model_id": model_id, "title": "x", "fields": {"site_name": "s"}}, headers=as_client
    )
    assert response.status_code == 422 and "kind" in response.get_json()["errors"]


def test_only_clients_submit_portal_requests(client, as_agent, model_id):
    response = client.post(
        "/api/v1/requests", json={"kind": "dossier", "model_id": model_id, "title": "x"}, headers=as_agent
    )
    assert response.status_code == 403


def test_a_portal_request_on_a_model_closed_to_clients_is_404(client, as_admin, as_client, model_body):
    closed_model = client.post("/api/v1/models", json=model_body(client_can_create=False), headers=as_admin)
    response = client.post(
        "/api/v1/requests",
        json={"kind": "dossier", "model_id": closed_model.get_json()["id"], "title": "x", "fields": {"site_name": "s"}},
        headers=as_client,
    )
    assert response.status_code == 404


def test_a_client_only_writes_portal_fields_in_a_request(client, as_client, model_id):
    response = client.post(
        "/api/v1/requests",
        json={"kind": "dossier", "model_id": model_id, "title": "x", "fields": {"site_name": "s", "budget": 10}},
        headers=as_client,
    )
    assert response.status_code == 422
    assert response.get_json()["errors"]["fields"] == {"budget": ["is read-only in your view"]}
