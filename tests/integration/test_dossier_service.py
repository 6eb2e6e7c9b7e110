"""The dossier service as real processes (gunicorn API + worker) on PostgreSQL and RabbitMQ."""
from __future__ import annotations

import uuid

import pika
import requests
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error

from platform_shared.messaging.envelope import new_envelope
from platform_shared.messaging.topology import declare_exchange

MODEL = {
    "name": "Litigation file", "category": "litigation", "client_can_create": True,
    "fields": [{"key": "court", "label": "Court", "type": "text", "required": True},
               {"key": "fees", "label": "Fees", "type": "amount", "financial": True},
               {"key": "hearing", "label": "Hearing", "type": "date"}],
    "partner_fields": [{"key": "expert_opinion", "label": "Expert opinion", "type": "long_text"}],
    "views": {"portal": [{"key": "court", "mode": "write"}, {"key": "fees", "mode": "read"}],
              "crm": [{"key": "court", "mode": "write"}, {"key": "fees", "mode": "write"},
                      {"key": "hearing", "mode": "write"}],
              "partner": [{"key": "court", "mode": "read", "source": "portal"},
                          {"key": "expert_opinion", "mode": "write", "source": "partner"}]},
    "statuses": [{"code": "received", "label": "Received", "initial": True},
                 {"code": "triage", "label": "Triage", "client_visible": False},
                 {"code": "pleading", "label": "Pleading", "partner_visible": True},
                 {"code": "judged", "label": "Judged", "terminal": True}],
    "transitions": [{"from": "received", "to": "triage"}, {"from": "triage", "to": "pleading"},
                    {"from": "pleading", "to": "judged"}],
    "roles": [{"code": "co_plaintiff", "label": "Co-plaintiff"}],
    "pieces": [{"code": "mandate", "label": "Signed mandate", "role": "co_plaintiff"}],
}


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def call(platform, method, path, headers, **kwargs):
    return requests.request(method, platform.api("dossier", path), headers=headers, timeout=10, **kwargs)


def create_model(platform):
    response = call(platform, "POST", "/models", platform.headers("admin", unique("admin")), json=MODEL)
    assert response.status_code == 201, response.text
    return response.json()["id"]


def publish(platform, event_type: str, data: dict) -> None:
    envelope = new_envelope(event_type, data, producer="integration-test")
    connection = pika.BlockingConnection(pika.URLParameters(platform.amqp_url))
    try:
        channel = connection.channel()
        channel.confirm_delivery()
        declare_exchange(channel, "domain")
        channel.basic_publish("domain", event_type, envelope.to_json().encode(), mandatory=True,
                              properties=pika.BasicProperties(delivery_mode=2, message_id=envelope.id))
    finally:
        connection.close()


def test_a_dossier_lives_its_life_with_every_access_and_write_rule(platform):
    model_id = create_model(platform)
    org = unique("org")
    agent = platform.headers("agent", unique("agent"))
    owner_sub = unique("client")
    owner = platform.headers("client", owner_sub, org=org)
    colleague = platform.headers("client", unique("client"), org=org)
    stranger = platform.headers("client", unique("client"), org=unique("org"))
    created = call(platform, "POST", "/dossiers", agent, json={
        "model_id": model_id, "title": "Smith v. Jones", "client_sub": owner_sub, "client_org": org,
        "fields": {"court": "Lyon", "fees": 3000}})
    assert created.status_code == 201, created.text
    dossier = created.json()
    assert dossier["reference"].startswith("DOS-")
    path = f"/dossiers/{dossier['id']}"

    assert call(platform, "GET", path, owner).json()["fields"] == {"court": "Lyon", "fees": 3000}
    assert call(platform, "GET", path, colleague).status_code == 200
    assert call(platform, "GET", path, stranger).status_code == 404
    assert call(platform, "GET", path, platform.headers("partner", unique("partner"))).status_code == 403
    assert requests.get(platform.api("dossier", path), timeout=10).status_code == 401

    assert call(platform, "PATCH", path, owner, json={"fields": {"fees": 1}}).status_code == 422
    assert call(platform, "PATCH", path, owner, json={"fields": {"hearing": "2027-01-01"}}).status_code == 422
    assert call(platform, "PATCH", path, owner, json={"client_reference": "MINE-1"}).status_code == 200

    assert call(platform, "POST", f"{path}/transitions", agent, json={"to": "judged"}).status_code == 409
    assert call(platform, "POST", f"{path}/transitions", agent, json={"to": "triage"}).status_code == 200
    assert call(platform, "GET", path, owner).json()["status_label"] == "Received"

    service = platform.headers("service", "service:partner-gateway")
    assert call(platform, "PATCH", f"{path}/partner-values", service,
                json={"values": {"expert_opinion": "Strong case"}}).status_code == 200
    view = call(platform, "GET", f"{path}/partner-view", service).json()
    assert view["partner_visible"] is False and view["fields"][1]["value"] == "Strong case"

    call(platform, "POST", f"{path}/notes", agent, json={"body": "internal only"})
    call(platform, "POST", f"{path}/notes", agent, json={"body": "for you", "visibility": "requester"})
    notes = call(platform, "GET", f"{path}/notes", owner).json()["items"]
    assert [note["body"] for note in notes] == ["for you"]

    assert call(platform, "POST", f"{path}/close", agent).status_code == 200
    assert call(platform, "GET", path, owner).status_code == 200
    assert call(platform, "PATCH", path, agent, json={"fields": {"hearing": "2027-02-02"}}).status_code == 409
    assert call(platform, "POST", f"{path}/notes", owner, json={"body": "too late"}).status_code == 409
    assert call(platform, "PATCH", f"{path}/partner-values", service,
                json={"values": {"expert_opinion": "x"}}).status_code == 409


def test_portal_requests_are_classified_and_listed_by_origin(platform):
    model_id = create_model(platform)
    requester = platform.headers("client", unique("client"), org=unique("org"), email="req@example.org")
    response = call(platform, "POST", "/requests", requester, json={
        "kind": "contract", "model_id": model_id, "title": unique("Request"), "fields": {"court": "Paris"}})
    assert response.status_code == 201, response.text
    body = response.json()
    assert (body["origin"], body["category"], body["kind"]) == ("portal", "litigation", "contract")
    agent = platform.headers("agent", unique("agent"))
    listed = call(platform, "GET", f"/dossiers?origin=portal&q={body['reference']}", agent).json()["items"]
    assert [item["id"] for item in listed] == [body["id"]]


def test_other_services_events_reach_the_timeline_through_the_worker(platform):
    model_id = create_model(platform)
    agent = platform.headers("agent", unique("agent"))
    owner_sub = unique("client")
    owner = platform.headers("client", owner_sub)
    dossier = call(platform, "POST", "/dossiers", agent, json={
        "model_id": model_id, "title": "Timeline", "client_sub": owner_sub,
        "fields": {"court": "Nice"}}).json()
    publish(platform, "document.added", {"document_id": str(uuid.uuid4()), "dossier_id": dossier["id"],
                                         "owner_type": "dossier", "owner_id": dossier["id"], "filename": "brief.pdf",
                                         "visibility": {"client": True, "partner": False, "roles": []}})
    publish(platform, "solicitation.answered", {"solicitation_id": str(uuid.uuid4()), "dossier_id": dossier["id"],
                                                "answer_kind": "opinion", "verdict": "reserved"})

    def kinds(headers):
        items = call(platform, "GET", f"/dossiers/{dossier['id']}/timeline", headers).json()["items"]
        return [item["kind"] for item in items]

    assert platform.wait_until(lambda: "third_party_answer" in kinds(agent) and "document" in kinds(agent),
                               timeout=30)
    assert "document" in kinds(owner) and "third_party_answer" not in kinds(owner)


def test_fuzzing_the_running_service_finds_no_server_error(platform):
    """Schemathesis against the real gunicorn process and PostgreSQL, as an admin, a client and a service."""
    model_id = create_model(platform)
    admin = platform.headers("admin", unique("admin"))
    dossier = call(platform, "POST", "/dossiers", admin, json={
        "model_id": model_id, "title": "Fuzzed", "client_sub": "client-fuzz", "fields": {"court": "Metz"}}).json()
    ids = {"model_id": model_id, "dossier_id": dossier["id"]}
    callers = [admin, platform.headers("client", "client-fuzz", org=unique("org")),
               platform.headers("service", "service:fuzz")]
    schema = schemathesis.openapi.from_url(platform.url("dossier") + "/openapi.json")
    for result in schema.get_all_operations():
        operation = result.ok()

        @given(case=operation.as_strategy())
        @settings(max_examples=5, deadline=None, suppress_health_check=list(HealthCheck), database=None)
        def run(case):
            for name in list(case.path_parameters or {}):
                case.path_parameters[name] = ids.get(name, case.path_parameters[name])
            for headers in callers:
                case.call_and_validate(headers=headers, checks=[not_a_server_error])

        run()
