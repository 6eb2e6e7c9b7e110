"""Attestation request -> document available, next to the documents service's bare render+convert.

Starts the attestation and documents services as real processes (API + worker, PostgreSQL,
RabbitMQ, LibreOffice) with the integration harness, warms the converter, then alternates:

* **attestation**: a client's ``POST /attestation-requests`` until the client can read the
  issued document (request ``issued`` and ``GET /documents/{id}`` answering 200 for the client);
* **bare**: the same template rendered directly with ``POST /templates/{id}/render`` (agent)
  until the document's PDF is ready (``state`` no longer ``rendering``).

Both wait by polling every 20 ms. Prints p50/p95 of each, in milliseconds. Asserts nothing;
not collected by pytest. Run: ``.venv/bin/python services/attestation/perf/attestation_perf.py [--runs 20]``.
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import tempfile
import time
import uuid
from datetime import date, timedelta
from pathlib import Path

import docx
import requests

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT / "tests" / "integration"))

from harness import Platform  # noqa: E402

POLL = 0.02


def template_docx() -> bytes:
    document = docx.Document()
    document.add_paragraph("Attestation for contract {{ contract.number }} ({{ contract.product_name }})")
    document.add_paragraph("Insured: {{ client.name }} from {{ contract.start_date }}")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def ok(response):
    if response.status_code >= 300:
        raise RuntimeError(f"{response.request.method} {response.url}: {response.status_code} {response.text}")
    return response.json()


def wait(predicate, timeout=120.0):
    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        if predicate():
            return
        time.sleep(POLL)
    raise TimeoutError("gave up waiting")


def setup(platform: Platform):
    admin = platform.headers("admin", "perf-admin")
    template = ok(
        requests.post(
            platform.api("documents", "/templates"),
            headers=admin,
            timeout=10,
            data={"name": "Perf attestation", "type": "attestation", "entity": "contract", "pdf_auto": "true"},
            files={"file": ("attestation.docx", template_docx())},
        )
    )
    product = ok(
        requests.post(
            platform.api("attestation", "/products"),
            headers=admin,
            timeout=10,
            json={"code": "PERF", "name": "Perf product"},
        )
    )
    ok(
        requests.put(
            platform.api("attestation", f"/products/{product['id']}/attestation-templates"),
            headers=admin,
            timeout=30,
            json=[{"template_id": template["id"]}],
        )
    )
    today = date.today()
    contract = ok(
        requests.post(
            platform.api("attestation", "/contracts"),
            headers=admin,
            timeout=10,
            json={
                "number": "PERF-1",
                "product_id": product["id"],
                "owner_sub": "perf-client",
                "owner_name": "Perf Client",
                "status": "in_force",
                "start_date": (today - timedelta(days=30)).isoformat(),
                "receipts": [
                    {
                        "period_start": (today - timedelta(days=1)).isoformat(),
                        "period_end": (today + timedelta(days=30)).isoformat(),
                        "amount_due": "10.00",
                        "amount_paid": "10.00",
                    }
                ],
            },
        )
    )
    return template["id"], contract


def attestation_once(platform: Platform, client: dict, contract: dict) -> tuple[float, float]:
    """(request -> document available, request -> POST answered), in ms."""
    started = time.perf_counter()
    request = ok(
        requests.post(
            platform.api("attestation", "/attestation-requests"),
            headers=client,
            timeout=60,
            json={"contract_id": contract["id"]},
        )
    )
    answered = (time.perf_counter() - started) * 1000
    url = platform.api("attestation", f"/attestation-requests/{request['id']}")
    state = {}

    def issued_and_readable():
        body = requests.get(url, headers=client, timeout=10).json()
        if body["state"] == "failed":
            raise RuntimeError(f"request failed: {body}")
        if body["state"] != "issued":
            return False
        state.update(body)
        document = platform.api("documents", f"/documents/{body['document_id']}")
        return requests.get(document, headers=client, timeout=10).status_code == 200

    wait(issued_and_readable)
    return (time.perf_counter() - started) * 1000, answered


def bare_once(platform: Platform, agent: dict, template_id: str) -> tuple[float, float]:
    """(render -> PDF ready, render -> POST answered), in ms."""
    started = time.perf_counter()
    document = ok(
        requests.post(
            platform.api("documents", f"/templates/{template_id}/render"),
            headers=agent,
            timeout=60,
            json={
                "owner_type": "contract",
                "owner_id": str(uuid.uuid4()),
                "category": "attestation",
                "context": {
                    "contract": {"number": "PERF-1", "product_name": "Perf product", "start_date": "01/01/2026"},
                    "client": {"name": "Perf Client"},
                },
            },
        )
    )
    answered = (time.perf_counter() - started) * 1000
    url = platform.api("documents", f"/documents/{document['id']}")

    def converted():
        body = requests.get(url, headers=agent, timeout=10).json()
        if body["state"] not in ("rendering", "ready"):
            raise RuntimeError(f"render failed: {body}")
        return body["state"] == "ready"

    wait(converted)
    return (time.perf_counter() - started) * 1000, answered


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--warmup", type=int, default=3)
    args = parser.parse_args()
    platform = Platform(Path(tempfile.mkdtemp(prefix="attestation-perf-")), services=["attestation", "documents"])
    platform.start()
    try:
        template_id, contract = setup(platform)
        client = platform.headers("client", "perf-client", name="Perf Client")
        agent = platform.headers("agent", "perf-agent")
        # The client sees the contract's documents once documents has consumed contract.created.
        for _ in range(args.warmup):
            attestation_once(platform, client, contract)
            bare_once(platform, agent, template_id)
        attestation, bare = [], []
        for _ in range(args.runs):
            attestation.append(attestation_once(platform, client, contract))
            bare.append(bare_once(platform, agent, template_id))
        print(f"runs: {args.runs} each, alternated, after {args.warmup} warm-up rounds (converter warm)")
        for name, values in (
            ("attestation request -> document available", [item[0] for item in attestation]),
            ("documents bare render+convert (baseline)", [item[0] for item in bare]),
            ("  of which POST /attestation-requests", [item[1] for item in attestation]),
            ("  of which POST /templates/{id}/render", [item[1] for item in bare]),
        ):
            print(
                f"{name:45s} p50 {statistics.median(values):7.0f} ms   p95 {percentile(values, 0.95):7.0f} ms   "
                f"min {min(values):7.0f} ms   max {max(values):7.0f} ms"
            )
    finally:
        platform.stop()


if __name__ == "__main__":
    main()
