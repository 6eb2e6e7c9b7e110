from platform_shared.testing.unit import outbox_events


def test_creating_a_dossier_records_dossier_created_in_the_same_transaction(dossier, db):
    (event,) = outbox_events(db, "dossier.created")
    assert event.data["dossier_id"] == dossier["id"]
    assert event.actor == {"sub": "agent-alice", "role": "agent", "email": "alice@firm.example"}


def test_the_event_carries_the_request_id_as_correlation_id(client, db, as_agent, model_id):
    response = client.post(
        "/api/v1/dossiers",
        json={"title": "x", "model_id": model_id, "fields": {"site_name": "s"}},
        headers={**as_agent, "X-Request-ID": "req-123"},
    )
    assert response.headers["X-Request-ID"] == "req-123"
    (event,) = outbox_events(db, "dossier.created")
    assert event.correlation_id == "req-123"


def test_an_invalid_body_is_422_with_field_errors_and_changes_nothing(client, db, as_agent, model_id):
    response = client.post("/api/v1/dossiers", json={"title": "", "model_id": model_id}, headers=as_agent)
    assert response.status_code == 422
    assert "title" in response.get_json()["errors"]
    assert outbox_events(db, "dossier.created") == []
