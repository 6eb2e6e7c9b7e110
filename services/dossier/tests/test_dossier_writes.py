"""Write rules: read-only field, unknown field, wrong type, staff-only attributes; closed: see test_transitions."""

import pytest

from platform_shared.testing.unit import outbox_events


def get(client, headers, dossier):
    return client.get(f"/api/v1/dossiers/{dossier['id']}", headers=headers).get_json()


def patch(client, headers, dossier, body):
    return client.patch(f"/api/v1/dossiers/{dossier['id']}", json=body, headers=headers)


def test_a_client_writes_a_writable_portal_field(client, as_client, as_agent, dossier, db):
    response = patch(client, as_client, dossier, {"fields": {"start_date": "2027-01-15"}, "client_reference": "MY-1"})
    assert response.status_code == 200
    assert get(client, as_agent, dossier)["fields"]["start_date"] == "2027-01-15"
    (event,) = outbox_events(db, "dossier.updated")
    assert event.data == {"dossier_id": dossier["id"], "changed_fields": ["client_reference", "start_date"]}


def test_writing_a_read_only_field_is_422_and_changes_nothing(client, as_client, as_agent, dossier, db):
    response = patch(client, as_client, dossier, {"fields": {"start_date": "2027-01-15", "budget": 1}})
    assert response.status_code == 422
    assert response.get_json()["errors"] == {"fields": {"budget": ["is read-only in your view"]}}
    after = get(client, as_agent, dossier)
    assert after["fields"]["budget"] == 1200 and after["fields"]["start_date"] is None
    assert outbox_events(db, "dossier.updated") == []


def test_writing_a_field_outside_the_view_is_422(client, as_client, dossier):
    response = patch(client, as_client, dossier, {"fields": {"risk_score": 3}})
    assert response.status_code == 422
    assert response.get_json()["errors"] == {"fields": {"risk_score": ["is not a field of your view"]}}


def test_writing_an_unknown_field_is_422(client, as_agent, dossier):
    response = patch(client, as_agent, dossier, {"fields": {"nonsense": 3}})
    assert response.status_code == 422
    assert "nonsense" in response.get_json()["errors"]["fields"]


def test_an_agent_may_not_write_what_the_crm_view_marks_read(client, as_agent, dossier):
    response = patch(client, as_agent, dossier, {"fields": {"contact_email": "x@y.example"}})
    assert response.status_code == 422


@pytest.mark.parametrize(
    "key, value",
    [
        ("budget", "lots"),
        ("start_date", "2027-13-45"),
        ("work_type", "floor"),
        ("urgent", "yes"),
        ("site_name", None),
        ("risk_score", True),
    ],
)
def test_a_value_of_the_wrong_type_is_422(client, as_agent, dossier, key, value):
    assert patch(client, as_agent, dossier, {"fields": {key: value}}).status_code == 422


def test_a_client_may_not_change_staff_attributes(client, as_client, dossier):
    response = patch(client, as_client, dossier, {"title": "Mine now", "assignee_sub": "client-bob"})
    assert response.status_code == 422
    assert set(response.get_json()["errors"]) == {"title", "assignee_sub"}


def test_an_unknown_top_level_attribute_is_422(client, as_agent, dossier):
    assert patch(client, as_agent, dossier, {"status": "done"}).status_code == 422


def test_required_fields_of_the_creator_s_view_must_be_given(client, as_agent, model_id):
    response = client.post("/api/v1/dossiers", json={"model_id": model_id, "title": "x"}, headers=as_agent)
    assert response.status_code == 422
    assert response.get_json()["errors"] == {"fields": {"site_name": ["is required"]}}


def test_assigning_publishes_dossier_assigned(client, as_agent, as_client, dossier, db):
    response = patch(client, as_agent, dossier, {"assignee_sub": "agent-zoe", "assignee_email": "zoe@firm.example"})
    assert response.status_code == 200
    (event,) = outbox_events(db, "dossier.assigned")
    assert event.data == {
        "dossier_id": dossier["id"],
        "assignee_sub": "agent-zoe",
        "assignee_email": "zoe@firm.example",
        "previous_assignee_sub": None,
    }
    seen = get(client, as_client, dossier)
    assert seen["assignee_email"] == "zoe@firm.example"
    assert "assignee_sub" not in seen  # a client reads no other person's account id


def test_references_are_sequential_and_unique(new_dossier):
    first, second = new_dossier(), new_dossier()
    prefix, year, number = first["reference"].split("-")
    assert prefix == "DOS" and len(number) == 6
    assert second["reference"] == f"DOS-{year}-{int(number) + 1:06d}"


def test_dossier_created_carries_everything_the_contract_lists(dossier, db, model_id):
    (event,) = outbox_events(db, "dossier.created")
    assert event.data == {
        "dossier_id": dossier["id"],
        "reference": dossier["reference"],
        "title": "Roof repair",
        "model_id": model_id,
        "model_version": 1,
        "category": "corporate",
        "origin": "crm",
        "kind": "dossier",
        "status": "submitted",
        "status_label": "Submitted",
        "client_visible": True,
        "partner_visible": False,
        "client_sub": "client-bob",
        "client_org": "acme",
        "client_email": "bob@acme.example",
        "assignee_sub": None,
        "created_by": "agent-alice",
        "category_label": "corporate",
        "classification": {"source": "model"},
        "client_name": None,
        "client_org_name": None,
        "client_person_id": None,
        "client_organisation_id": None,
        "client_language": None,
    }


def test_an_assignee_email_without_the_assignee_is_422(client, as_agent, dossier, db):
    response = patch(client, as_agent, dossier, {"assignee_email": "zoe@firm.example"})
    assert response.status_code == 422 and "assignee_email" in response.get_json()["errors"]
    assert outbox_events(db, "dossier.assigned") == []


def test_reassigning_the_same_person_changes_nothing(client, as_agent, dossier, db):
    patch(client, as_agent, dossier, {"assignee_sub": "agent-zoe", "assignee_email": "zoe@firm.example"})
    patch(client, as_agent, dossier, {"assignee_sub": "agent-zoe", "assignee_email": "zoe@firm.example"})
    assert len(outbox_events(db, "dossier.assigned")) == 1
