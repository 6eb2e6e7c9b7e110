"""The documents service as real processes (gunicorn API + worker with its LibreOffice) on PostgreSQL and RabbitMQ."""

from __future__ import annotations

import io
import shutil
import uuid

import docx
import psycopg
import pytest
import requests
from minimal_model import MINIMAL_MODEL
from pypdf import PdfReader
from scenario_helpers import create_model, ok, unique, upload
from scenario_partners_helpers import visible_document_ids


def template_docx() -> bytes:
    document = docx.Document()
    paragraph = document.add_paragraph("Contract ")
    paragraph.add_run("{{ contract.")
    paragraph.add_run("number }}").bold = True
    document.add_paragraph("Insured: {{ client.name }}, plate {{ plate }}")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def create_template(platform, pdf_auto: bool) -> str:
    response = requests.post(
        platform.api("documents", "/templates"),
        headers=platform.headers("admin", unique("admin")),
        data={"name": "Attestation", "type": "attestation", "entity": "contract", "pdf_auto": str(pdf_auto).lower()},
        files={"file": ("attestation.docx", template_docx())},
        timeout=10,
    )
    assert response.status_code == 201, response.text
    return response.json()["id"]


def render(platform, template_id, agent, contract_id, number: str = "CTR-77"):
    return requests.post(
        platform.api("documents", f"/templates/{template_id}/render"),
        headers=agent,
        json={
            "owner_type": "contract",
            "owner_id": contract_id,
            "category": "attestation",
            "context": {"contract": {"number": number}, "client": {"name": "Smith & Sons <Ltd>"}},
            "inputs": {"plate": "A<B>&C"},
        },
        timeout=30,
    )


def test_a_client_sees_a_shared_document_once_the_dossier_created_event_has_arrived(platform):
    dossier_id, client_sub = str(uuid.uuid4()), unique("client")
    agent, client = platform.headers("agent", unique("agent")), platform.headers("client", client_sub)
    shared = ok(upload(platform, agent, dossier_id, client=True), 201)
    internal = ok(upload(platform, agent, dossier_id, data=b"%PDF-1.4\n internal"), 201)
    platform.publish("dossier.created", {"dossier_id": dossier_id, "client_sub": client_sub, "client_org": None})
    url = platform.api("documents", f"/documents/{shared['id']}")
    assert platform.wait_until(lambda: requests.get(url, headers=client, timeout=5).status_code == 200)
    assert (
        requests.get(platform.api("documents", f"/documents/{internal['id']}"), headers=client, timeout=5).status_code
        == 404
    )
    listed = requests.get(
        platform.api("documents", "/documents"),
        headers=client,
        timeout=5,
        params={"owner_type": "dossier", "owner_id": dossier_id},
    ).json()
    assert [item["id"] for item in listed["items"]] == [shared["id"]]


def test_the_document_events_leave_through_the_outbox(platform):
    agent = platform.headers("agent", unique("agent"))
    document = ok(upload(platform, agent, str(uuid.uuid4())), 201)

    def published():
        with psycopg.connect(platform.database_url("documents")) as connection:
            row = connection.execute(
                "SELECT sent_at FROM outbox WHERE aggregate_id = %s AND event_type = %s",
                (document["id"], "document.added"),
            ).fetchone()
            return row is not None and row[0] is not None

    assert platform.wait_until(published)


@pytest.mark.skipif(not shutil.which("soffice"), reason="LibreOffice is not installed here (.ci/run installs it)")
def test_a_pdf_auto_template_is_converted_by_the_worker_and_the_pdf_holds_the_values(platform):
    agent = platform.headers("agent", unique("agent"))
    response = render(platform, create_template(platform, pdf_auto=True), agent, str(uuid.uuid4()))
    assert response.status_code == 202, response.text
    document = response.json()
    assert document["state"] == "rendering"
    url = platform.api("documents", f"/documents/{document['id']}")
    assert platform.wait_until(
        lambda: requests.get(url, headers=agent, timeout=5).json()["state"] != "rendering", timeout=90
    )
    done = requests.get(url, headers=agent, timeout=5).json()
    assert done["state"] == "ready", done
    pdf = requests.get(url + "/content", params={"rendition": "pdf"}, headers=agent, timeout=10)
    assert pdf.headers["Content-Type"] == "application/pdf"
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "Contract CTR-77" in text
    assert "Insured: Smith & Sons <Ltd>, plate A<B>&C" in text


def test_deleting_a_rendered_document_removes_its_bytes(platform):
    agent = platform.headers("agent", unique("agent"))
    # Storage is content-addressed: unique content, so no other test's identical file keeps the bytes alive.
    response = render(
        platform, create_template(platform, pdf_auto=False), agent, unique("contract"), number=unique("CTR")
    )
    assert response.status_code == 201, response.text
    document = response.json()
    blobs = platform.work_dir / "data" / "documents" / "blobs" / "objects"
    stored = list(blobs.rglob(document["sha256"]))
    assert stored
    deleted = requests.delete(platform.api("documents", f"/documents/{document['id']}"), headers=agent, timeout=10)
    assert deleted.status_code == 204
    assert not any(path.exists() for path in stored)
    assert (
        requests.get(platform.api("documents", f"/documents/{document['id']}"), headers=agent, timeout=5).status_code
        == 404
    )


def test_a_partner_without_an_attachment_is_refused_after_asking_the_real_gateway(platform):
    agent, partner = platform.headers("agent", unique("agent")), platform.headers("partner", unique("partner"))
    flagged = ok(upload(platform, agent, str(uuid.uuid4()), partner=True), 201)
    response = requests.get(platform.api("documents", f"/documents/{flagged['id']}"), headers=partner, timeout=10)
    assert response.status_code == 404  # 503 would mean the gateway call itself failed
    assert (
        requests.get(platform.api("documents", f"/documents/{flagged['id']}"), headers=agent, timeout=10).status_code
        == 200
    )


# The smallest model with two contributor roles, a piece for one of them.
CONTRIBUTOR_MODEL = {
    **MINIMAL_MODEL,
    "name": "Lease",
    "roles": [{"code": "guarantor", "label": "Guarantor"}, {"code": "co_tenant", "label": "Co-tenant"}],
    "pieces": [{"code": "payslip", "label": "Payslip", "role": "guarantor"}],
}


def test_a_contributor_attached_through_the_gateway_sees_only_the_pieces_of_their_role(platform):
    agent = platform.headers("agent", unique("agent"))
    dossier = requests.post(
        platform.api("dossier", "/dossiers"),
        headers=agent,
        timeout=10,
        json={
            "model_id": create_model(platform, CONTRIBUTOR_MODEL),
            "title": "Flat 3B",
            "client_sub": unique("client"),
        },
    )
    assert dossier.status_code == 201, dossier.text
    dossier_id = dossier.json()["id"]
    for_guarantor = ok(upload(platform, agent, dossier_id, roles="guarantor"), 201)
    ok(upload(platform, agent, dossier_id, roles="co_tenant"), 201)
    ok(upload(platform, agent, dossier_id, partner=True), 201)
    invited = {}

    def invite() -> bool:  # the gateway learns the dossier from dossier.created
        response = requests.post(
            platform.api("partner-gateway", f"/dossiers/{dossier_id}/contributors"),
            headers=agent,
            timeout=10,
            json={
                "kind": "contributor",
                "role": "guarantor",
                "name": "Gus",
                "email": "gus@example.org",
                "notify": False,
            },
        )
        invited.update(response.json() if response.status_code == 201 else {})
        return response.status_code == 201

    assert platform.wait_until(invite, timeout=30)
    contributor_sub = unique("guarantor")
    contributor = platform.headers("partner", contributor_sub)
    attached = requests.post(
        platform.api("partner-gateway", "/attach"), headers=contributor, timeout=10, json={"key": invited["access_key"]}
    )
    assert attached.status_code == 200, attached.text

    def visible_ids():
        return visible_document_ids(platform, contributor, "dossier", dossier_id)

    assert platform.wait_until(lambda: visible_ids() == {for_guarantor["id"]}, timeout=30), visible_ids()
