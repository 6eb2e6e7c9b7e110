"""Issue 14, section 3: a solicitation changed after it was sent (the partner told when they can act), a partner
declining with a reason the agent reads, the contributors list with each piece provided or missing and the
reminder of those who have not provided everything, the model's invitation settings."""

from __future__ import annotations

from datetime import date, timedelta

from gateway_world import MODEL

from platform_shared.testing.unit import outbox_events


def change(world, solicitation_id, **body):
    return world.client.patch(f"/api/v1/solicitations/{solicitation_id}", json=body, headers=world.agent)


def test_an_agent_changes_a_sent_solicitation_and_the_partner_is_told(world):
    solicitation, _, headers = world.attached_solicitation()
    new_due = (date.today() + timedelta(days=20)).isoformat()
    response = change(
        world, solicitation["id"], due_date=new_due, instructions="Also the roof.", open_statuses=["review", "decision"]
    )
    assert response.status_code == 200, response.get_json()
    changed = response.get_json()
    assert (changed["due_date"], changed["instructions"], changed["open_statuses"]) == (
        new_due,
        "Also the roof.",
        ["decision", "review"],
    )
    assert changed["changed_at"]
    [event] = outbox_events(world.db, "solicitation.changed")
    assert set(event.data["changed_fields"]) == {"due_date", "instructions", "open_statuses"}
    assert event.data["notify"] is True
    world.change_status(solicitation["dossier_id"], "decision", partner_visible=True)
    assert world.client.get(f"/api/v1/me/dossiers/{solicitation['dossier_id']}", headers=headers).status_code == 200


def test_a_change_is_checked_and_a_partner_who_cannot_act_is_not_told(world):
    solicitation, _, _ = world.attached_solicitation()
    assert change(world, solicitation["id"], open_statuses=["nope"]).status_code == 422
    assert change(world, solicitation["id"], due_date="2000-01-01").status_code == 422
    assert outbox_events(world.db, "solicitation.changed") == []
    world.change_status(solicitation["dossier_id"], "internal_check", partner_visible=False)
    assert change(world, solicitation["id"], scope="legal").status_code == 200
    [event] = outbox_events(world.db, "solicitation.changed")
    assert (event.data["notify"], event.data["not_told_because"]) == (False, "status_hidden")


def test_an_answered_solicitation_no_longer_changes(world):
    solicitation, _, headers = world.attached_solicitation()
    world.client.post(
        f"/api/v1/solicitations/{solicitation['id']}/opinion", json={"verdict": "favorable"}, headers=headers
    )
    world.client.post(f"/api/v1/solicitations/{solicitation['id']}/submit", headers=headers)
    assert change(world, solicitation["id"], scope="legal").status_code == 409


def test_a_partner_declines_with_a_reason_the_agent_reads(world):
    solicitation, sub, headers = world.attached_solicitation()
    url = f"/api/v1/solicitations/{solicitation['id']}"
    assert world.client.post(f"{url}/decline", json={"reason": ""}, headers=headers).status_code == 422
    declined = world.client.post(f"{url}/decline", json={"reason": "Conflict of interest"}, headers=headers)
    assert declined.status_code == 200 and declined.get_json()["state"] == "declined"
    staff = world.client.get(url, headers=world.agent).get_json()
    assert (staff["state"], staff["decline_reason"]) == ("declined", "Conflict of interest") and staff["declined_at"]
    [event] = outbox_events(world.db, "solicitation.declined")
    assert (event.data["reason"], event.data["partner_sub"]) == ("Conflict of interest", sub)
    remind = world.client.post(
        f"/api/v1/dossiers/{solicitation['dossier_id']}/solicitations/remind", json={}, headers=world.agent
    )
    assert remind.get_json()["reminded"] == 0
    assert world.client.post(f"{url}/opinion", json={"verdict": "favorable"}, headers=headers).status_code == 404
    other = world.partner_headers("someone-else")
    assert world.client.post(f"{url}/decline", json={"reason": "x"}, headers=other).status_code == 404


def test_the_contributors_list_shows_provided_and_missing_pieces_and_reminds_the_incomplete(world, client, upstream):
    dossier_id = world.dossier()
    done, done_sub, done_headers = world.attached_invitation(dossier_id, name="Gus", email="gus@example.org")
    waiting, _, _ = world.attached_invitation(dossier_id, name="Ann", email="ann@example.org")
    document_id = upstream.add_document("dossier", dossier_id, uploaded_by=done_sub)
    provided = client.post(
        f"/api/v1/me/pieces/{done['id']}/payslip", json={"document_id": document_id}, headers=done_headers
    )
    assert provided.status_code == 201, provided.get_json()
    listed = {
        item["id"]: item
        for item in client.get(f"/api/v1/dossiers/{dossier_id}/contributors", headers=world.agent).get_json()["items"]
    }
    assert (listed[done["id"]]["complete"], listed[done["id"]]["missing"]) == (True, [])
    assert listed[done["id"]]["pieces"] == [
        {"code": "payslip", "label": "Payslip", "required": True, "provided": True, "document_ids": [document_id]}
    ]
    assert (listed[waiting["id"]]["complete"], listed[waiting["id"]]["missing"]) == (False, ["payslip"])
    assert listed[waiting["id"]]["role_label"] == "Guarantor"

    url = f"/api/v1/dossiers/{dossier_id}/contributors/remind"
    result = client.post(url, json={}, headers=world.agent).get_json()
    assert (result["reminded_ids"], result["skipped_details"]) == (
        [waiting["id"]],
        [{"contributor_id": done["id"], "reason": "complete"}],
    )
    [event] = outbox_events(world.db, "contributor.reminded")
    assert (
        event.data["missing"] == [{"code": "payslip", "label": "Payslip"}] and event.data["email"] == "ann@example.org"
    )
    again = client.post(url, json={}, headers=world.agent).get_json()
    assert (
        again["reminded"] == 0
        and {"contributor_id": waiting["id"], "reason": "reminded_recently"} in again["skipped_details"]
    )
    world.close(dossier_id)
    closed = client.post(url, json={}, headers=world.agent).get_json()
    assert {item["reason"] for item in closed["skipped_details"]} == {"dossier_closed"}


def test_the_model_decides_whether_an_invitation_is_emailed_when_the_agent_does_not_say(world):
    quiet_model = {**MODEL, "id": "model-quiet", "invitations_sent_automatically": False, "invitation_text": ""}
    texted_model = {**MODEL, "id": "model-texted", "invitation_text": "Bring your last three payslips."}
    body = {"kind": "contributor", "role": "guarantor", "name": "Gus", "email": "gus@example.org"}
    quiet = world.client.post(
        f"/api/v1/dossiers/{world.dossier(model=quiet_model)}/contributors", json=body, headers=world.agent
    )
    assert quiet.status_code == 201 and quiet.get_json()["notify"] is False and quiet.get_json()["access_key"]
    texted = world.client.post(
        f"/api/v1/dossiers/{world.dossier(model=texted_model)}/contributors", json=body, headers=world.agent
    )
    assert texted.get_json()["notify"] is True and texted.get_json()["access_key"] is None
    forced = world.client.post(
        f"/api/v1/dossiers/{world.dossier(model=quiet_model)}/contributors",
        json={**body, "notify": True},
        headers=world.agent,
    )
    assert forced.get_json()["notify"] is True
    events = outbox_events(world.db, "contributor.invited")
    assert [event.data.get("sealed_key") is not None for event in events] == [False, True, True]
    assert events[1].data["invitation_text"] == "Bring your last three payslips."
