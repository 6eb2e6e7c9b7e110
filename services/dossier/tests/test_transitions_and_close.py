"""Status transitions along the model, and closing: readable, never changed again."""

import pytest

from platform_shared.testing.unit import outbox_events


def move(client, headers, dossier, to):
    return client.post(f"/api/v1/dossiers/{dossier['id']}/transitions", json={"to": to}, headers=headers)


def test_an_allowed_transition_publishes_status_changed_with_partner_visibility(client, as_agent, dossier, db):
    response = move(client, as_agent, dossier, "in_review")
    assert response.status_code == 200
    assert response.get_json()["status"] == "in_review"
    (event,) = outbox_events(db, "dossier.status_changed")
    assert event.data == {
        "dossier_id": dossier["id"],
        "reference": dossier["reference"],
        "from": "submitted",
        "to": "in_review",
        "status_label": "In review",
        "partner_visible": True,
        "client_visible": True,
        "category": "corporate",
        "client_sub": "client-bob",
        "client_org": "acme",
    }


def test_an_illegal_transition_is_409_and_changes_nothing(client, as_agent, dossier, db):
    response = move(client, as_agent, dossier, "done")
    assert response.status_code == 409
    assert response.mimetype == "application/problem+json"
    assert client.get(f"/api/v1/dossiers/{dossier['id']}", headers=as_agent).get_json()["status"] == "submitted"
    assert outbox_events(db, "dossier.status_changed") == []


def test_a_transition_to_an_unknown_status_is_409(client, as_agent, dossier):
    assert move(client, as_agent, dossier, "nowhere").status_code == 409


def test_a_client_sees_the_last_visible_status_while_the_current_one_is_hidden(client, as_agent, as_client, dossier):
    move(client, as_agent, dossier, "screening")
    seen = client.get(f"/api/v1/dossiers/{dossier['id']}", headers=as_client).get_json()
    assert (seen["status"], seen["status_label"]) == ("submitted", "Submitted")
    move(client, as_agent, dossier, "in_review")
    seen = client.get(f"/api/v1/dossiers/{dossier['id']}", headers=as_client).get_json()
    assert seen["status_label"] == "In review"


def test_clients_cannot_move_a_dossier(client, as_client, dossier):
    assert move(client, as_client, dossier, "in_review").status_code == 403


def test_closing_publishes_dossier_closed_and_the_dossier_stays_readable(client, as_agent, as_client, dossier, db):
    response = client.post(f"/api/v1/dossiers/{dossier['id']}/close", headers=as_agent)
    assert response.status_code == 200 and response.get_json()["closed"] is True
    (event,) = outbox_events(db, "dossier.closed")
    assert event.data["dossier_id"] == dossier["id"] and event.data["closed_at"].endswith("Z")
    assert client.get(f"/api/v1/dossiers/{dossier['id']}", headers=as_client).status_code == 200
    assert client.get(f"/api/v1/dossiers/{dossier['id']}/timeline", headers=as_client).status_code == 200


@pytest.mark.parametrize(
    "method, route, headers_name, body",
    [
        ("patch", "", "as_agent", {"fields": {"budget": 5}}),
        ("patch", "", "as_client", {"client_reference": "X"}),
        ("patch", "", "as_agent", {"assignee_sub": "agent-zoe"}),
        ("post", "/transitions", "as_agent", {"to": "in_review"}),
        ("post", "/notes", "as_agent", {"body": "late note"}),
        ("post", "/notes", "as_client", {"body": "late note"}),
        ("post", "/developments", "as_agent", {"title": "late"}),
        ("post", "/close", "as_agent", None),
        ("patch", "/partner-values", "as_service", {"values": {"work_type": "roof"}}),
    ],
)
def test_every_change_to_a_closed_dossier_is_409(
    client, request, as_agent, dossier, db, method, route, headers_name, body
):
    client.post(f"/api/v1/dossiers/{dossier['id']}/close", headers=as_agent)
    before = len(outbox_events(db))
    headers = request.getfixturevalue(headers_name)
    response = getattr(client, method)(f"/api/v1/dossiers/{dossier['id']}{route}", json=body, headers=headers)
    assert response.status_code == 409
    assert "closed" in response.get_json()["detail"]
    assert len(outbox_events(db)) == before
