"""Opinions and completions: drafts as versions, submit locks (409 after), writable fields only,
closed dossiers refuse changes, confidential opinions hidden from other partners, solicitation.answered."""

from __future__ import annotations

from gateway_world import unique

from partner_gateway.app import create_app
from platform_shared.testing.unit import outbox_events


def opinion(world, solicitation_id, headers, **body):
    return world.client.post(
        f"/api/v1/solicitations/{solicitation_id}/opinion", json={"verdict": "favorable", **body}, headers=headers
    )


def submit(world, solicitation_id, headers):
    return world.client.post(f"/api/v1/solicitations/{solicitation_id}/submit", headers=headers)


def test_an_opinion_is_drafted_submitted_and_then_locked(world):
    solicitation, sub, headers = world.attached_solicitation()
    assert opinion(world, solicitation["id"], headers, verdict="reserved").get_json()["version"] == 1
    assert opinion(world, solicitation["id"], headers, comment="Sound figures.").get_json()["version"] == 2
    submitted = submit(world, solicitation["id"], headers)
    assert submitted.status_code == 200
    assert submitted.get_json()["submitted"] is True and submitted.get_json()["verdict"] == "favorable"
    assert opinion(world, solicitation["id"], headers).status_code == 409
    assert submit(world, solicitation["id"], headers).status_code == 409
    history = world.client.get(f"/api/v1/solicitations/{solicitation['id']}/history", headers=headers).get_json()
    assert [(item["version"], item["verdict"], item["submitted"]) for item in history] == [
        (1, "reserved", False),
        (2, "favorable", True),
    ]


def test_submitting_publishes_solicitation_answered(world):
    solicitation, sub, headers = world.attached_solicitation(confidential=True)
    opinion(world, solicitation["id"], headers, verdict="unfavorable")
    submit(world, solicitation["id"], headers)
    [event] = outbox_events(world.db, "solicitation.answered")
    assert event.data == {
        "solicitation_id": solicitation["id"],
        "dossier_id": solicitation["dossier_id"],
        "partner_id": solicitation["partner"]["id"],
        "partner_sub": sub,
        "answer_kind": "opinion",
        "verdict": "unfavorable",
        "confidential": True,
        "version": 1,
        "completed_fields": [],
    }


def test_agents_see_answers_as_they_arrive_and_after_a_revoke(world):
    solicitation, _, headers = world.attached_solicitation()
    url = f"/api/v1/dossiers/{solicitation['dossier_id']}/solicitations"
    opinion(world, solicitation["id"], headers)
    assert world.client.get(url, headers=world.agent).get_json()["items"][0]["answers"] == []
    submit(world, solicitation["id"], headers)
    world.client.post(f"/api/v1/solicitations/{solicitation['id']}/revoke", headers=world.agent)
    item = world.client.get(url, headers=world.agent).get_json()["items"][0]
    assert item["state"] == "revoked" and item["answers"][0]["verdict"] == "favorable"


def test_a_submit_needs_a_verdict_for_an_opinion(world):
    solicitation, _, headers = world.attached_solicitation()
    assert submit(world, solicitation["id"], headers).status_code == 422


def test_a_completion_forwards_only_partner_writable_values_on_submit(world, upstream):
    solicitation, _, headers = world.attached_solicitation(type="completion")
    url = f"/api/v1/solicitations/{solicitation['id']}/completion"
    saved = world.client.patch(url, json={"values": {"expert_opinion": "Valid."}}, headers=headers)
    assert saved.status_code == 200 and saved.get_json()["values"] == {"expert_opinion": "Valid."}
    assert upstream.partner_value_writes == []
    assert submit(world, solicitation["id"], headers).status_code == 200
    assert upstream.partner_value_writes == [(solicitation["dossier_id"], {"expert_opinion": "Valid."})]
    [event] = outbox_events(world.db, "solicitation.answered")
    assert event.data["answer_kind"] == "completion" and event.data["verdict"] is None
    assert event.data["completed_fields"] == ["expert_opinion"]


def test_a_partner_cannot_write_a_read_only_or_crm_only_field(world, upstream):
    solicitation, _, headers = world.attached_solicitation(type="completion")
    url = f"/api/v1/solicitations/{solicitation['id']}/completion"
    read_only = world.client.patch(url, json={"values": {"court": "Paris"}}, headers=headers)
    crm_only = world.client.patch(url, json={"values": {"fees": 1}}, headers=headers)
    assert read_only.status_code == crm_only.status_code == 422
    assert set(crm_only.get_json()["errors"]["values"]) == {"fees"}
    assert upstream.partner_value_writes == []


def test_an_opinion_only_solicitation_takes_no_completion_and_vice_versa(world):
    solicitation, _, headers = world.attached_solicitation(type="opinion")
    response = world.client.patch(
        f"/api/v1/solicitations/{solicitation['id']}/completion",
        json={"values": {"expert_opinion": "x"}},
        headers=headers,
    )
    assert response.status_code == 422
    completion, _, completion_headers = world.attached_solicitation(type="completion")
    assert opinion(world, completion["id"], completion_headers).status_code == 422


def test_an_opinion_with_completion_is_one_answered_event_naming_the_completed_fields(world):
    solicitation, _, headers = world.attached_solicitation(type="opinion_completion")
    opinion(world, solicitation["id"], headers)
    world.client.patch(
        f"/api/v1/solicitations/{solicitation['id']}/completion",
        json={"values": {"expert_opinion": "ok"}},
        headers=headers,
    )
    submit(world, solicitation["id"], headers)
    [event] = outbox_events(world.db, "solicitation.answered")
    assert (event.data["answer_kind"], event.data["verdict"], event.data["completed_fields"]) == (
        "opinion",
        "favorable",
        ["expert_opinion"],
    )


def test_a_partner_cannot_act_on_a_closed_dossier(world):
    solicitation, _, headers = world.attached_solicitation()
    opinion(world, solicitation["id"], headers)
    world.close(solicitation["dossier_id"])
    assert opinion(world, solicitation["id"], headers).status_code == 409
    assert submit(world, solicitation["id"], headers).status_code == 409


def test_a_partner_never_sees_another_partners_confidential_opinion(world):
    dossier_id = world.dossier()
    secret, _, secret_headers = world.attached_solicitation(dossier_id, confidential=True, scope="legal")
    open_one, _, open_headers = world.attached_solicitation(dossier_id, scope="technical")
    reader, _, reader_headers = world.attached_solicitation(dossier_id, scope="financial")
    opinion(world, secret["id"], secret_headers, verdict="unfavorable", comment="Secret concerns.")
    submit(world, secret["id"], secret_headers)
    opinion(world, open_one["id"], open_headers, verdict="favorable", comment="All fine.")
    submit(world, open_one["id"], open_headers)
    body = world.client.get(f"/api/v1/me/dossiers/{dossier_id}", headers=reader_headers).get_json()
    assert [(item["scope"], item["verdict"]) for item in body["other_opinions"]] == [("technical", "favorable")]
    assert "Secret concerns." not in str(body)
    assert world.client.get(f"/api/v1/solicitations/{secret['id']}/history", headers=reader_headers).status_code == 404
    staff = world.client.get(f"/api/v1/solicitations/{secret['id']}/history", headers=world.agent).get_json()
    assert staff[-1]["comment"] == "Secret concerns."


def test_the_partner_sees_their_own_previous_answers(world):
    solicitation, _, headers = world.attached_solicitation()
    opinion(world, solicitation["id"], headers, comment="Draft one.")
    body = world.client.get(f"/api/v1/me/dossiers/{solicitation['dossier_id']}", headers=headers).get_json()
    assert body["solicitations"][0]["answers"][0]["comment"] == "Draft one."


def test_every_partner_action_is_in_the_dossiers_audit_log_for_staff(world):
    solicitation, sub, headers = world.attached_solicitation()
    world.client.post(
        f"/api/v1/solicitations/{solicitation['id']}/opinion",
        json={"verdict": "favorable"},
        headers={**headers, "X-Request-ID": "req-42"},
    )
    submit(world, solicitation["id"], headers)
    url = f"/api/v1/dossiers/{solicitation['dossier_id']}/audit"
    entries = world.client.get(url, headers=world.agent).get_json()["items"]
    assert [entry["action"] for entry in entries] == [
        "solicitation.created",
        "solicitation.attached",
        "opinion.saved",
        "answer.submitted",
    ]
    saved = entries[2]
    assert (saved["actor_sub"], saved["actor_role"], saved["request_id"]) == (sub, "partner", "req-42")
    assert world.client.get(url, headers=headers).status_code == 403


def test_an_opinion_is_backed_by_my_own_upload_or_by_a_file_shared_with_partners(world, upstream):
    solicitation, sub, headers = world.attached_solicitation()
    dossier_id = solicitation["dossier_id"]
    mine = upstream.add_document("solicitation", solicitation["id"], uploaded_by=sub, dossier_id=dossier_id)
    shared = upstream.add_document("dossier", dossier_id, uploaded_by="agent-alice", partner=True)
    for document_id in (mine, shared):
        saved = opinion(world, solicitation["id"], headers, document_id=document_id)
        assert saved.status_code == 200, saved.get_json()
        assert saved.get_json()["document_id"] == document_id


def test_a_partner_cannot_present_a_document_they_may_not_present_as_their_supporting_file(world, upstream):
    dossier_id = world.dossier()
    solicitation, sub, headers = world.attached_solicitation(dossier_id)
    other, other_sub, _ = world.attached_solicitation(dossier_id, scope="legal")
    refused = {
        "unknown": "no-such-document",
        "internal staff file": upstream.add_document("dossier", dossier_id, uploaded_by="agent-alice"),
        "another partner's upload": upstream.add_document(
            "solicitation", other["id"], uploaded_by=other_sub, dossier_id=dossier_id
        ),
        "a file staff shared with another partner's solicitation only": upstream.add_document(
            "solicitation", other["id"], uploaded_by="agent-alice", dossier_id=dossier_id, partner=True
        ),
        "my upload on another dossier": upstream.add_document("dossier", world.dossier(), uploaded_by=sub),
    }
    for what, document_id in refused.items():
        response = opinion(world, solicitation["id"], headers, document_id=document_id)
        assert response.status_code == 422, what
        assert response.mimetype == "application/problem+json" and "document_id" in response.get_json()["errors"]
    assert world.client.get(f"/api/v1/solicitations/{solicitation['id']}/history", headers=headers).get_json() == []


def test_the_supporting_file_is_checked_only_after_the_solicitation_itself(world, upstream):
    solicitation, sub, headers = world.attached_solicitation()
    world.close(solicitation["dossier_id"])
    assert opinion(world, solicitation["id"], headers, document_id="no-such-document").status_code == 409
    stranger = world.partner_headers(unique("partner"))
    assert opinion(world, solicitation["id"], stranger, document_id="no-such-document").status_code == 404


def test_an_unreachable_documents_service_refuses_a_supporting_file_with_503(world, settings, db, upstream):
    solicitation, sub, headers = world.attached_solicitation()
    mine = upstream.add_document(
        "solicitation", solicitation["id"], uploaded_by=sub, dossier_id=solicitation["dossier_id"]
    )
    documents_down = create_app(settings.replace(documents_url="http://127.0.0.1:1"), db).test_client()
    response = documents_down.post(
        f"/api/v1/solicitations/{solicitation['id']}/opinion",
        json={"verdict": "favorable", "document_id": mine},
        headers=headers,
    )
    assert response.status_code == 503 and response.mimetype == "application/problem+json"
    assert world.client.get(f"/api/v1/solicitations/{solicitation['id']}/history", headers=headers).get_json() == []
