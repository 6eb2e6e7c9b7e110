"""Attestation requests over the real platform: attestation + documents (+ LibreOffice) processes,
PostgreSQL and RabbitMQ. Request -> PDF visible to the client; with prior validation:
request -> task -> approve -> visible, and request -> task -> reject -> nothing left in storage."""

from __future__ import annotations

import io
import shutil
from datetime import date, timedelta

import pytest
import requests
from pypdf import PdfReader
from scenario_helpers import docx_bytes, ok, unique

pytestmark = pytest.mark.skipif(
    not shutil.which("soffice"), reason="LibreOffice is not installed here (.ci/run installs it)"
)


TEMPLATE = docx_bytes(
    "Attestation for contract {{ contract.number }} ({{ contract.product_name }})",
    "Insured: {{ client.name }}; reason: {{ motif }}",
)


@pytest.fixture(scope="module")
def admin(platform):
    return platform.headers("admin", unique("admin"))


@pytest.fixture(scope="module")
def template_id(platform, admin):
    template = ok(
        requests.post(
            platform.api("documents", "/templates"),
            headers=admin,
            timeout=10,
            data={"name": "Attestation d'assurance", "type": "attestation", "entity": "contract", "pdf_auto": "true"},
            files={"file": ("attestation.docx", TEMPLATE)},
        )
    )
    ok(
        requests.put(
            platform.api("documents", f"/templates/{template['id']}/fields"),
            headers=admin,
            timeout=10,
            json={"fields": [{"name": "motif", "label": "Motif", "default": "Déclaration annuelle"}]},
        )
    )
    return template["id"]


def setup_contract(platform, admin, template_id, *, validator_sub=None):
    """A product offering the template (with prior validation when a validator is given) and a paid contract."""
    product = ok(
        requests.post(
            platform.api("attestation", "/products"),
            headers=admin,
            timeout=10,
            json={"code": unique("AUTO"), "name": "Auto Confort"},
        )
    )
    ok(
        requests.put(
            platform.api("attestation", f"/products/{product['id']}/attestation-templates"),
            headers=admin,
            timeout=30,
            json=[{"template_id": template_id, "extranet_title": "Attestation d'assurance"}],
        )
    )
    if validator_sub:
        ok(
            requests.put(
                platform.api("attestation", f"/products/{product['id']}/validation"),
                headers=admin,
                timeout=10,
                json={"required": True, "validators": {"subs": [validator_sub]}},
            )
        )
    client_sub = unique("client")
    today = date.today()
    contract = ok(
        requests.post(
            platform.api("attestation", "/contracts"),
            headers=admin,
            timeout=10,
            json={
                "number": unique("CTR"),
                "product_id": product["id"],
                "owner_sub": client_sub,
                "owner_name": "Jeanne Dupont",
                "status": "in_force",
                "start_date": (today - timedelta(days=200)).isoformat(),
                "receipts": [
                    {
                        "period_start": (today - timedelta(days=10)).isoformat(),
                        "period_end": (today + timedelta(days=20)).isoformat(),
                        "amount_due": "120.00",
                        "amount_paid": "120.00",
                    }
                ],
            },
        )
    )
    return contract, platform.headers("client", client_sub, name="Jeanne Dupont")


def ask(platform, client, contract):
    return ok(
        requests.post(
            platform.api("attestation", "/attestation-requests"),
            headers=client,
            timeout=60,
            json={"contract_id": contract["id"]},
        )
    )


def wait_for_state(platform, client, request_id, state, timeout=120):
    url = platform.api("attestation", f"/attestation-requests/{request_id}")
    assert platform.wait_until(
        lambda: requests.get(url, headers=client, timeout=5).json()["state"] in (state, "failed"), timeout=timeout
    )
    body = requests.get(url, headers=client, timeout=5).json()
    assert body["state"] == state, body
    return body


def client_pdf_text(platform, client, document_id) -> str:
    url = platform.api("documents", f"/documents/{document_id}/content")
    response = requests.get(url, params={"rendition": "pdf"}, headers=client, timeout=10)
    assert response.status_code == 200, response.text
    assert response.headers["Content-Type"] == "application/pdf"
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)


def client_sees(platform, client, document_id) -> bool:
    url = platform.api("documents", f"/documents/{document_id}")
    return requests.get(url, headers=client, timeout=5).status_code == 200


def open_task_for(platform, agent, request_id):
    tasks = ok(
        requests.get(
            platform.api("attestation", "/validation-tasks"),
            headers=agent,
            timeout=10,
            params={"state": "open", "limit": 200},
        )
    )["items"]
    (task,) = [task for task in tasks if task["request_id"] == request_id]
    return task


def test_a_request_gives_the_client_a_pdf_of_the_attestation(platform, admin, template_id):
    contract, client = setup_contract(platform, admin, template_id)
    options = ok(
        requests.get(
            platform.api("attestation", f"/contracts/{contract['id']}/attestation-options"), headers=client, timeout=10
        )
    )
    assert options["enabled"] and options["choice_needed"]["contract"] is False
    assert options["templates"][0]["fields"] == [
        {"name": "motif", "label": "Motif", "default": "Déclaration annuelle", "required": False}
    ]
    request = ask(platform, client, contract)
    issued = wait_for_state(platform, client, request["id"], "issued")
    assert platform.wait_until(lambda: client_sees(platform, client, issued["document_id"]))
    text = client_pdf_text(platform, client, issued["document_id"])
    assert f"Attestation for contract {contract['number']} (Auto Confort)" in text
    assert "Insured: Jeanne Dupont; reason: Déclaration annuelle" in text


def test_with_validation_the_attestation_is_internal_until_approved(platform, admin, template_id):
    validator = unique("agent")
    agent = platform.headers("agent", validator)
    contract, client = setup_contract(platform, admin, template_id, validator_sub=validator)
    request = ask(platform, client, contract)
    pending = wait_for_state(platform, client, request["id"], "pending_validation")
    assert pending["document_id"] is None
    task = open_task_for(platform, agent, request["id"])
    assert not client_sees(platform, client, task["document_id"])
    ok(requests.post(platform.api("attestation", f"/validation-tasks/{task['id']}/approve"), headers=agent, timeout=30))
    assert wait_for_state(platform, client, request["id"], "approved")["document_id"] == task["document_id"]
    assert platform.wait_until(lambda: client_sees(platform, client, task["document_id"]))
    assert contract["number"] in client_pdf_text(platform, client, task["document_id"])


def test_a_rejected_attestation_leaves_nothing_in_storage(platform, admin, template_id):
    validator = unique("agent")
    agent = platform.headers("agent", validator)
    contract, client = setup_contract(platform, admin, template_id, validator_sub=validator)
    request = ask(platform, client, contract)
    wait_for_state(platform, client, request["id"], "pending_validation")
    task = open_task_for(platform, agent, request["id"])
    document_url = platform.api("documents", f"/documents/{task['document_id']}")
    document = ok(requests.get(document_url, headers=agent, timeout=10))
    assert {item["kind"] for item in document["renditions"]} == {"docx", "pdf"}
    blobs = platform.work_dir / "data" / "documents" / "blobs" / "objects"
    stored = [path for item in document["renditions"] for path in blobs.rglob(item["sha256"])]
    assert len(stored) == 2

    ok(
        requests.post(
            platform.api("attestation", f"/validation-tasks/{task['id']}/reject"),
            headers=agent,
            timeout=30,
            json={"reason": "Contrat en cours de résiliation"},
        )
    )

    assert wait_for_state(platform, client, request["id"], "rejected")["document_id"] is None
    assert requests.get(document_url, headers=agent, timeout=10).status_code == 404
    for rendition in ("docx", "pdf"):
        assert (
            requests.get(
                document_url + "/content", params={"rendition": rendition}, headers=agent, timeout=10
            ).status_code
            == 404
        )
    assert not any(path.exists() for path in stored)
