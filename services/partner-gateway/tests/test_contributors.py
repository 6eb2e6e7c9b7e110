"""Contributors and participants: invitations with keys, notify, only the pieces of one's role, piece.provided."""
from __future__ import annotations

from platform_shared.messaging.sealed import unseal
from platform_shared.testing.unit import bearer, outbox_events

from gateway_world import unique


def attached_contributor(world, dossier_id=None, **overrides):
    dossier_id = dossier_id or world.dossier()
    invitation = world.invite(dossier_id, **overrides)
    sub = unique("guest")
    response = world.attach(invitation["access_key"], sub)
    assert response.status_code == 200, response.get_json()
    return invitation, sub, world.partner_headers(sub)


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
    response = client.post(f"/api/v1/dossiers/{world.dossier()}/contributors", headers=world.agent,
                           json={"kind": "contributor", "role": "landlord", "name": "L", "email": "l@example.org"})
    assert response.status_code == 422


def test_an_invitation_key_is_single_use(world):
    invitation, _, _ = attached_contributor(world)
    assert world.attach(invitation["access_key"], unique("guest")).status_code == 409


def test_a_contributor_sees_only_the_pieces_of_their_role(world, client):
    dossier_id = world.dossier()
    _, _, guarantor = attached_contributor(world, dossier_id, role="guarantor")
    attached_contributor(world, dossier_id, role="co_borrower")
    pieces = client.get("/api/v1/me/pieces", headers=guarantor).get_json()
    assert [(item["role"], [piece["code"] for piece in item["pieces"]]) for item in pieces] == [
        ("guarantor", ["payslip"])]
    assert "tax_notice" not in str(pieces)


def test_a_contributor_cannot_see_the_dossier_itself(world, client):
    invitation, sub, headers = attached_contributor(world)
    assert client.get(f"/api/v1/me/dossiers/{invitation['dossier_id']}", headers=headers).status_code == 404


def test_providing_a_piece_publishes_piece_provided_and_another_roles_piece_is_refused(world, client):
    invitation, sub, headers = attached_contributor(world)
    url = f"/api/v1/me/pieces/{invitation['id']}"
    provided = client.post(f"{url}/payslip", json={"document_id": "doc-1"}, headers=headers)
    assert provided.status_code == 201
    assert provided.get_json()["pieces"][0]["document_ids"] == ["doc-1"]
    assert client.post(f"{url}/tax_notice", json={"document_id": "doc-2"}, headers=headers).status_code == 404
    [event] = outbox_events(world.db, "piece.provided")
    assert event.data == {"contributor_id": invitation["id"], "dossier_id": invitation["dossier_id"],
                          "role": "guarantor", "piece_code": "payslip", "document_id": "doc-1", "account_sub": sub}


def test_another_account_cannot_provide_on_someone_elses_invitation(world, client):
    invitation, _, _ = attached_contributor(world)
    stranger = world.partner_headers(unique("guest"))
    response = client.post(f"/api/v1/me/pieces/{invitation['id']}/payslip", json={"document_id": "d"},
                           headers=stranger)
    assert response.status_code == 404


def test_a_closed_dossier_keeps_the_pieces_readable_but_refuses_a_new_one_with_409(world, client):
    invitation, _, headers = attached_contributor(world)
    world.close(invitation["dossier_id"])
    pieces = client.get("/api/v1/me/pieces", headers=headers).get_json()
    assert [item["role"] for item in pieces] == ["guarantor"]
    response = client.post(f"/api/v1/me/pieces/{invitation['id']}/payslip", json={"document_id": "d"},
                           headers=headers)
    assert response.status_code == 409
    assert outbox_events(world.db, "piece.provided") == []


def test_a_revoked_invitation_loses_access(world, client):
    invitation, _, headers = attached_contributor(world)
    assert client.post(f"/api/v1/contributors/{invitation['id']}/revoke", headers=world.agent).status_code == 200
    assert client.get("/api/v1/me/pieces", headers=headers).get_json() == []


def test_a_participant_gets_the_participant_view_and_access_says_so(world, client, settings):
    dossier_id = world.dossier()
    invitation = world.invite(dossier_id, kind="participant", role=None)
    sub = unique("subcontractor")
    assert world.attach(invitation["access_key"], sub).get_json()["kind"] == "participant"
    body = client.get(f"/api/v1/me/dossiers/{dossier_id}", headers=world.partner_headers(sub)).get_json()
    assert body["dossier"]["fields"] == {"court": "Lyon"} and body["solicitations"] == []
    access = client.get(f"/api/v1/access?dossier_id={dossier_id}&sub={sub}",
                        headers=bearer(settings, "service", "service:documents")).get_json()
    assert (access["participant"], access["partner"], access["contributor_roles"]) == (True, False, [])


def test_the_access_route_lists_contributor_roles(world, client, settings):
    invitation, sub, _ = attached_contributor(world)
    access = client.get(f"/api/v1/access?dossier_id={invitation['dossier_id']}&sub={sub}",
                        headers=bearer(settings, "service", "service:documents")).get_json()
    assert access["contributor_roles"] == ["guarantor"]
    assert outbox_events(world.db, "contributor.attached")[0].data["account_sub"] == sub


def test_the_agents_list_the_dossiers_invitations(world, client):
    invitation, _, _ = attached_contributor(world)
    items = client.get(f"/api/v1/dossiers/{invitation['dossier_id']}/contributors",
                       headers=world.agent).get_json()["items"]
    assert [(item["id"], item["state"]) for item in items] == [(invitation["id"], "attached")]
    assert "access_key" not in items[0]
