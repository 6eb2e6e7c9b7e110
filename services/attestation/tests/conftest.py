"""Fixtures: a migrated SQLite database per test, tokens, and a fake documents service.

The fake stands in for the documents service's HTTP boundary (``docs/contracts.md``), served by
werkzeug on a free port; the real composition is proven by
``tests/integration/test_attestation_service.py``.
"""

from __future__ import annotations

import threading
import uuid
from datetime import UTC

import pytest
from flask import Flask, jsonify, request
from werkzeug.serving import make_server

from attestation import config, handlers
from attestation.app import create_app
from attestation.cli import MIGRATIONS_DIR
from attestation.clients import DocumentsGateway
from attestation.jobs import generation_job
from platform_shared.testing.service_fixtures import (  # noqa: F401  (shared fixtures)
    UNREACHABLE_BROKER,
    ServiceUnderTest,
    app,
    client,
    database_url,
    db,
    template_dir,
)
from platform_shared.testing.unit import bearer

# Tokens are minted on the fixed test day and checked against the real clock.
LONG = 10 * 365 * 24 * 3600


@pytest.fixture(scope="session")
def documents_server():
    server = FakeDocumentsServer()
    yield server
    server.close()


@pytest.fixture
def documents(documents_server):
    """The fake documents service, emptied for each test."""
    documents_server.fake.reset()
    return documents_server.fake


@pytest.fixture(scope="session")
def service_under_test():
    return ServiceUnderTest("attestation", MIGRATIONS_DIR, create_app, handlers.handlers)


@pytest.fixture
def settings(database_url, documents_server):
    return config.load(
        database_url=database_url,
        amqp_url=UNREACHABLE_BROKER,
        erasure_redacts_dead_letters=False,
        log_json=False,
        documents_url=documents_server.url,
        render_retry_delay_seconds=0.0,
    )


@pytest.fixture(scope="session")
def run_job():
    """``run_job(db, settings)``: one run of the worker's ``attestation-generation`` job (the real one, against
    the fake documents service), as the worker runs it when the commit of a ``POST /attestation-requests``
    wakes it: the POST only records the request (``generating``), this renders it (issued, passed on for
    validation, retried or failed)."""

    def run(db, settings):
        generation_job(settings, DocumentsGateway(settings))(db, settings)

    return run


@pytest.fixture
def as_admin(settings):
    return bearer(settings, "admin", "admin-ada", ttl_seconds=LONG)


@pytest.fixture
def as_agent(settings):
    return bearer(settings, "agent", "agent-alice", ttl_seconds=LONG)


@pytest.fixture
def as_client(settings):
    return bearer(settings, "client", "client-bob", org="acme", email="bob@example.test", ttl_seconds=LONG)


@pytest.fixture
def as_stranger(settings):
    return bearer(settings, "client", "client-eve", org="evil-corp", ttl_seconds=LONG)


class FakeDocuments:
    def __init__(self):
        self.templates: dict[str, dict] = {}
        self.fields: dict[str, list[dict]] = {}
        self.documents: dict[str, dict] = {}
        self.renders: list[dict] = []
        self.render_calls: list[str] = []  # every POST .../render (template id), whatever its outcome
        # consumed one per render: "ready", "rendering", "down" (503), "refused" (422, as for a broken tag)
        self.render_outcomes: list[str] = []
        self.app = self._build()

    def reset(self):
        for registry in (
            self.templates,
            self.fields,
            self.documents,
            self.renders,
            self.render_calls,
            self.render_outcomes,
        ):
            registry.clear()

    def add_template(
        self, *, name="Attestation", type="attestation", entity="contract", pdf_auto=False, inputs=(), language="fr"
    ) -> str:
        template_id = str(uuid.uuid4())
        self.templates[template_id] = {
            "id": template_id,
            "name": name,
            "type": type,
            "entity": entity,
            "pdf_auto": pdf_auto,
            "language": language,
            "version": 1,
        }
        self.fields[template_id] = [{"name": "contract.number", "source": "entity", "label": None, "default": None}] + [
            {"name": item["name"], "source": "input", "label": item.get("label"), "default": item.get("default")}
            for item in inputs
        ]
        return template_id

    def _build(self) -> Flask:
        app = Flask("fake-documents")

        def not_found():
            return jsonify(status=404, title="Not found", detail="No such thing."), 404

        @app.get("/api/v1/templates/<template_id>")
        def template(template_id):
            return jsonify(self.templates[template_id]) if template_id in self.templates else not_found()

        @app.get("/api/v1/templates/<template_id>/fields")
        def fields(template_id):
            if template_id not in self.fields:
                return not_found()
            return jsonify(template_id=template_id, version=1, fields=self.fields[template_id])

        @app.post("/api/v1/templates/<template_id>/render")
        def render(template_id):
            self.render_calls.append(template_id)
            outcome = self.render_outcomes.pop(0) if self.render_outcomes else "ready"
            if outcome == "down":
                return jsonify(status=503, title="Unavailable"), 503
            if outcome == "refused":
                detail = "Template syntax error in {{ contract.numbr }} at http://documents.internal/templates."
                return jsonify(status=422, title="Invalid", detail=detail, errors={"template": [detail]}), 422
            body = request.get_json()
            document_id = str(uuid.uuid4())
            self.renders.append({"template_id": template_id, **body, "document_id": document_id})
            extension = ".pdf" if self.templates[template_id]["pdf_auto"] else ".docx"
            self.documents[document_id] = {
                "id": document_id,
                "filename": body["filename"] + extension,
                "state": outcome,
                "error": None,
                "owner_type": body["owner_type"],
                "owner_id": body["owner_id"],
                "visibility": body["visibility"],
            }
            return jsonify(self.documents[document_id]), (202 if outcome == "rendering" else 201)

        @app.get("/api/v1/documents/<document_id>")
        def document(document_id):
            return jsonify(self.documents[document_id]) if document_id in self.documents else not_found()

        @app.patch("/api/v1/documents/<document_id>")
        def patch(document_id):
            if document_id not in self.documents:
                return not_found()
            self.documents[document_id]["visibility"].update(request.get_json())
            return jsonify(self.documents[document_id])

        @app.delete("/api/v1/documents/<document_id>")
        def delete(document_id):
            if self.documents.pop(document_id, None) is None:
                return not_found()
            return "", 204

        return app


class FakeDocumentsServer:
    def __init__(self):
        self.fake = FakeDocuments()
        self.server = make_server("127.0.0.1", 0, self.fake.app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()


class World:
    """Builds products and contracts through the API, the way staff do."""

    def __init__(self, client, documents, as_admin, as_agent):
        self.client, self.documents, self.as_admin, self.as_agent = client, documents, as_admin, as_agent

    def product(self, templates=(), code=None) -> dict:
        response = self.client.post(
            "/api/v1/products",
            json={"code": code or f"P-{uuid.uuid4().hex[:8]}", "name": "Auto"},
            headers=self.as_admin,
        )
        assert response.status_code == 201, response.get_json()
        product = response.get_json()
        if templates:
            response = self.client.put(
                f"/api/v1/products/{product['id']}/attestation-templates", json=list(templates), headers=self.as_admin
            )
            assert response.status_code == 200, response.get_json()
            product = response.get_json()
        return product

    def contract(
        self, product_id, *, status="in_force", owner_sub="client-bob", owner_org=None, beneficiaries=(), paid=True
    ) -> dict:
        response = self.client.post(
            "/api/v1/contracts",
            json={
                "number": f"C-{uuid.uuid4().hex[:10]}",
                "product_id": product_id,
                "owner_sub": owner_sub,
                "owner_org": owner_org,
                "owner_email": "bob@example.test",
                "owner_name": "Bob Martin",
                "status": status,
                "start_date": "2026-01-01",
                "beneficiaries": list(beneficiaries),
                "receipts": [
                    {
                        "period_start": "2026-11-01",
                        "period_end": "2026-11-30",
                        "amount_due": "100.00",
                        "amount_paid": "100.00" if paid else "20.00",
                    }
                ],
            },
            headers=self.as_agent,
        )
        assert response.status_code == 201, response.get_json()
        return response.get_json()

    def validation(self, product_id, required=True, subs=("agent-alice",), role=None):
        response = self.client.put(
            f"/api/v1/products/{product_id}/validation",
            json={"required": required, "validators": {"subs": list(subs), "role": role}},
            headers=self.as_admin,
        )
        assert response.status_code == 200, response.get_json()


@pytest.fixture
def world(client, documents, as_admin, as_agent):
    return World(client, documents, as_admin, as_agent)


@pytest.fixture(autouse=True)
def today_is_fixed():
    """Every test runs on 2026-11-23 (inside the receipts the world builds)."""
    from datetime import datetime

    from platform_shared import clock

    with clock.frozen_at(datetime(2026, 11, 23, 9, 0, tzinfo=UTC)):
        yield
