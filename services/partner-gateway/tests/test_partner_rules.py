"""Issue 14, rules that broke on day one: reminders skip partners who cannot act (with the reason), open statuses
are the model's, completion drafts are type-checked on save, a closed dossier stays readable (read-only) to its
partners, documents addressed to one solicitation are in its partner's view, third-party reads are audited."""

from __future__ import annotations

from datetime import date, timedelta

from partner_gateway.handlers import handlers
from partner_gateway.jobs import run_automatic_reminders
from platform_shared.testing.unit import bearer, deliver, outbox_events


def remind(world, dossier_id, **body):
    response = world.client.post(f"/api/v1/dossiers/{dossier_id}/solicitations/remind", json=body, headers=world.agent)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def reasons(result):
    return {item["solicitation_id"]: item["reason"] for item in result["skipped_details"]}


def test_remind_on_a_closed_dossier_mails_nobody_and_says_why(world):
    solicitation, _, _ = world.attached_solicitation()
    world.close(solicitation["dossier_id"])
    result = remind(world, solicitation["dossier_id"])
    assert result["reminded"] == 0 and result["skipped"] == 1
    assert reasons(result) == {solicitation["id"]: "dossier_closed"}
    assert outbox_events(world.db, "solicitation.reminded") == []


def test_remind_skips_a_status_hidden_from_partners_and_a_status_the_solicitation_is_not_open_in(world):
    dossier_id = world.dossier()
    in_review, _, _ = world.attached_solicitation(dossier_id)
    pending = world.solicit(dossier_id, open_statuses=["review"])
    world.change_status(dossier_id, "internal_check", partner_visible=False)
    assert reasons(remind(world, dossier_id)) == {in_review["id"]: "status_hidden", pending["id"]: "status_hidden"}
    world.change_status(dossier_id, "decision", partner_visible=True)
    assert reasons(remind(world, dossier_id)) == {
        in_review["id"]: "not_open_in_status",
        pending["id"]: "not_open_in_status",
    }
    assert outbox_events(world.db, "solicitation.reminded") == []
    world.change_status(dossier_id, "review", partner_visible=True)
    result = remind(world, dossier_id)
    assert result["reminded"] == 2 and result["skipped_details"] == []
    again = remind(world, dossier_id)
    assert set(reasons(again).values()) == {"reminded_recently"}


def test_the_automatic_reminder_waits_until_the_partner_can_act(world, db, settings):
    dossier_id = world.dossier()
    solicitation = world.solicit(dossier_id, due_date=(date.today() + timedelta(days=1)).isoformat())
    world.change_status(dossier_id, "internal_check", partner_visible=False)
    assert run_automatic_reminders(db, settings) == 0
    world.change_status(dossier_id, "review", partner_visible=True)
    assert run_automatic_reminders(db, settings) == 1
    [event] = outbox_events(db, "solicitation.reminded")
    assert event.data["solicitation_id"] == solicitation["id"] and event.data["automatic"] is True


def test_open_statuses_must_be_statuses_of_the_dossiers_model(world, client):
    dossier_id = world.dossier()
    partner = world.partner()
    body = {
        "partner_id": partner["id"],
        "type": "opinion",
        "scope": "legal",
        "due_date": (date.today() + timedelta(days=5)).isoformat(),
        "open_statuses": ["review", "no-such-status"],
    }
    response = client.post(f"/api/v1/dossiers/{dossier_id}/solicitations", json=body, headers=world.agent)
    assert response.status_code == 422 and response.mimetype == "application/problem+json"
    assert "no-such-status" in str(response.get_json()["errors"]["open_statuses"])
    listed = client.get(f"/api/v1/dossiers/{dossier_id}/solicitations", headers=world.agent).get_json()
    assert listed["items"] == [] and outbox_events(world.db, "solicitation.created") == []


def _typed_view(world, dossier_id):
    world.upstream.dossiers[dossier_id]["view"] += [
        {"key": "surface", "label": "Surface", "type": "number", "mode": "write", "choices": [], "value": None},
        {"key": "visit", "label": "Visit", "type": "date", "mode": "write", "choices": [], "value": None},
        {"key": "grade", "label": "Grade", "type": "choice", "mode": "write", "choices": ["A", "B"], "value": None},
    ]


def test_a_completion_draft_is_type_checked_when_saved(world):
    dossier_id = world.dossier()
    _typed_view(world, dossier_id)
    solicitation, _, headers = world.attached_solicitation(dossier_id, type="completion")
    url = f"/api/v1/solicitations/{solicitation['id']}/completion"
    bad = world.client.patch(url, json={"values": {"surface": "beaucoup", "visit": "2026-02-30"}}, headers=headers)
    assert bad.status_code == 422 and bad.mimetype == "application/problem+json"
    assert set(bad.get_json()["errors"]["values"]) == {"surface", "visit"}
    assert world.client.patch(url, json={"values": {"grade": "Z"}}, headers=headers).status_code == 422
    history = world.client.get(f"/api/v1/solicitations/{solicitation['id']}/history", headers=headers).get_json()
    assert history == []
    good = world.client.patch(
        url, json={"values": {"surface": 120.5, "visit": "2026-02-03", "grade": "A"}}, headers=headers
    )
    assert good.status_code == 200, good.get_json()
    assert world.client.patch(url, json={"values": {"surface": None}}, headers=headers).status_code == 200


def test_after_closing_a_partner_reads_their_answer_history_and_files_but_every_write_is_409(world, client, settings):
    solicitation, sub, headers = world.attached_solicitation()
    dossier_id = solicitation["dossier_id"]
    mine = world.upstream.add_document("solicitation", solicitation["id"], uploaded_by=sub, dossier_id=dossier_id)
    opinion = client.post(
        f"/api/v1/solicitations/{solicitation['id']}/opinion", json={"verdict": "favorable"}, headers=headers
    )
    assert opinion.status_code == 200
    assert client.post(f"/api/v1/solicitations/{solicitation['id']}/submit", headers=headers).status_code == 200
    world.close(dossier_id)

    view = client.get(f"/api/v1/me/dossiers/{dossier_id}", headers=headers)
    assert view.status_code == 200, view.get_json()
    body = view.get_json()
    assert body["read_only"] is True
    [detail] = body["solicitations"]
    assert detail["answers"][0]["verdict"] == "favorable"
    assert [document["id"] for document in detail["documents"]] == [mine]
    history = client.get(f"/api/v1/solicitations/{solicitation['id']}/history", headers=headers)
    assert history.status_code == 200 and len(history.get_json()) == 1
    listed = client.get("/api/v1/me/dossiers", headers=headers).get_json()["items"]
    assert [item["dossier_id"] for item in listed] == [dossier_id]
    service = bearer(settings, "service", "service:documents")
    access = client.get(f"/api/v1/access?dossier_id={dossier_id}&sub={sub}", headers=service).get_json()
    assert access["solicitation_ids"] == [solicitation["id"]]

    url = f"/api/v1/solicitations/{solicitation['id']}"
    assert client.post(f"{url}/opinion", json={"verdict": "reserved"}, headers=headers).status_code == 409
    assert client.patch(f"{url}/completion", json={"values": {}}, headers=headers).status_code == 409
    assert client.post(f"{url}/submit", headers=headers).status_code == 409


def test_a_revoked_partner_does_not_read_a_closed_dossier(world, client):
    solicitation, _, headers = world.attached_solicitation()
    client.post(f"/api/v1/solicitations/{solicitation['id']}/revoke", headers=world.agent)
    world.close(solicitation["dossier_id"])
    assert client.get(f"/api/v1/me/dossiers/{solicitation['dossier_id']}", headers=headers).status_code == 404
    assert client.get(f"/api/v1/solicitations/{solicitation['id']}/history", headers=headers).status_code == 404


def test_a_document_staff_address_to_one_solicitation_is_in_that_partners_view_only(world, client):
    dossier_id = world.dossier()
    first, _, first_headers = world.attached_solicitation(dossier_id, scope="legal")
    second, _, second_headers = world.attached_solicitation(dossier_id, scope="technical")
    addressed = world.upstream.add_document(
        "solicitation", first["id"], uploaded_by="agent-alice", dossier_id=dossier_id, partner=True
    )
    world.upstream.add_document("solicitation", first["id"], uploaded_by="agent-alice", dossier_id=dossier_id)
    wide = world.upstream.add_document("dossier", dossier_id, uploaded_by="agent-alice", partner=True)

    body = client.get(f"/api/v1/me/dossiers/{dossier_id}", headers=first_headers).get_json()
    assert [document["id"] for document in body["solicitations"][0]["documents"]] == [addressed]
    assert [document["id"] for document in body["documents"]] == [wide]
    other = client.get(f"/api/v1/me/dossiers/{dossier_id}", headers=second_headers).get_json()
    assert other["solicitations"][0]["documents"] == []


def test_third_party_reads_are_in_the_audit_log(world, client, db):
    solicitation, sub, headers = world.attached_solicitation()
    dossier_id = solicitation["dossier_id"]
    assert client.get(f"/api/v1/me/dossiers/{dossier_id}", headers=headers).status_code == 200
    deliver(
        db,
        "partner-gateway",
        handlers(world.settings),
        "document.downloaded",
        {
            "document_id": "doc-1",
            "owner_type": "dossier",
            "owner_id": dossier_id,
            "dossier_id": dossier_id,
            "filename": "plan.pdf",
            "rendition": "original",
        },
        producer="documents",
        actor={"sub": sub, "role": "partner"},
    )
    deliver(
        db,
        "partner-gateway",
        handlers(world.settings),
        "document.downloaded",
        {"document_id": "doc-2", "owner_type": "dossier", "owner_id": dossier_id, "dossier_id": dossier_id},
        producer="documents",
        actor={"sub": "agent-alice", "role": "agent"},
    )
    entries = client.get(f"/api/v1/dossiers/{dossier_id}/audit", headers=world.agent).get_json()["items"]
    reads = [(entry["action"], entry["actor_sub"], entry["subject_id"]) for entry in entries]
    assert ("dossier.viewed", sub, solicitation["id"]) in reads
    assert ("document.downloaded", sub, "doc-1") in reads
    assert not any(entry["subject_id"] == "doc-2" for entry in entries)


def test_the_contributor_invitation_event_names_the_roles_label(world):
    world.invite(world.dossier(), notify=True)
    [event] = outbox_events(world.db, "contributor.invited")
    assert (event.data["role"], event.data["role_label"]) == ("guarantor", "Guarantor")


def test_a_reminder_says_whether_the_partner_is_internal(world):
    agent_sub = "agent-nadia"
    partner = world.partner("internal", agent_sub=agent_sub)
    dossier_id = world.dossier()
    world.solicit(dossier_id, partner["id"])
    remind(world, dossier_id)
    [event] = outbox_events(world.db, "solicitation.reminded")
    assert event.data["partner_kind"] == "internal"


def test_my_dossiers_items_carry_what_a_list_screen_needs(world, client):
    dossier_id = world.dossier()
    reference = world.upstream.dossiers[dossier_id]["reference"]
    world.event(
        "dossier.status_changed",
        {
            "dossier_id": dossier_id,
            "from": "review",
            "to": "review",
            "partner_visible": True,
            "status_label": "Under review",
            "reference": reference,
        },
    )
    world.event("dossier.updated", {"dossier_id": dossier_id, "changed_fields": ["title"], "title": "Roof repair"})
    solicitation, _, headers = world.attached_solicitation(dossier_id, type="completion")
    [item] = client.get("/api/v1/me/dossiers", headers=headers).get_json()["items"]
    assert {key: item[key] for key in item if key != "solicitation"} == {
        "dossier_id": dossier_id,
        "reference": reference,
        "title": "Roof repair",
        "status": "review",
        "status_label": "Under review",
        "due_date": solicitation["due_date"],
        "solicitation_type": "completion",
        "solicitation_state": "attached",
        "answer_expected": True,
        "read_only": False,
    }
    world.close(dossier_id)
    [closed] = client.get("/api/v1/me/dossiers", headers=headers).get_json()["items"]
    assert (closed["answer_expected"], closed["read_only"]) == (False, True)


def test_a_key_bound_to_the_email_attaches_only_from_an_account_with_that_email(world, client, settings):
    solicitation = world.solicit(world.dossier(), bound_to_email=True)
    assert solicitation["bound_to_email"] is True
    stranger = bearer(settings, "partner", "partner-stranger", email="someone@else.org")
    refused = world.attach(solicitation["access_key"], "partner-stranger", headers=stranger)
    assert refused.status_code == 403 and refused.mimetype == "application/problem+json"
    listed = client.get(f"/api/v1/solicitations/{solicitation['id']}", headers=world.agent).get_json()
    assert listed["state"] == "pending" and listed["partner_sub"] is None
    expert = bearer(settings, "partner", "partner-expert", email="Expert@Example.org")
    assert world.attach(solicitation["access_key"], "partner-expert", headers=expert).status_code == 200


def test_an_unbound_key_attaches_from_any_account(world, settings):
    solicitation = world.solicit(world.dossier())
    anyone = bearer(settings, "partner", "partner-any", email="any@where.org")
    assert world.attach(solicitation["access_key"], "partner-any", headers=anyone).status_code == 200
