from platform_shared.testing.unit import outbox_events


def test_creating_a_dossier_records_dossier_created_in_the_same_transaction(client, db, as_agent):
    response = client.post("/api/v1/dossiers", json={"title": "Roof repair"}, headers=as_agent)
    assert response.status_code == 201
    body = response.get_json()
    assert body["reference"].startswith("DOS-")
    (event,) = outbox_events(db, "dossier.created")
    assert event.data["dossier_id"] == body["id"]
    assert event.actor == {"sub": "agent-alice", "role": "agent"}


def test_the_event_carries_the_request_id_as_correlation_id(client, db, as_agent):
    response = client.post("/api/v1/dossiers", json={"title": "x"},
                           headers={**as_agent, "X-Request-ID": "req-123"})
    assert response.headers["X-Request-ID"] == "req-123"
    (event,) = outbox_events(db, "dossier.created")
    assert event.correlation_id == "req-123"


def test_a_client_may_not_use_the_agent_only_create_route(client, db, as_client):
    response = client.post("/api/v1/dossiers", json={"title": "x"}, headers=as_client)
    assert response.status_code == 403
    assert response.mimetype == "application/problem+json"
    assert outbox_events(db) == []


def test_an_invalid_body_is_422_with_field_errors_and_changes_nothing(client, db, as_agent):
    response = client.post("/api/v1/dossiers", json={"title": ""}, headers=as_agent)
    assert response.status_code == 422
    assert "title" in response.get_json()["errors"]
    assert outbox_events(db) == []
