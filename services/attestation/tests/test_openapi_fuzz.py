"""Fuzzing every route of ``/openapi.json`` (schemathesis over the WSGI app, on PostgreSQL when one
answers, the fake documents service behind it): no input makes the service answer 500.

Path parameters are pointed at a real product, contract, request and task so generated bodies reach
the use cases; every case is sent as an admin, an agent and a client.
"""

from __future__ import annotations

import pytest

from attestation import config
from attestation.app import create_app
from attestation.cli import MIGRATIONS_DIR
from platform_shared.db import Database
from platform_shared.testing.fuzz import fuzz_every_operation, migrated_fuzz_database
from platform_shared.testing.unit import bearer

LONG = 10 * 365 * 24 * 3600


@pytest.fixture(scope="module")
def fuzz_database_url(tmp_path_factory, template_dir):
    with migrated_fuzz_database(tmp_path_factory, template_dir, MIGRATIONS_DIR, "attestation_fuzz") as url:
        yield url


@pytest.fixture(scope="module")
def fuzz_app(fuzz_database_url, documents_server, run_job):
    fake = documents_server.fake
    fuzz_settings = config.load(
        database_url=fuzz_database_url,
        amqp_url="amqp://guest:guest@127.0.0.1:1/%2F",
        log_json=False,
        log_level="WARNING",
        documents_url=documents_server.url,
    )
    database = Database(fuzz_database_url)
    app = create_app(fuzz_settings, database)
    headers = {
        role: bearer(
            fuzz_settings, role, "client-fuzz" if role == "client" else f"{role}-fuzz", org="acme", ttl_seconds=LONG
        )
        for role in ("admin", "agent", "client")
    }
    http = app.test_client()
    template_id = fake.add_template(inputs=[{"name": "motif", "label": "Motif"}])
    product = http.post("/api/v1/products", json={"code": "FUZZ", "name": "Fuzz"}, headers=headers["admin"]).get_json()
    http.put(
        f"/api/v1/products/{product['id']}/attestation-templates",
        json=[{"template_id": template_id}],
        headers=headers["admin"],
    )
    http.put(
        f"/api/v1/products/{product['id']}/validation",
        json={"required": True, "validators": {"role": "agent"}},
        headers=headers["admin"],
    )
    contract = http.post(
        "/api/v1/contracts",
        headers=headers["admin"],
        json={
            "number": "FUZZ-1",
            "product_id": product["id"],
            "owner_sub": "client-fuzz",
            "start_date": "2026-01-01",
            "beneficiaries": [{"kind": "person", "name": "Ann"}],
        },
    ).get_json()
    request = http.post(
        "/api/v1/attestation-requests",
        json={"contract_id": contract["id"], "inputs": {"motif": "x"}},
        headers=headers["client"],
    ).get_json()
    run_job(database, fuzz_settings)  # the worker renders it and opens its validation task
    task = http.get("/api/v1/validation-tasks", headers=headers["admin"]).get_json()["items"][0]
    app.config["FUZZ"] = {
        "headers": headers,
        "ids": {
            "product_id": product["id"],
            "contract_id": contract["id"],
            "request_id": request["id"],
            "task_id": task["id"],
        },
    }
    yield app
    database.dispose()


def test_no_generated_request_gets_a_server_error(fuzz_app):
    fuzz = fuzz_app.config["FUZZ"]
    operations = fuzz_every_operation(fuzz_app, ids=fuzz["ids"], headers_by_role=fuzz["headers"], max_examples=6)
    assert operations >= 18


@pytest.mark.parametrize(
    "body",
    [
        "record,contract_number,name\ncontract,\x00bad,\n",
        'record,contract_number\n"unclosed,x\n',
        '{"record": "receipt", "contract_number": "FUZZ-1", "period_start": "2026-01-01", "period_end": "2026-02-01", '
        '"amount_due": "1e400", "amount_paid": "NaN"}',
        '{"record": "contract", "contract_number": "\\u0000"}',
        "a,b\n1,2,3,4\n",
        '{"record": "beneficiary", "contract_number": "FUZZ-1", "kind": "vehicle", "registration": [1]}',
    ],
)
def test_broken_import_lines_are_rejected_without_a_server_error(fuzz_app, body):
    fmt = "jsonl" if body.startswith("{") else "csv"
    response = fuzz_app.test_client().post(
        f"/api/v1/contracts/import?format={fmt}",
        data=body.encode(),
        headers=fuzz_app.config["FUZZ"]["headers"]["agent"],
    )
    assert response.status_code < 500, response.get_data(as_text=True)
