"""Notes of participants, relayed by the partner-gateway: always ``participants``, authored by the third party."""

import pytest

from platform_shared.testing.unit import outbox_events

AUTHOR = {"sub": "partner-sam", "name": "Sam Subcontractor", "email": "sam@builders.example"}


def third_party_note(client, headers, dossier_id, body="Scaffolding arrives Monday.", author=AUTHOR):
    return client.post(
        f"/api/v1/dossiers/{dossier_id}/third-party-notes", json={"body": body, "author": author}, headers=headers
    )


def test_a_participant_note_is_visible_to_participants_and_its_author_is_the_third_party(client, as_service, dossier):
    response = third_party_note(client, as_service, dossier["id"])
    assert response.status_code == 201, response.get_json()
    note = response.get_json()
    assert (note["visibility"], note["author_sub"], note["author_role"], note["author_name"]) == (
        "participants",
        "partner-sam",
        "partner",
        "Sam Subcontractor",
    )


def test_the_note_reaches_staff_and_the_client_but_never_as_internal(client, as_service, as_agent, as_client, dossier):
    third_party_note(client, as_service, dossier["id"])
    for headers in (as_agent, as_client):
        items = client.get(f"/api/v1/dossiers/{dossier['id']}/notes", headers=headers).get_json()["items"]
        assert [(item["body"], item["visibility"]) for item in items] == [
            ("Scaffolding arrives Monday.", "participants")
        ]


def test_note_added_names_the_third_party_as_author_and_actor(client, as_service, dossier, db):
    note = third_party_note(client, as_service, dossier["id"]).get_json()
    (event,) = outbox_events(db, "dossier.note_added")
    assert event.data == {
        "dossier_id": dossier["id"],
        "note_id": note["id"],
        "visibility": "participants",
        "author_sub": "partner-sam",
        "author_role": "partner",
        "excerpt": "Scaffolding arrives Monday.",
    }
    assert event.actor == {
        "sub": "partner-sam",
        "role": "partner",
        "email": "sam@builders.example",
        "name": "Sam Subcontractor",
    }


def test_the_timeline_shows_the_note_to_the_client_with_the_third_party_as_actor(
    client, as_service, as_client, as_agent, dossier
):
    third_party_note(client, as_service, dossier["id"])

    def note_entry(headers):
        items = client.get(f"/api/v1/dossiers/{dossier['id']}/timeline", headers=headers).get_json()["items"]
        [entry] = [item for item in items if item["kind"] == "note"]
        return entry

    seen = note_entry(as_client)  # the client reads the participant's name, not their account id
    assert (seen["visibility"], seen["actor_name"], seen["actor_role"]) == (
        "participants",
        "Sam Subcontractor",
        "partner",
    )
    assert "actor_sub" not in seen
    assert note_entry(as_agent)["actor_sub"] == "partner-sam"  # staff may see account ids


def test_a_closed_dossier_refuses_a_participant_note_with_409(client, as_service, as_agent, dossier, db):
    client.post(f"/api/v1/dossiers/{dossier['id']}/close", headers=as_agent)
    assert third_party_note(client, as_service, dossier["id"]).status_code == 409
    assert outbox_events(db, "dossier.note_added") == []


def test_an_unknown_dossier_is_404(client, as_service):
    assert third_party_note(client, as_service, "no-such-dossier").status_code == 404


@pytest.mark.parametrize("headers_name", ["as_agent", "as_admin", "as_client", "as_partner"])
def test_only_services_relay_third_party_notes(client, request, dossier, headers_name):
    response = third_party_note(client, request.getfixturevalue(headers_name), dossier["id"])
    assert response.status_code == 403


@pytest.mark.parametrize(
    "body",
    [
        {"body": "x"},
        {"body": "", "author": AUTHOR},
        {"body": "x", "author": {}},
        {"body": "x", "author": {"sub": "s", "email": "not-an-address"}},
        {"body": "x", "author": AUTHOR, "visibility": "internal"},
    ],
)
def test_an_invalid_third_party_note_is_422_and_records_nothing(client, as_service, dossier, db, body):
    response = client.post(f"/api/v1/dossiers/{dossier['id']}/third-party-notes", json=body, headers=as_service)
    assert response.status_code == 422
    assert response.headers["Content-Type"].startswith("application/problem+json")
    assert outbox_events(db, "dossier.note_added") == []


@pytest.mark.parametrize("view_name", ["participant-view", "partner-view"])
def test_the_third_party_views_carry_only_the_participants_notes_oldest_first(
    client, as_service, as_agent, dossier, view_name
):
    for body, visibility in (
        ("staff only", "internal"),
        ("for the client", "requester"),
        ("for everyone invited", "participants"),
    ):
        client.post(
            f"/api/v1/dossiers/{dossier['id']}/notes", json={"body": body, "visibility": visibility}, headers=as_agent
        )
    third_party_note(client, as_service, dossier["id"], body="From the subcontractor.")
    view = client.get(f"/api/v1/dossiers/{dossier['id']}/{view_name}", headers=as_service).get_json()
    assert [note["body"] for note in view["notes"]] == ["for everyone invited", "From the subcontractor."]
