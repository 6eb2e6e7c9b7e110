"""Validation tasks have an assignee among the product's validators and a due date; decisions carry a comment
(a rejection's is the client's to read); lists filter by assignee, product and state."""

import pytest

from platform_shared.testing.unit import outbox_events


@pytest.fixture
def ask(client, world, db, settings, as_client, run_job):
    """``ask(product)``: a client's request on a new contract of ``product``, then the worker's job, which
    renders it and opens its validation task."""

    def request(product):
        contract = world.contract(product["id"])
        body = client.post(
            "/api/v1/attestation-requests", json={"contract_id": contract["id"]}, headers=as_client
        ).get_json()
        run_job(db, settings)
        return client.get(f"/api/v1/attestation-requests/{body['id']}", headers=as_client).get_json()

    return request


def tasks(client, as_agent, **params):
    return client.get("/api/v1/validation-tasks", query_string=params, headers=as_agent).get_json()["items"]


def test_tasks_are_shared_out_among_the_named_validators_and_due_after_the_products_delay(
    client, world, documents, as_client, as_agent, as_admin, ask
):
    product = world.product([{"template_id": documents.add_template()}])
    world.validation(product["id"], subs=("val-a", "val-b"))
    client.patch(f"/api/v1/products/{product['id']}", json={"validation_due_days": 5}, headers=as_admin)
    for _ in range(3):
        ask(product)
    assignees = sorted(task["assignee_sub"] for task in tasks(client, as_agent))
    assert assignees == ["val-a", "val-a", "val-b"]
    assert {task["due_date"] for task in tasks(client, as_agent)} == {"2026-11-28"}
    assert {task["product_id"] for task in tasks(client, as_agent)} == {product["id"]}


def test_validators_given_only_by_role_leave_the_task_unassigned(client, world, documents, as_client, as_agent, ask):
    product = world.product([{"template_id": documents.add_template()}])
    world.validation(product["id"], subs=(), role="agent")
    ask(product)
    (task,) = tasks(client, as_agent)
    assert task["assignee_sub"] is None
    response = client.patch(f"/api/v1/validation-tasks/{task['id']}", json={"assignee_sub": "anyone"}, headers=as_agent)
    assert response.status_code == 200 and response.get_json()["assignee_sub"] == "anyone"


def test_a_task_is_reassigned_only_to_one_of_its_validators_and_only_while_open(
    client, world, documents, as_client, as_agent, ask
):
    product = world.product([{"template_id": documents.add_template()}])
    world.validation(product["id"], subs=("agent-alice", "val-b"))
    ask(product)
    (task,) = tasks(client, as_agent)
    path = f"/api/v1/validation-tasks/{task['id']}"
    refused = client.patch(path, json={"assignee_sub": "stranger"}, headers=as_agent)
    assert refused.status_code == 422 and "assignee_sub" in refused.get_json()["errors"]
    moved = client.patch(path, json={"assignee_sub": "val-b", "due_date": "2026-12-01"}, headers=as_agent)
    assert (moved.get_json()["assignee_sub"], moved.get_json()["due_date"]) == ("val-b", "2026-12-01")
    client.post(f"{path}/approve", json={"comment": "Vu"}, headers=as_agent)
    assert client.patch(path, json={"due_date": "2026-12-02"}, headers=as_agent).status_code == 409


def test_lists_filter_by_assignee_product_and_state(client, world, documents, as_client, as_agent, ask):
    first = world.product([{"template_id": documents.add_template()}])
    second = world.product([{"template_id": documents.add_template()}])
    world.validation(first["id"], subs=("agent-alice",))
    world.validation(second["id"], subs=("val-b",))
    ask(first)
    ask(second)
    assert [task["product_id"] for task in tasks(client, as_agent, assignee="val-b")] == [second["id"]]
    assert [task["assignee_sub"] for task in tasks(client, as_agent, product_id=first["id"])] == ["agent-alice"]
    (mine,) = tasks(client, as_agent, assignee="agent-alice", state="open")
    client.post(f"/api/v1/validation-tasks/{mine['id']}/approve", json={}, headers=as_agent)
    assert tasks(client, as_agent, assignee="agent-alice", state="open") == []
    assert [task["id"] for task in tasks(client, as_agent, state="approved")] == [mine["id"]]


def test_an_approvals_comment_stays_with_staff_and_a_rejections_reaches_the_client(
    client, world, documents, db, as_client, as_agent, ask
):
    product = world.product([{"template_id": documents.add_template()}])
    world.validation(product["id"], subs=("agent-alice",))
    ask(product)
    ask(product)
    approve, reject = tasks(client, as_agent)
    approved = client.post(
        f"/api/v1/validation-tasks/{approve['id']}/approve", json={"comment": "Quittance vérifiée"}, headers=as_agent
    )
    assert approved.get_json()["comment"] == "Quittance vérifiée"
    assert "comment" not in outbox_events(db, "attestation.approved")[0].data
    assert "Quittance vérifiée" not in str(outbox_events(db, "attestation.approved")[0].data)
    rejected = client.post(
        f"/api/v1/validation-tasks/{reject['id']}/reject", json={"comment": "Prime impayée"}, headers=as_agent
    )
    assert (rejected.get_json()["comment"], rejected.get_json()["reason"]) == ("Prime impayée", "Prime impayée")
    assert outbox_events(db, "attestation.rejected")[0].data["reason"] == "Prime impayée"
