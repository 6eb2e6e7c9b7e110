"""Notes with visibility, important developments, and the audience-filtered timeline."""

from dossier.handlers import handlers
from platform_shared.testing.unit import deliver, outbox_events


def note(client, headers, dossier, body, visibility=None):
    payload = {"body": body} if visibility is None else {"body": body, "visibility": visibility}
    return client.post(f"/api/v1/dossiers/{dossier['id']}/notes", json=payload, headers=headers)


def bodies(client, headers, dossier):
    return [
        item["body"]
        for item in client.get(f"/api/v1/dossiers/{dossier['id']}/notes", headers=headers).get_json()["items"]
    ]


def test_a_client_never_sees_internal_notes(client, as_agent, as_client, dossier):
    note(client, as_agent, dossier, "staff only", "internal")
    note(client, as_agent, dossier, "for the requester", "requester")
    note(client, as_agent, dossier, "for everyone invited", "participants")
    assert bodies(client, as_client, dossier) == ["for the requester", "for everyone invited"]
    assert bodies(client, as_agent, dossier) == ["staff only", "for the requester", "for everyone invited"]


def test_staff_notes_are_internal_unless_said_otherwise(client, as_agent, dossier):
    assert note(client, as_agent, dossier, "x").get_json()["visibility"] == "internal"


def test_a_client_note_is_visible_to_staff_and_cannot_be_internal(client, as_agent, as_client, dossier):
    posted = note(client, as_client, dossier, "question from the client")
    assert posted.status_code == 201 and posted.get_json()["visibility"] == "requester"
    assert note(client, as_client, dossier, "sneaky", "internal").status_code == 422
    assert bodies(client, as_agent, dossier) == ["question from the client"]


def test_note_added_carries_visibility_and_an_excerpt(client, as_agent, dossier, db):
    posted = note(client, as_agent, dossier, "x" * 500, "requester").get_json()
    (event,) = outbox_events(db, "dossier.note_added")
    assert event.data == {
        "dossier_id": dossier["id"],
        "note_id": posted["id"],
        "visibility": "requester",
        "author_sub": "agent-alice",
        "author_role": "agent",
        "excerpt": "x" * 200,
    }


def test_a_client_of_another_company_cannot_post_a_note(client, as_stranger, dossier):
    assert note(client, as_stranger, dossier, "hello").status_code == 404


def test_important_developments_are_shown_to_the_requester(client, as_agent, as_client, dossier, db):
    response = client.post(
        f"/api/v1/dossiers/{dossier['id']}/developments",
        json={"title": "Hearing set", "body": "On 3 March"},
        headers=as_agent,
    )
    assert response.status_code == 201
    seen = client.get(f"/api/v1/dossiers/{dossier['id']}", headers=as_client).get_json()
    assert [item["title"] for item in seen["important_developments"]] == ["Hearing set"]
    assert outbox_events(db, "dossier.development_added")[0].data["title"] == "Hearing set"
    assert (
        client.post(
            f"/api/v1/dossiers/{dossier['id']}/developments", json={"title": "x"}, headers=as_client
        ).status_code
        == 403
    )


def kinds(client, headers, dossier):
    items = client.get(f"/api/v1/dossiers/{dossier['id']}/timeline", headers=headers).get_json()["items"]
    return [item["kind"] for item in items]


def test_the_timeline_lists_everything_in_order_for_staff_and_filters_for_clients(
    client, as_agent, as_client, dossier, db
):
    client.post(f"/api/v1/dossiers/{dossier['id']}/transitions", json={"to": "screening"}, headers=as_agent)
    client.patch(f"/api/v1/dossiers/{dossier['id']}", json={"assignee_sub": "agent-zoe"}, headers=as_agent)
    note(client, as_agent, dossier, "internal", "internal")
    note(client, as_agent, dossier, "public", "requester")
    client.post(f"/api/v1/dossiers/{dossier['id']}/developments", json={"title": "Step"}, headers=as_agent)
    table = handlers(None)
    deliver(
        db,
        "dossier",
        table,
        "document.added",
        {
            "document_id": "doc-1",
            "dossier_id": dossier["id"],
            "filename": "plan.pdf",
            "visibility": {"client": True, "partner": False, "roles": []},
        },
    )
    deliver(
        db,
        "dossier",
        table,
        "document.added",
        {
            "document_id": "doc-2",
            "dossier_id": dossier["id"],
            "filename": "memo.pdf",
            "visibility": {"client": False, "partner": False, "roles": []},
        },
    )
    deliver(
        db,
        "dossier",
        table,
        "solicitation.answered",
        {"solicitation_id": "s-1", "dossier_id": dossier["id"], "answer_kind": "opinion", "verdict": "favorable"},
    )
    deliver(
        db,
        "dossier",
        table,
        "piece.provided",
        {
            "contributor_id": "c-1",
            "dossier_id": dossier["id"],
            "role": "guarantor",
            "piece_code": "id_card",
            "document_id": "doc-3",
        },
    )
    assert kinds(client, as_agent, dossier) == [
        "created",
        "status_changed",
        "assigned",
        "note",
        "note",
        "development",
        "document",
        "document",
        "third_party_answer",
        "piece",
    ]
    assert kinds(client, as_client, dossier) == ["created", "assigned", "note", "development", "document", "piece"]


def test_the_timeline_pages_with_a_stable_cursor(client, as_agent, dossier):
    for index in range(5):
        note(client, as_agent, dossier, f"n{index}")
    first = client.get(f"/api/v1/dossiers/{dossier['id']}/timeline?limit=4", headers=as_agent).get_json()
    second = client.get(
        f"/api/v1/dossiers/{dossier['id']}/timeline?limit=4&cursor={first['next_cursor']}", headers=as_agent
    ).get_json()
    assert len(first["items"]) == 4 and len(second["items"]) == 2 and second["next_cursor"] is None
    assert {item["seq"] for item in first["items"]}.isdisjoint(item["seq"] for item in second["items"])


def test_a_redelivered_event_adds_one_timeline_entry(client, as_agent, dossier, db):
    table = handlers(None)
    envelope = deliver(
        db,
        "dossier",
        table,
        "document.added",
        {"document_id": "d", "dossier_id": dossier["id"], "filename": "a.pdf", "visibility": {}},
    )
    deliver(db, "dossier", table, "document.added", {}, envelope=envelope)
    assert kinds(client, as_agent, dossier).count("document") == 1


def test_events_about_unknown_dossiers_are_ignored_without_failing(db):
    table = handlers(None)
    deliver(db, "dossier", table, "attestation.issued", {"request_id": "r", "contract_id": "c", "title": "T"})
    deliver(db, "dossier", table, "document.added", {"document_id": "d", "dossier_id": "nope", "visibility": {}})


def test_an_attestation_linked_to_a_dossier_appears_on_its_timeline(client, as_client, dossier, db):
    deliver(
        db,
        "dossier",
        handlers(None),
        "attestation.issued",
        {"request_id": "r", "contract_id": "c", "dossier_id": dossier["id"], "title": "Insurance certificate"},
    )
    assert kinds(client, as_client, dossier)[-1] == "attestation"


def test_a_document_s_timeline_entry_follows_its_visibility(client, as_client, dossier, db):
    table = handlers(None)
    document = {"document_id": "doc-9", "dossier_id": dossier["id"], "filename": "draft.pdf"}
    deliver(db, "dossier", table, "document.added", {**document, "visibility": {"client": False}})
    assert "document" not in kinds(client, as_client, dossier)
    deliver(db, "dossier", table, "document.visibility_changed", {**document, "visibility": {"client": True}})
    assert "document" in kinds(client, as_client, dossier)
    deliver(db, "dossier", table, "document.deleted", document)
    assert "document" not in kinds(client, as_client, dossier)


def test_a_client_reads_names_never_another_person_s_account_id(client, as_agent, as_client, dossier):
    """Architecture §5: staff may see account ids; a client sees names (and keeps their own id, to mark "mine")."""
    note(client, as_agent, dossier, "from the lawyer", "requester")
    note(client, as_client, dossier, "from me")
    client.patch(
        f"/api/v1/dossiers/{dossier['id']}",
        json={"assignee_sub": "agent-zoe", "assignee_email": "zoe@firm.example"},
        headers={**as_agent, "If-Match": "*"},
    )
    path = f"/api/v1/dossiers/{dossier['id']}"
    client_notes = client.get(f"{path}/notes", headers=as_client).get_json()["items"]
    staff_notes = client.get(f"{path}/notes", headers=as_agent).get_json()["items"]
    assert [n.get("author_sub") for n in staff_notes] == ["agent-alice", "client-bob"]
    assert [n.get("author_sub") for n in client_notes] == [None, "client-bob"]
    assert client_notes[0]["author_name"]  # the lawyer named (a pseudonym when nobody gave a name)
    assert "agent-alice" not in str(client_notes)
    client_timeline = client.get(f"{path}/timeline", headers=as_client).get_json()["items"]
    staff_timeline = client.get(f"{path}/timeline", headers=as_agent).get_json()["items"]
    assert "agent-alice" in str(staff_timeline) and "agent-zoe" in str(staff_timeline)
    assert "agent-alice" not in str(client_timeline) and "agent-zoe" not in str(client_timeline)
    assert all(entry["actor_name"] for entry in client_timeline if entry["actor_role"])
    assert {entry.get("actor_sub") for entry in client_timeline} <= {"client-bob", None}
