"""Agents' side: partners, solicitations and their events, internal partners, remind, automatic reminders."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from gateway_world import unique

from partner_gateway.jobs import run_automatic_reminders
from platform_shared import clock
from platform_shared.testing.unit import bearer, outbox_events


def test_an_internal_partner_needs_an_agent_sub_and_an_external_one_has_none(world, client):
    missing = client.post(
        "/api/v1/partners", json={"name": "Legal", "email": "l@example.org", "kind": "internal"}, headers=world.agent
    )
    extra = client.post(
        "/api/v1/partners",
        json={"name": "X", "email": "x@example.org", "kind": "external", "agent_sub": "agent-x"},
        headers=world.agent,
    )
    assert missing.status_code == extra.status_code == 422
    assert client.get("/api/v1/partners", headers=world.agent).get_json()["items"] == []


def test_creating_a_solicitation_for_an_external_partner_publishes_it_with_the_sealed_key(world):
    dossier_id = world.dossier()
    partner = world.partner()
    created = world.solicit(dossier_id, partner["id"], scope="technical", open_statuses=["review", "decision"])
    assert created["state"] == "pending" and created["access_key"]
    [event] = outbox_events(world.db, "solicitation.created")
    assert {
        key: event.data[key]
        for key in (
            "solicitation_id",
            "dossier_id",
            "partner_id",
            "partner_kind",
            "partner_email",
            "type",
            "scope",
            "open_statuses",
        )
    } == {
        "solicitation_id": created["id"],
        "dossier_id": dossier_id,
        "partner_id": partner["id"],
        "partner_kind": "external",
        "partner_email": "expert@example.org",
        "type": "opinion",
        "scope": "technical",
        "open_statuses": ["decision", "review"],
    }
    assert event.data["key_expires_at"].endswith("Z") and event.actor["sub"] == "agent-alice"


def test_an_internal_partner_gets_no_key_and_finds_the_solicitation_in_their_crm_list(world, client, settings):
    agent_sub = unique("agent")
    partner = world.partner("internal", agent_sub=agent_sub)
    created = world.solicit(world.dossier(), partner["id"])
    assert created["access_key"] is None and created["state"] == "attached"
    event = outbox_events(world.db, "solicitation.created")[0]
    assert "sealed_key" not in event.data and event.data["partner_sub"] == agent_sub
    internal = bearer(settings, "agent", agent_sub)
    mine = client.get("/api/v1/me/solicitations", headers=internal).get_json()["items"]
    assert [item["id"] for item in mine] == [created["id"]]
    assert client.get("/api/v1/me/solicitations", headers=world.agent).get_json()["items"] == []
    assert (
        client.post(
            f"/api/v1/solicitations/{created['id']}/opinion", json={"verdict": "favorable"}, headers=internal
        ).status_code
        == 200
    )


def test_a_solicitation_on_an_unknown_dossier_is_404_and_on_a_closed_one_409(world, client, upstream):
    body = {
        "partner_id": world.partner()["id"],
        "type": "opinion",
        "scope": "legal",
        "due_date": (date.today() + timedelta(days=3)).isoformat(),
        "open_statuses": ["review"],
    }
    assert client.post("/api/v1/dossiers/nope/solicitations", json=body, headers=world.agent).status_code == 404
    dossier_id = world.dossier()
    upstream.dossiers[dossier_id]["closed"] = True
    assert (
        client.post(f"/api/v1/dossiers/{dossier_id}/solicitations", json=body, headers=world.agent).status_code == 409
    )


def test_a_solicitation_needs_a_known_type_and_a_due_date_not_in_the_past(world, client):
    dossier_id = world.dossier()
    partner_id = world.partner()["id"]
    base = {"partner_id": partner_id, "type": "opinion", "scope": "legal", "open_statuses": ["review"]}
    wrong_type = client.post(
        f"/api/v1/dossiers/{dossier_id}/solicitations",
        headers=world.agent,
        json={**base, "type": "gossip", "due_date": date.today().isoformat()},
    )
    past = client.post(
        f"/api/v1/dossiers/{dossier_id}/solicitations",
        headers=world.agent,
        json={**base, "due_date": (date.today() - timedelta(days=1)).isoformat()},
    )
    assert wrong_type.status_code == past.status_code == 422


def test_remind_reaches_only_unanswered_solicitations_and_respects_the_quiet_period(world, client):
    dossier_id = world.dossier()
    answered, _, headers = world.attached_solicitation(dossier_id)
    client.post(f"/api/v1/solicitations/{answered['id']}/opinion", json={"verdict": "favorable"}, headers=headers)
    client.post(f"/api/v1/solicitations/{answered['id']}/submit", headers=headers)
    waiting = world.solicit(dossier_id)
    url = f"/api/v1/dossiers/{dossier_id}/solicitations/remind"
    first = client.post(url, json={}, headers=world.agent).get_json()
    assert (first["reminded"], first["skipped"], first["reminded_ids"]) == (1, 0, [waiting["id"]])
    second = client.post(url, json={"solicitation_ids": [waiting["id"]]}, headers=world.agent).get_json()
    assert (second["reminded"], second["skipped"]) == (0, 1)
    [event] = outbox_events(world.db, "solicitation.reminded")
    assert event.data["reminder_count"] == 1 and event.data["automatic"] is False
    listed = client.get(f"/api/v1/dossiers/{dossier_id}/solicitations", headers=world.agent).get_json()["items"]
    reminded = next(item for item in listed if item["id"] == waiting["id"])
    assert reminded["reminder_count"] == 1 and reminded["reminded_at"]


def test_a_reminder_after_the_quiet_period_is_sent_again(world, client, settings):
    dossier_id = world.dossier()
    world.solicit(dossier_id)
    url = f"/api/v1/dossiers/{dossier_id}/solicitations/remind"
    client.post(url, json={}, headers=world.agent)
    later = clock.now() + timedelta(hours=settings.reminder_quiet_hours, minutes=1)
    headers = world.agent
    with clock.frozen_at(later):
        assert client.post(url, json={}, headers=headers).get_json()["reminded"] == 1


def test_the_worker_reminds_once_shortly_before_the_due_date(world, db, settings):
    dossier_id = world.dossier()
    soon = world.solicit(dossier_id, due_date=(date.today() + timedelta(days=2)).isoformat())
    world.solicit(dossier_id, due_date=(date.today() + timedelta(days=9)).isoformat())
    assert run_automatic_reminders(db, settings) == 1
    assert run_automatic_reminders(db, settings) == 0
    [event] = outbox_events(db, "solicitation.reminded")
    assert event.data["solicitation_id"] == soon["id"] and event.data["automatic"] is True


def test_the_worker_does_not_remind_answered_or_revoked_solicitations(world, db, settings, client):
    solicitation, _, _ = world.attached_solicitation(due_date=(date.today() + timedelta(days=1)).isoformat())
    client.post(f"/api/v1/solicitations/{solicitation['id']}/revoke", headers=world.agent)
    assert run_automatic_reminders(db, settings) == 0


def test_a_pending_solicitation_whose_key_ran_out_shows_as_expired(world, client):
    created = world.solicit(world.dossier())
    headers = world.agent
    after = datetime.fromisoformat(created["key_expires_at"]) + timedelta(minutes=1)
    with clock.frozen_at(after):
        listed = client.get(f"/api/v1/solicitations/{created['id']}", headers=headers)
    assert listed.status_code == 200 and listed.get_json()["state"] == "expired"


def test_revoke_and_cancel_publish_their_events_and_cannot_be_repeated(world, client):
    revoked, sub, _ = world.attached_solicitation()
    cancelled = world.solicit(world.dossier())
    assert client.post(f"/api/v1/solicitations/{revoked['id']}/revoke", headers=world.agent).status_code == 200
    assert client.post(f"/api/v1/solicitations/{revoked['id']}/revoke", headers=world.agent).status_code == 409
    assert client.delete(f"/api/v1/solicitations/{cancelled['id']}", headers=world.agent).status_code == 200
    assert outbox_events(world.db, "solicitation.revoked")[0].data == {
        "solicitation_id": revoked["id"],
        "dossier_id": revoked["dossier_id"],
        "partner_sub": sub,
    }
    assert outbox_events(world.db, "solicitation.cancelled")[0].data["solicitation_id"] == cancelled["id"]


def test_attaching_publishes_solicitation_attached(world):
    solicitation, sub, _ = world.attached_solicitation()
    assert outbox_events(world.db, "solicitation.attached")[0].data == {
        "solicitation_id": solicitation["id"],
        "dossier_id": solicitation["dossier_id"],
        "partner_id": solicitation["partner"]["id"],
        "partner_sub": sub,
    }


def test_only_agents_manage_solicitations(world, client):
    headers = world.partner_headers(unique("partner"))
    assert client.get(f"/api/v1/dossiers/{world.dossier()}/solicitations", headers=headers).status_code == 403
    assert client.post("/api/v1/partners", json={}, headers=headers).status_code == 403
