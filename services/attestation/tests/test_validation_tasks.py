"""Validation tasks: approve shares the document, reject destroys it, each decided once."""

import pytest

from platform_shared.testing.unit import bearer, outbox_events


@pytest.fixture
def pending(client, world, documents, db, settings, as_client, run_job):
    """A request the worker's job has rendered and passed on for validation."""
    product = world.product([{"template_id": documents.add_template()}])
    world.validation(product["id"], subs=("agent-alice",))
    contract = world.contract(product["id"], owner_org="acme")
    body = client.post(
        "/api/v1/attestation-requests", json={"contract_id": contract["id"]}, headers=as_client
    ).get_json()
    run_job(db, settings)
    body = client.get(f"/api/v1/attestation-requests/{body['id']}", headers=as_client).get_json()
    assert body["state"] == "pending_validation"
    return body


def open_task(client, as_agent):
    (task,) = client.get("/api/v1/validation-tasks?state=open", headers=as_agent).get_json()["items"]
    return task


def test_a_task_links_the_generated_document(client, pending, documents, as_agent):
    task = open_task(client, as_agent)
    assert task["request_id"] == pending["id"]
    assert task["document_url"].endswith(f"/api/v1/documents/{task['document_id']}/content")
    assert task["document_id"] in documents.documents


def test_approving_shares_the_attestation_with_the_client(client, pending, documents, db, as_agent, as_client):
    task = open_task(client, as_agent)
    response = client.post(f"/api/v1/validation-tasks/{task['id']}/approve", headers=as_agent)
    assert response.status_code == 200 and response.get_json()["state"] == "approved"
    assert documents.documents[task["document_id"]]["visibility"]["client"] is True
    (event,) = outbox_events(db, "attestation.approved")
    assert event.data == {
        "request_id": pending["id"],
        "task_id": task["id"],
        "contract_id": task["contract_id"],
        "document_id": task["document_id"],
        "title": "Attestation",
        "filename": f"attestation-{pending['contract_number']}.docx",
        "valid_until": "2027-11-22",
        "client_sub": "client-bob",
        "client_org": "acme",
        "client_email": "bob@example.test",
        "client_name": None,
        "client_language": "fr",
        "contract_number": pending["contract_number"],
    }
    read = client.get(f"/api/v1/attestation-requests/{pending['id']}", headers=as_client).get_json()
    assert read["state"] == "approved" and read["document_id"] == task["document_id"]


def test_rejecting_destroys_the_attestation_and_keeps_the_reason(client, pending, documents, db, as_agent, as_client):
    task = open_task(client, as_agent)
    response = client.post(
        f"/api/v1/validation-tasks/{task['id']}/reject", json={"reason": "Contract unpaid"}, headers=as_agent
    )
    assert response.status_code == 200 and response.get_json()["reason"] == "Contract unpaid"
    assert task["document_id"] not in documents.documents
    (event,) = outbox_events(db, "attestation.rejected")
    assert event.data["reason"] == "Contract unpaid" and event.data["task_id"] == task["id"]
    assert (
        client.get(f"/api/v1/attestation-requests/{pending['id']}", headers=as_client).get_json()["state"] == "rejected"
    )


def test_a_task_is_decided_once(client, pending, as_agent):
    task = open_task(client, as_agent)
    assert client.post(f"/api/v1/validation-tasks/{task['id']}/reject", json={}, headers=as_agent).status_code == 200
    assert client.post(f"/api/v1/validation-tasks/{task['id']}/approve", headers=as_agent).status_code == 409
    assert client.post(f"/api/v1/validation-tasks/{task['id']}/reject", json={}, headers=as_agent).status_code == 409
    assert (
        client.get("/api/v1/validation-tasks?state=rejected", headers=as_agent).get_json()["items"][0]["id"]
        == task["id"]
    )


def test_an_agent_who_is_not_a_validator_may_not_decide(client, pending, settings, as_agent):
    task = open_task(client, as_agent)
    other = bearer(settings, "agent", "agent-zoe", ttl_seconds=3 * 365 * 24 * 3600)
    assert client.post(f"/api/v1/validation-tasks/{task['id']}/approve", headers=other).status_code == 403
    assert open_task(client, as_agent)["id"] == task["id"]


def test_a_decision_the_documents_service_could_not_apply_leaves_the_task_open(client, pending, documents, as_agent):
    task = open_task(client, as_agent)
    documents.documents.pop(task["document_id"])
    assert client.post(f"/api/v1/validation-tasks/{task['id']}/approve", headers=as_agent).status_code == 404
    assert open_task(client, as_agent)["state"] == "open"


def test_clients_cannot_see_validation_tasks(client, pending, as_client):
    assert client.get("/api/v1/validation-tasks", headers=as_client).status_code == 403


def test_concurrent_approve_and_reject_decide_the_task_once(app, pending, documents, as_agent):
    import threading

    task = open_task(app.test_client(), as_agent)
    statuses = []

    def decide(action):
        response = app.test_client().post(f"/api/v1/validation-tasks/{task['id']}/{action}", json={}, headers=as_agent)
        statuses.append((action, response.status_code))

    threads = [threading.Thread(target=decide, args=(action,)) for action in ("approve", "reject") * 3]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    winners = [action for action, status in statuses if status == 200]
    assert len(winners) == 1 and sorted(status for _, status in statuses)[1:] == [409] * 5
    assert (task["document_id"] in documents.documents) == (winners[0] == "approve")


def test_a_decision_abandoned_by_a_dead_process_can_be_made_again_later(client, pending, documents, db, as_agent):
    from datetime import timedelta

    from attestation.db import ValidationTask
    from platform_shared import clock

    task = open_task(client, as_agent)
    with db.transaction() as session:  # claimed, then the process died before deciding
        row = session.get(ValidationTask, task["id"])
        row.state, row.decided_at = "deciding", clock.now()
    assert client.post(f"/api/v1/validation-tasks/{task['id']}/approve", headers=as_agent).status_code == 409
    with clock.frozen_at(clock.now() + timedelta(minutes=6)):
        response = client.post(f"/api/v1/validation-tasks/{task['id']}/approve", headers=as_agent)
    assert response.status_code == 200 and response.get_json()["state"] == "approved"
