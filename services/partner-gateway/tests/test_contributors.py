"""Contributors and participants: invitations with keys, notify, only the pieces of one's role, piece.provided."""

from __future__ import annotations

import uuid

from gateway_world import CLIENT_INVITES_MODEL, unique

from partner_gateway.app import create_app
from partner_gateway.domain.rules import client_may_invite_kind, is_the_dossiers_client
from platform_shared.messaging.sealed import unseal
from platform_shared.testing.unit import bearer, outbox_events


def test_notify_false_returns_the_key_to_hand_over_and_sends_no_sealed_key(world):
    invitation = world.invite(world.dossier(), notify=False)
    assert invitation["access_key"] and invitation["state"] == "invited"
    [event] = outbox_events(world.db, "contributor.invited")
    assert event.data["notify"] is False and "sealed_key" not in event.data


def test_notify_true_emails_the_key_sealed_and_does_not_return_it(world, settings):
    invitation = world.invite(world.dossier(), notify=True)
    assert invitation["access_key"] is None
    [event] = outbox_events(world.db, "contributor.invited")
    assert event.data["role"] == "guarantor" and event.data["email"] == "gus@example.org"
    key = unseal(event.data["sealed_key"], settings.event_secret_key)
    assert world.attach(key, unique("guest")).get_json()["kind"] == "contributor"


def test_a_contributor_role_must_be_one_of_the_models_roles(world, client):
    response = client.post(
        f"/api/v1/dossiers/{world.dossier()}/contributors",
        headers=world.agent,
        json={"kind": "contributor", "role": "landlord", "name": "L", "email": "l@example.org"},
    )
    assert response.status_code == 422


def test_an_invitation_key_is_single_use(world):
    invitation, _, _ = world.attached_invitation()
    assert world.attach(invitation["access_key"], unique("guest")).status_code == 409


def test_a_contributor_sees_only_the_pieces_of_their_role(world, client):
    dossier_id = world.dossier()
    _, _, guarantor = world.attached_invitation(dossier_id, role="guarantor")
    world.attached_invitation(dossier_id, role="co_borrower")
    pieces = client.get("/api/v1/me/pieces", headers=guarantor).get_json()
    assert [(item["role"], [piece["code"] for piece in item["pieces"]]) for item in pieces] == [
        ("guarantor", ["payslip"])
    ]
    assert "tax_notice" not in str(pieces)


def test_a_contributor_cannot_see_the_dossier_itself(world, client):
    invitation, sub, headers = world.attached_invitation()
    assert client.get(f"/api/v1/me/dossiers/{invitation['dossier_id']}", headers=headers).status_code == 404


def test_providing_a_piece_publishes_piece_provided_and_another_roles_piece_is_refused(world, client, upstream):
    invitation, sub, headers = world.attached_invitation()
    mine = upstream.add_document("dossier", invitation["dossier_id"], uploaded_by=sub)
    url = f"/api/v1/me/pieces/{invitation['id']}"
    provided = client.post(f"{url}/payslip", json={"document_id": mine}, headers=headers)
    assert provided.status_code == 201
    assert provided.get_json()["pieces"][0]["document_ids"] == [mine]
    assert client.post(f"{url}/tax_notice", json={"document_id": mine}, headers=headers).status_code == 404
    [event] = outbox_events(world.db, "piece.provided")
    assert event.data == {
        "contributor_id": invitation["id"],
        "dossier_id": invitation["dossier_id"],
        "role": "guarantor",
        "piece_code": "payslip",
        "document_id": mine,
        "account_sub": sub,
    }


def provide(client, invitation, headers, document_id):
    return client.post(
        f"/api/v1/me/pieces/{invitation['id']}/payslip", json={"document_id": document_id}, headers=headers
    )


def test_a_contributor_provides_only_a_document_they_uploaded_on_this_dossier(world, client, upstream):
    dossier_id = world.dossier()
    invitation, sub, headers = world.attached_invitation(dossier_id)
    _, co_borrower, _ = world.attached_invitation(dossier_id, role="co_borrower")
    refused = {
        "unknown": "no-such-document",
        "another role's upload": upstream.add_document("dossier", dossier_id, uploaded_by=co_borrower),
        "staff's file": upstream.add_document("dossier", dossier_id, uploaded_by="agent-alice", partner=True),
        "my upload on another dossier": upstream.add_document("dossier", world.dossier(), uploaded_by=sub),
    }
    for what, document_id in refused.items():
        response = provide(client, invitation, headers, document_id)
        assert response.status_code == 422, what
        assert response.mimetype == "application/problem+json" and "document_id" in response.get_json()["errors"]
    assert outbox_events(world.db, "piece.provided") == []
    assert client.get("/api/v1/me/pieces", headers=headers).get_json()[0]["pieces"][0]["document_ids"] == []


def test_an_unreachable_documents_service_refuses_a_piece_with_503_and_saves_nothing(world, settings, db, upstream):
    invitation, sub, headers = world.attached_invitation()
    mine = upstream.add_document("dossier", invitation["dossier_id"], uploaded_by=sub)
    documents_down = create_app(settings.replace(documents_url="http://127.0.0.1:1"), db).test_client()
    response = provide(documents_down, invitation, headers, mine)
    assert response.status_code == 503 and response.mimetype == "application/problem+json"
    assert outbox_events(world.db, "piece.provided") == []


def test_another_account_cannot_provide_on_someone_elses_invitation(world, client):
    invitation, _, _ = world.attached_invitation()
    stranger = world.partner_headers(unique("guest"))
    response = client.post(f"/api/v1/me/pieces/{invitation['id']}/payslip", json={"document_id": "d"}, headers=stranger)
    assert response.status_code == 404


def test_a_closed_dossier_keeps_the_pieces_readable_but_refuses_a_new_one_with_409(world, client):
    invitation, _, headers = world.attached_invitation()
    world.close(invitation["dossier_id"])
    pieces = client.get("/api/v1/me/pieces", headers=headers).get_json()
    assert [item["role"] for item in pieces] == ["guarantor"]
    response = client.post(f"/api/v1/me/pieces/{invitation['id']}/payslip", json={"document_id": "d"}, headers=headers)
    assert response.status_code == 409
    assert outbox_events(world.db, "piece.provided") == []


def test_a_revoked_invitation_loses_access(world, client):
    invitation, _, headers = world.attached_invitation()
    assert client.post(f"/api/v1/contributors/{invitation['id']}/revoke", headers=world.agent).status_code == 200
    assert client.get("/api/v1/me/pieces", headers=headers).get_json() == []


def test_a_participant_gets_the_participant_view_and_access_says_so(world, client, settings):
    dossier_id = world.dossier()
    invitation = world.invite(dossier_id, kind="participant", role=None)
    sub = unique("subcontractor")
    assert world.attach(invitation["access_key"], sub).get_json()["kind"] == "participant"
    body = client.get(f"/api/v1/me/dossiers/{dossier_id}", headers=world.partner_headers(sub)).get_json()
    assert body["dossier"]["fields"] == {"court": "Lyon"} and body["solicitations"] == []
    access = client.get(
        f"/api/v1/access?dossier_id={dossier_id}&sub={sub}", headers=bearer(settings, "service", "service:documents")
    ).get_json()
    assert (access["participant"], access["partner"], access["contributor_roles"]) == (True, False, [])


def test_the_access_route_lists_contributor_roles(world, client, settings):
    invitation, sub, _ = world.attached_invitation()
    access = client.get(
        f"/api/v1/access?dossier_id={invitation['dossier_id']}&sub={sub}",
        headers=bearer(settings, "service", "service:documents"),
    ).get_json()
    assert access["contributor_roles"] == ["guarantor"]
    assert outbox_events(world.db, "contributor.attached")[0].data["account_sub"] == sub


def test_the_agents_list_the_dossiers_invitations(world, client):
    invitation, _, _ = world.attached_invitation()
    items = client.get(f"/api/v1/dossiers/{invitation['dossier_id']}/contributors", headers=world.agent).get_json()[
        "items"
    ]
    assert [(item["id"], item["state"]) for item in items] == [(invitation["id"], "attached")]
    assert "access_key" not in items[0]


def test_a_client_invites_a_contributor_when_the_model_allows(world, settings):
    dossier_id = world.dossier(model=CLIENT_INVITES_MODEL)
    owner = bearer(settings, "client", "client-bob", org="acme", email="bob@acme.example")
    invitation = world.invite(dossier_id, headers=owner, role="co_borrower", notify=True)
    assert (invitation["kind"], invitation["role"], invitation["state"]) == ("contributor", "co_borrower", "invited")
    [event] = outbox_events(world.db, "contributor.invited")
    assert event.actor["sub"] == "client-bob" and "sealed_key" in event.data
    audit = world.client.get(f"/api/v1/dossiers/{dossier_id}/audit", headers=world.agent).get_json()["items"]
    assert [(entry["action"], entry["actor_role"]) for entry in audit] == [("contributor.invited", "client")]


def test_a_member_of_the_clients_company_invites_too(world, settings):
    dossier_id = world.dossier(model=CLIENT_INVITES_MODEL)
    colleague = bearer(settings, "client", "client-carol", org="acme")
    assert world.try_invite(dossier_id, colleague).status_code == 201


def test_a_client_is_refused_when_the_model_does_not_allow_it_and_nothing_is_created(world, settings):
    dossier_id = world.dossier()
    owner = bearer(settings, "client", "client-bob", org="acme")
    response = world.try_invite(dossier_id, owner)
    assert response.status_code == 403 and response.mimetype == "application/problem+json"
    assert outbox_events(world.db, "contributor.invited") == []


def test_a_client_of_another_dossier_gets_404_whatever_the_model(world, settings):
    dossier_id = world.dossier(model=CLIENT_INVITES_MODEL)
    for stranger in (bearer(settings, "client", "client-dave", org="globex"), bearer(settings, "client", "client-eve")):
        assert world.try_invite(dossier_id, stranger).status_code == 404
    assert world.try_invite(str(uuid.uuid4()), bearer(settings, "client", "client-bob", org="acme")).status_code == 404
    assert outbox_events(world.db, "contributor.invited") == []


def test_a_client_may_not_invite_a_participant(world, settings):
    dossier_id = world.dossier(model=CLIENT_INVITES_MODEL)
    owner = bearer(settings, "client", "client-bob", org="acme")
    assert world.try_invite(dossier_id, owner, kind="participant", role=None).status_code == 403


def test_a_client_lists_and_revokes_only_the_invitations_they_made(world, client, settings):
    dossier_id = world.dossier(model=CLIENT_INVITES_MODEL)
    owner = bearer(settings, "client", "client-bob", org="acme")
    colleague = bearer(settings, "client", "client-carol", org="acme")
    by_owner = world.invite(dossier_id, headers=owner, role="co_borrower", notify=False)
    by_agent = world.invite(dossier_id, role="co_borrower", notify=False)
    path = f"/api/v1/dossiers/{dossier_id}/contributors"
    assert [item["id"] for item in client.get(path, headers=owner).get_json()["items"]] == [by_owner["id"]]
    assert client.get(path, headers=colleague).get_json()["items"] == []
    assert [item["id"] for item in client.get(path, headers=world.agent).get_json()["items"]] == [
        by_owner["id"],
        by_agent["id"],
    ]
    for headers, invitation in ((owner, by_agent), (colleague, by_owner)):
        refused = client.post(f"/api/v1/contributors/{invitation['id']}/revoke", headers=headers)
        assert refused.status_code == 404 and refused.mimetype == "application/problem+json"
    revoked = client.post(f"/api/v1/contributors/{by_owner['id']}/revoke", headers=owner)
    assert revoked.status_code == 200 and revoked.get_json()["state"] == "revoked"
    states = {item["id"]: item["state"] for item in client.get(path, headers=world.agent).get_json()["items"]}
    assert states == {by_owner["id"]: "revoked", by_agent["id"]: "invited"}


def test_another_client_cannot_list_a_dossiers_invitations(world, client, settings):
    dossier_id = world.dossier(model=CLIENT_INVITES_MODEL)
    world.invite(dossier_id, role="co_borrower", notify=False)
    for stranger in (bearer(settings, "client", "client-dave", org="globex"), bearer(settings, "client", "eve")):
        response = client.get(f"/api/v1/dossiers/{dossier_id}/contributors", headers=stranger)
        assert response.status_code == 404 and response.mimetype == "application/problem+json"


def test_a_client_cannot_invite_on_a_closed_dossier(world, settings):
    dossier_id = world.dossier(model=CLIENT_INVITES_MODEL)
    world.close(dossier_id)
    assert world.try_invite(dossier_id, bearer(settings, "client", "client-bob", org="acme")).status_code == 409


def test_the_inviting_client_rule_follows_the_dossier_services_client_rule():
    assert is_the_dossiers_client("client-bob", None, "client-bob", None)
    assert is_the_dossiers_client("client-carol", "acme", "client-bob", "acme")
    assert not is_the_dossiers_client("client-dave", "globex", "client-bob", "acme")
    assert not is_the_dossiers_client("client-eve", None, None, None)
    assert client_may_invite_kind("contributor") and not client_may_invite_kind("participant")


def attached_participant(world, dossier_id=None):
    return world.attached_invitation(dossier_id, kind="participant", role=None, name="Sam", email="sam@example.org")


def post_note(client, dossier_id, headers, body="Scaffolding arrives Monday."):
    return client.post(f"/api/v1/me/dossiers/{dossier_id}/notes", json={"body": body}, headers=headers)


def test_a_participant_posts_a_note_that_the_dossier_records_as_theirs_and_reads_it_back(world, client, upstream):
    invitation, sub, headers = attached_participant(world)
    dossier_id = invitation["dossier_id"]
    response = post_note(client, dossier_id, headers)
    assert response.status_code == 201, response.get_json()
    assert (response.get_json()["visibility"], response.get_json()["author_sub"]) == ("participants", sub)
    [note] = upstream.notes
    assert note["author"] == {"sub": sub, "name": "Sam", "email": "sam@example.org"}
    view = client.get(f"/api/v1/me/dossiers/{dossier_id}", headers=headers).get_json()
    assert [item["body"] for item in view["dossier"]["notes"]] == ["Scaffolding arrives Monday."]
    audit = client.get(f"/api/v1/dossiers/{dossier_id}/audit", headers=world.agent).get_json()["items"]
    [posted] = [entry for entry in audit if entry["action"] == "note.posted"]  # the view's read is audited too
    assert (posted["action"], posted["actor_sub"], posted["details"]) == (
        "note.posted",
        sub,
        {"note_id": note["id"]},
    )


def test_only_an_attached_participant_of_that_dossier_may_post_a_note(world, client, upstream):
    dossier_id = world.dossier()
    _, _, contributor = world.attached_invitation(dossier_id)
    _, _, partner = world.attached_solicitation(dossier_id)
    _, _, elsewhere = attached_participant(world)
    revoked, _, revoked_headers = attached_participant(world, dossier_id)
    client.post(f"/api/v1/contributors/{revoked['id']}/revoke", headers=world.agent)
    for headers in (contributor, partner, elsewhere, revoked_headers, world.partner_headers(unique("guest"))):
        assert post_note(client, dossier_id, headers).status_code == 404
    assert post_note(client, dossier_id, world.agent).status_code == 403
    assert upstream.notes == []


def test_a_participant_note_on_a_closed_dossier_is_409(world, client, upstream):
    invitation, _, headers = attached_participant(world)
    world.close(invitation["dossier_id"])
    assert post_note(client, invitation["dossier_id"], headers).status_code == 409
    assert upstream.notes == []


def test_an_empty_participant_note_is_422(world, client, upstream):
    invitation, _, headers = attached_participant(world)
    assert post_note(client, invitation["dossier_id"], headers, body="").status_code == 422
    assert upstream.notes == []


def workspace(client, dossier_id, headers):
    return client.get(f"/api/v1/me/dossiers/{dossier_id}/workspace", headers=headers)


def test_a_participant_reads_the_dossier_workspace_through_the_gateway_and_the_read_is_audited(world, client, upstream):
    invitation, sub, headers = attached_participant(world)
    dossier_id = invitation["dossier_id"]
    response = workspace(client, dossier_id, headers)
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert [event["id"] for event in body["events"]] == ["evt-1"] and body["read_only"] is False
    assert [expense["total"] for expense in body["expenses"]] == ["114.00"]
    assert upstream.workspace_reads == [(dossier_id, sub)]  # the dossier is asked for that participant only
    audit = client.get(f"/api/v1/dossiers/{dossier_id}/audit", headers=world.agent).get_json()["items"]
    assert any(entry["action"] == "dossier.viewed" and entry["actor_sub"] == sub for entry in audit)


def test_only_an_attached_participant_reads_the_workspace(world, client, upstream):
    dossier_id = world.dossier()
    _, _, contributor = world.attached_invitation(dossier_id)
    _, _, partner = world.attached_solicitation(dossier_id)
    _, _, elsewhere = attached_participant(world)
    revoked, _, revoked_headers = attached_participant(world, dossier_id)
    client.post(f"/api/v1/contributors/{revoked['id']}/revoke", headers=world.agent)
    for headers in (contributor, partner, elsewhere, revoked_headers, world.partner_headers(unique("guest"))):
        assert workspace(client, dossier_id, headers).status_code == 404
    assert workspace(client, dossier_id, world.agent).status_code == 403
    assert upstream.workspace_reads == []


def test_a_closed_dossier_workspace_stays_readable_to_its_participant(world, client, upstream):
    invitation, _, headers = attached_participant(world)
    world.close(invitation["dossier_id"])
    response = workspace(client, invitation["dossier_id"], headers)
    assert response.status_code == 200 and response.get_json()["read_only"] is True


def test_revoking_a_third_party_publishes_contributor_revoked_so_other_services_drop_it(world, client):
    invitation, sub, _ = attached_participant(world)
    assert client.post(f"/api/v1/contributors/{invitation['id']}/revoke", headers=world.agent).status_code == 200
    (revoked,) = outbox_events(world.db, "contributor.revoked")
    assert revoked.data == {
        "contributor_id": invitation["id"],
        "dossier_id": invitation["dossier_id"],
        "kind": "participant",
        "role": None,
        "account_sub": sub,
    }


STAFF_NOTE = {
    "id": "note-staff",
    "visibility": "participants",
    "body": "Site visit on Friday.",
    "author_sub": "agent-alice",
    "author_role": "agent",
    "author_name": "Alice Lawyer",
    "created_at": "2026-12-01T09:00:00Z",
}


def test_a_participant_reads_people_by_name_never_by_another_person_s_account_id(world, client, upstream):
    """Architecture §5: the dossier service hands the gateway (a service) the notes' author_sub; the participant
    reads the names, and only their own account id (their page marks their notes by it)."""
    invitation, sub, headers = attached_participant(world)
    dossier_id = invitation["dossier_id"]
    upstream.notes.append({**STAFF_NOTE, "dossier_id": dossier_id})
    assert post_note(client, dossier_id, headers).status_code == 201
    notes = client.get(f"/api/v1/me/dossiers/{dossier_id}", headers=headers).get_json()["dossier"]["notes"]
    assert [(note.get("author_sub"), note["author_name"]) for note in notes] == [(None, "Alice Lawyer"), (sub, "Sam")]
    [event] = workspace(client, dossier_id, headers).get_json()["events"]
    assert event["attendees"] == [
        {"role": "agent", "name": "Alice Lawyer"},
        {"sub": sub, "role": "partner", "name": "Sam"},
    ]
    assert "agent-alice" not in str(notes) + str(event)


def test_a_partner_reads_notes_and_documents_without_another_person_s_account_id(world, client, upstream):
    solicitation, sub, headers = world.attached_solicitation()
    dossier_id = solicitation["dossier_id"]
    upstream.notes.append({**STAFF_NOTE, "dossier_id": dossier_id})
    upstream.add_document("dossier", dossier_id, uploaded_by="agent-alice", partner=True)
    mine = upstream.add_document("solicitation", solicitation["id"], uploaded_by=sub, dossier_id=dossier_id)
    view = client.get(f"/api/v1/me/dossiers/{dossier_id}", headers=headers).get_json()
    assert [note["author_name"] for note in view["dossier"]["notes"]] == ["Alice Lawyer"]
    assert [document["uploaded_by"] for document in view["documents"]] == [{"role": "partner"}]
    [detail] = view["solicitations"]
    assert [(d["id"], d["uploaded_by"]["sub"]) for d in detail["documents"]] == [(mine, sub)]
    assert "agent-alice" not in str(view)


def test_a_client_lists_the_contributors_they_invited_without_their_account_ids(world, client, settings):
    dossier_id = world.dossier(model=CLIENT_INVITES_MODEL)
    owner = bearer(settings, "client", "client-bob", org="acme")
    invitation = world.invite(dossier_id, headers=owner, role="co_borrower", notify=False)
    guest = unique("guest")
    assert world.attach(invitation["access_key"], guest).status_code == 200
    path = f"/api/v1/dossiers/{dossier_id}/contributors"
    [seen] = client.get(path, headers=owner).get_json()["items"]
    assert seen["state"] == "attached" and "account_sub" not in seen
    [staff_seen] = client.get(path, headers=world.agent).get_json()["items"]
    assert staff_seen["account_sub"] == guest  # staff may see account ids
    revoked = client.post(f"/api/v1/contributors/{invitation['id']}/revoke", headers=owner).get_json()
    assert revoked["state"] == "revoked" and "account_sub" not in revoked
