"""The dossier service as real processes (gunicorn API + worker) on PostgreSQL and RabbitMQ."""

from __future__ import annotations

import uuid

import requests
import schemathesis
from scenario_helpers import call, create_model, unique

from platform_shared.testing.fuzz import fuzz_schema

MODEL = {
    "name": "Litigation file",
    "category": "litigation",
    "client_can_create": True,
    "fields": [
        {"key": "court", "label": "Court", "type": "text", "required": True},
        {"key": "fees", "label": "Fees", "type": "amount", "financial": True},
        {"key": "hearing", "label": "Hearing", "type": "date"},
    ],
    "partner_fields": [{"key": "expert_opinion", "label": "Expert opinion", "type": "long_text"}],
    "views": {
        "portal": [{"key": "court", "mode": "write"}, {"key": "fees", "mode": "read"}],
        "crm": [
            {"key": "court", "mode": "write"},
            {"key": "fees", "mode": "write"},
            {"key": "hearing", "mode": "write"},
        ],
        "partner": [
            {"key": "court", "mode": "read", "source": "portal"},
            {"key": "expert_opinion", "mode": "write", "source": "partner"},
        ],
    },
    "statuses": [
        {"code": "received", "label": "Received", "initial": True},
        {"code": "triage", "label": "Triage", "client_visible": False},
        {"code": "pleading", "label": "Pleading", "partner_visible": True},
        {"code": "judged", "label": "Judged", "terminal": True},
    ],
    "transitions": [
        {"from": "received", "to": "triage"},
        {"from": "triage", "to": "pleading"},
        {"from": "pleading", "to": "judged"},
    ],
    "roles": [{"code": "co_plaintiff", "label": "Co-plaintiff"}],
    "pieces": [{"code": "mandate", "label": "Signed mandate", "role": "co_plaintiff"}],
}


def test_a_dossier_lives_its_life_with_every_access_and_write_rule(platform):
    model_id = create_model(platform, MODEL)
    org = unique("org")
    agent = platform.headers("agent", unique("agent"))
    owner_sub = unique("client")
    owner = platform.headers("client", owner_sub, org=org)
    colleague = platform.headers("client", unique("client"), org=org)
    stranger = platform.headers("client", unique("client"), org=unique("org"))
    created = call(
        platform,
        "dossier",
        "POST",
        "/dossiers",
        agent,
        json={
            "model_id": model_id,
            "title": "Smith v. Jones",
            "client_sub": owner_sub,
            "client_org": org,
            "fields": {"court": "Lyon", "fees": 3000},
        },
    )
    assert created.status_code == 201, created.text
    dossier = created.json()
    assert dossier["reference"].startswith("DOS-")
    path = f"/dossiers/{dossier['id']}"

    assert call(platform, "dossier", "GET", path, owner).json()["fields"] == {"court": "Lyon", "fees": 3000}
    assert call(platform, "dossier", "GET", path, colleague).status_code == 200
    assert call(platform, "dossier", "GET", path, stranger).status_code == 404
    assert call(platform, "dossier", "GET", path, platform.headers("partner", unique("partner"))).status_code == 403
    assert requests.get(platform.api("dossier", path), timeout=10).status_code == 401

    assert call(platform, "dossier", "PATCH", path, owner, json={"fields": {"fees": 1}}).status_code == 422
    assert (
        call(platform, "dossier", "PATCH", path, owner, json={"fields": {"hearing": "2027-01-01"}}).status_code == 422
    )
    assert call(platform, "dossier", "PATCH", path, owner, json={"client_reference": "MINE-1"}).status_code == 200

    assert call(platform, "dossier", "POST", f"{path}/transitions", agent, json={"to": "judged"}).status_code == 409
    assert call(platform, "dossier", "POST", f"{path}/transitions", agent, json={"to": "triage"}).status_code == 200
    assert call(platform, "dossier", "GET", path, owner).json()["status_label"] == "Received"

    service = platform.headers("service", "service:partner-gateway")
    assert (
        call(
            platform,
            "dossier",
            "PATCH",
            f"{path}/partner-values",
            service,
            json={"values": {"expert_opinion": "Strong case"}},
        ).status_code
        == 200
    )
    view = call(platform, "dossier", "GET", f"{path}/partner-view", service).json()
    assert view["partner_visible"] is False and view["fields"][1]["value"] == "Strong case"

    call(platform, "dossier", "POST", f"{path}/notes", agent, json={"body": "internal only"})
    call(platform, "dossier", "POST", f"{path}/notes", agent, json={"body": "for you", "visibility": "requester"})
    notes = call(platform, "dossier", "GET", f"{path}/notes", owner).json()["items"]
    assert [note["body"] for note in notes] == ["for you"]

    assert call(platform, "dossier", "POST", f"{path}/close", agent).status_code == 200
    assert call(platform, "dossier", "GET", path, owner).status_code == 200
    assert (
        call(platform, "dossier", "PATCH", path, agent, json={"fields": {"hearing": "2027-02-02"}}).status_code == 409
    )
    assert call(platform, "dossier", "POST", f"{path}/notes", owner, json={"body": "too late"}).status_code == 409
    assert (
        call(
            platform, "dossier", "PATCH", f"{path}/partner-values", service, json={"values": {"expert_opinion": "x"}}
        ).status_code
        == 409
    )


def test_portal_requests_are_classified_and_listed_by_origin(platform):
    model_id = create_model(platform, MODEL)
    requester = platform.headers("client", unique("client"), org=unique("org"), email="req@example.org")
    response = call(
        platform,
        "dossier",
        "POST",
        "/requests",
        requester,
        json={"kind": "contract", "model_id": model_id, "title": unique("Request"), "fields": {"court": "Paris"}},
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert (body["origin"], body["category"], body["kind"]) == ("portal", "litigation", "contract")
    agent = platform.headers("agent", unique("agent"))
    listed = call(platform, "dossier", "GET", f"/dossiers?origin=portal&q={body['reference']}", agent).json()["items"]
    assert [item["id"] for item in listed] == [body["id"]]


def test_other_services_events_reach_the_timeline_through_the_worker(platform):
    model_id = create_model(platform, MODEL)
    agent = platform.headers("agent", unique("agent"))
    owner_sub = unique("client")
    owner = platform.headers("client", owner_sub)
    dossier = call(
        platform,
        "dossier",
        "POST",
        "/dossiers",
        agent,
        json={"model_id": model_id, "title": "Timeline", "client_sub": owner_sub, "fields": {"court": "Nice"}},
    ).json()
    platform.publish(
        "document.added",
        {
            "document_id": str(uuid.uuid4()),
            "dossier_id": dossier["id"],
            "owner_type": "dossier",
            "owner_id": dossier["id"],
            "filename": "brief.pdf",
            "visibility": {"client": True, "partner": False, "roles": []},
        },
    )
    platform.publish(
        "solicitation.answered",
        {
            "solicitation_id": str(uuid.uuid4()),
            "dossier_id": dossier["id"],
            "answer_kind": "opinion",
            "verdict": "reserved",
        },
    )

    def kinds(headers):
        items = call(platform, "dossier", "GET", f"/dossiers/{dossier['id']}/timeline", headers).json()["items"]
        return [item["kind"] for item in items]

    assert platform.wait_until(lambda: "third_party_answer" in kinds(agent) and "document" in kinds(agent), timeout=30)
    assert "document" in kinds(owner) and "third_party_answer" not in kinds(owner)


def test_fuzzing_the_running_service_finds_no_server_error(platform):
    """Schemathesis against the real gunicorn process and PostgreSQL, as an admin, a client and a service."""
    model_id = create_model(platform, MODEL)
    admin = platform.headers("admin", unique("admin"))
    dossier = call(
        platform,
        "dossier",
        "POST",
        "/dossiers",
        admin,
        json={"model_id": model_id, "title": "Fuzzed", "client_sub": "client-fuzz", "fields": {"court": "Metz"}},
    ).json()
    callers = {
        "admin": admin,
        "client": platform.headers("client", "client-fuzz", org=unique("org")),
        "service": platform.headers("service", "service:fuzz"),
    }
    fuzz_schema(
        schemathesis.openapi.from_url(platform.url("dossier") + "/openapi.json"),
        ids={"model_id": model_id, "dossier_id": dossier["id"]},
        headers_by_role=callers,
        max_examples=5,
    )
