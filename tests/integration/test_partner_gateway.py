"""The partner-gateway as real processes: keys by email, attach, the time-limited visibility over real
RabbitMQ (a status change hides the dossier, going back shows it again), the composed partner view,
a completion written into the real dossier service, and what the documents service is told."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

from review_model import REVIEW_MODEL
from scenario_helpers import address, call, create_model, key_in_mail, ok, unique, upload
from scenario_partners_helpers import move


def new_dossier(platform, agent) -> str:
    return ok(
        call(
            platform,
            "dossier",
            "POST",
            "/dossiers",
            agent,
            json={
                "model_id": create_model(platform, REVIEW_MODEL),
                "title": "Extension",
                "client_sub": unique("client"),
                "fields": {"address": "1 rue de la Paix", "budget": 90000},
            },
        ),
        201,
    )["id"]


def test_a_partner_attaches_with_the_emailed_key_and_sees_the_dossier_only_while_its_status_allows(platform):
    agent = platform.headers("agent", unique("agent"), email="agent@example.org")
    dossier_id = new_dossier(platform, agent)
    move(platform, agent, dossier_id, "review")
    partner_email = address("expert")
    partner = call(
        platform,
        "partner-gateway",
        "POST",
        "/partners",
        agent,
        json={"name": "Expert", "email": partner_email, "kind": "external"},
    )
    assert partner.status_code == 201, partner.text
    solicitation = call(
        platform,
        "partner-gateway",
        "POST",
        f"/dossiers/{dossier_id}/solicitations",
        agent,
        json={
            "partner_id": partner.json()["id"],
            "type": "opinion_completion",
            "scope": "technical",
            "due_date": (date.today() + timedelta(days=10)).isoformat(),
            "open_statuses": ["review"],
        },
    )
    assert solicitation.status_code == 201, solicitation.text
    key = solicitation.json()["access_key"]

    assert key_in_mail(platform, partner_email) == key

    partner_sub = unique("partner")
    partner_headers = platform.headers("partner", partner_sub)
    attached = call(platform, "partner-gateway", "POST", "/attach", partner_headers, json={"key": key.lower()})
    assert attached.status_code == 200, attached.text
    assert (
        call(
            platform, "partner-gateway", "POST", "/attach", platform.headers("partner", unique("p")), json={"key": key}
        ).status_code
        == 409
    )

    def visible() -> bool:
        return (
            call(platform, "partner-gateway", "GET", f"/me/dossiers/{dossier_id}", partner_headers).status_code == 200
        )

    assert platform.wait_until(visible, timeout=20)
    view = call(platform, "partner-gateway", "GET", f"/me/dossiers/{dossier_id}", partner_headers).json()
    assert {field["key"]: field["mode"] for field in view["dossier"]["fields"]} == {
        "address": "read",
        "expert_opinion": "write",
    }
    assert "budget" not in str(view["dossier"])
    assert isinstance(view["documents"], list)

    move(platform, agent, dossier_id, "internal_check")
    assert platform.wait_until(lambda: not visible(), timeout=20), "the hidden status must hide the dossier"
    listed = call(platform, "partner-gateway", "GET", "/me/dossiers", partner_headers).json()["items"]
    assert dossier_id not in [item["dossier_id"] for item in listed]
    move(platform, agent, dossier_id, "review")
    assert platform.wait_until(visible, timeout=20), "back in a visible status, the dossier shows again"

    solicitation_id = solicitation.json()["id"]
    refused = call(
        platform,
        "partner-gateway",
        "PATCH",
        f"/solicitations/{solicitation_id}/completion",
        partner_headers,
        json={"values": {"address": "elsewhere"}},
    )
    assert refused.status_code == 422
    assert (
        call(
            platform,
            "partner-gateway",
            "PATCH",
            f"/solicitations/{solicitation_id}/completion",
            partner_headers,
            json={"values": {"expert_opinion": "Structurally sound."}},
        ).status_code
        == 200
    )
    assert (
        call(
            platform,
            "partner-gateway",
            "POST",
            f"/solicitations/{solicitation_id}/opinion",
            partner_headers,
            json={"verdict": "favorable", "comment": "Go."},
        ).status_code
        == 200
    )
    submitted = call(platform, "partner-gateway", "POST", f"/solicitations/{solicitation_id}/submit", partner_headers)
    assert submitted.status_code == 200, submitted.text
    staff_view = call(platform, "dossier", "GET", f"/dossiers/{dossier_id}", agent).json()
    assert staff_view["fields"].get("expert_opinion") == "Structurally sound."
    assert (
        call(
            platform,
            "partner-gateway",
            "POST",
            f"/solicitations/{solicitation_id}/opinion",
            partner_headers,
            json={"verdict": "reserved"},
        ).status_code
        == 409
    )

    def answer_on_timeline() -> bool:
        timeline = call(platform, "dossier", "GET", f"/dossiers/{dossier_id}/timeline", agent).json()
        return "third_party_answer" in str(timeline)

    assert platform.wait_until(answer_on_timeline, timeout=20)

    move(platform, agent, dossier_id, "internal_check")
    assert platform.wait_until(lambda: not visible(), timeout=20)
    service = platform.headers("service", "service:documents")
    access = call(
        platform, "partner-gateway", "GET", "/access", service, params={"dossier_id": dossier_id, "sub": partner_sub}
    ).json()
    assert access["partner"] is False and access["solicitation_ids"] == []


def test_a_contributor_invited_with_the_models_roles_sees_only_their_pieces(platform):
    agent = platform.headers("agent", unique("agent"))
    dossier_id = new_dossier(platform, agent)
    invited = call(
        platform,
        "partner-gateway",
        "POST",
        f"/dossiers/{dossier_id}/contributors",
        agent,
        json={"kind": "contributor", "role": "guarantor", "name": "Gus", "email": "gus@example.org", "notify": False},
    )
    assert invited.status_code == 201, invited.text
    sub = unique("guarantor")
    headers = platform.headers("partner", sub)
    attached = call(platform, "partner-gateway", "POST", "/attach", headers, json={"key": invited.json()["access_key"]})
    assert attached.status_code == 200, attached.text

    def pieces():
        return call(platform, "partner-gateway", "GET", "/me/pieces", headers).json()

    assert platform.wait_until(lambda: pieces() != [], timeout=20)
    [mine] = pieces()
    assert mine["role"] == "guarantor" and [piece["code"] for piece in mine["pieces"]] == ["payslip"]

    def uploaded():  # once the documents service knows the dossier (dossier.created)
        response = upload(platform, headers, dossier_id, filename="payslip.pdf", category="supporting_piece")
        return response.json() if response.status_code == 201 else None

    document = platform.wait_until(uploaded, timeout=20)
    assert document, "the contributor could not upload their payslip"
    provided = call(
        platform,
        "partner-gateway",
        "POST",
        f"/me/pieces/{mine['contributor_id']}/payslip",
        headers,
        json={"document_id": document["id"]},
    )
    assert provided.status_code == 201, provided.text
    assert (
        call(
            platform,
            "partner-gateway",
            "POST",
            f"/me/pieces/{mine['contributor_id']}/deed",
            headers,
            json={"document_id": document["id"]},
        ).status_code
        == 404
    )
    unknown = call(
        platform,
        "partner-gateway",
        "POST",
        f"/me/pieces/{mine['contributor_id']}/payslip",
        headers,
        json={"document_id": str(uuid.uuid4())},
    )
    assert unknown.status_code == 422, unknown.text
