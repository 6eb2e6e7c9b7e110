import copy

import pytest

from dossier import config, handlers
from dossier.app import create_app
from dossier.cli import MIGRATIONS_DIR
from platform_shared.testing.service_fixtures import (  # noqa: F401  (shared fixtures)
    UNREACHABLE_BROKER,
    ServiceUnderTest,
    client,
    database_url,
    db,
    template_dir,
)
from platform_shared.testing.unit import bearer

from .documents_stand_in import DocumentsStandIn

SAMPLE_MODEL = {
    "name": "Works request",
    "category": "corporate",
    "client_can_create": True,
    "fields": [
        {"key": "site_name", "label": "Site", "type": "text", "required": True},
        {"key": "budget", "label": "Budget", "type": "amount", "financial": True},
        {"key": "start_date", "label": "Start", "type": "date"},
        {"key": "work_type", "label": "Work type", "type": "choice", "choices": ["roof", "walls"]},
        {"key": "risk_score", "label": "Risk score", "type": "number"},
        {"key": "contact_email", "label": "Contact", "type": "email"},
        {"key": "urgent", "label": "Urgent", "type": "boolean"},
    ],
    "partner_fields": [{"key": "partner_estimate", "label": "Estimate", "type": "amount", "financial": True}],
    "views": {
        "portal": [
            {"key": "site_name", "mode": "write"},
            {"key": "start_date", "mode": "write"},
            {"key": "contact_email", "mode": "write"},
            {"key": "budget", "mode": "read"},
            {"key": "urgent", "mode": "read"},
        ],
        "crm": [
            {"key": "site_name", "mode": "write"},
            {"key": "budget", "mode": "write"},
            {"key": "start_date", "mode": "write"},
            {"key": "work_type", "mode": "write"},
            {"key": "risk_score", "mode": "write"},
            {"key": "urgent", "mode": "write"},
            {"key": "contact_email", "mode": "read"},
        ],
        "partner": [
            {"key": "start_date", "mode": "read", "source": "portal"},
            {"key": "work_type", "mode": "write", "source": "crm"},
            {"key": "partner_estimate", "mode": "write", "source": "partner"},
        ],
    },
    "statuses": [
        {"code": "submitted", "label": "Submitted", "initial": True},
        {"code": "screening", "label": "Internal screening", "client_visible": False},
        {"code": "in_review", "label": "In review", "partner_visible": True},
        {"code": "done", "label": "Done", "terminal": True},
    ],
    "transitions": [
        {"from": "submitted", "to": "screening"},
        {"from": "screening", "to": "in_review"},
        {"from": "submitted", "to": "in_review"},
        {"from": "in_review", "to": "done"},
    ],
    "roles": [{"code": "guarantor", "label": "Guarantor"}],
    "pieces": [
        {"code": "id_card", "label": "ID card", "role": "guarantor"},
        {"code": "payslip", "label": "Payslip", "role": "guarantor", "required": False},
    ],
}


def sample_model(**changes) -> dict:
    model = copy.deepcopy(SAMPLE_MODEL)
    model.update(changes)
    return model


@pytest.fixture(scope="session")
def service_under_test():
    return ServiceUnderTest("dossier", MIGRATIONS_DIR, create_app, handlers.handlers)


@pytest.fixture
def app(settings, db, service_under_test):
    """The app, its documents service a stand-in (``documents``): unit tests run no documents service."""
    app = service_under_test.create_app(settings, db)
    app.config["TESTING"] = True
    app.extensions["documents_gateway"] = DocumentsStandIn()
    return app


@pytest.fixture
def documents(app) -> DocumentsStandIn:
    return app.extensions["documents_gateway"]


@pytest.fixture
def settings(database_url):
    return config.load(
        database_url=database_url, amqp_url=UNREACHABLE_BROKER, erasure_redacts_dead_letters=False, log_json=False
    )


@pytest.fixture
def as_admin(settings):
    return bearer(settings, "admin", "admin-ada")


@pytest.fixture
def as_agent(settings):
    return bearer(settings, "agent", "agent-alice", email="alice@firm.example")


@pytest.fixture
def as_client(settings):
    return bearer(settings, "client", "client-bob", org="acme", email="bob@acme.example")


@pytest.fixture
def as_colleague(settings):
    """Another client of the same company as ``as_client``."""
    return bearer(settings, "client", "client-carol", org="acme")


@pytest.fixture
def as_stranger(settings):
    """A client of another company."""
    return bearer(settings, "client", "client-dave", org="globex")


@pytest.fixture
def as_partner(settings):
    return bearer(settings, "partner", "partner-pat")


@pytest.fixture
def as_service(settings):
    return bearer(settings, "service", "service:partner-gateway")


@pytest.fixture
def model_id(client, as_admin):
    response = client.post("/api/v1/models", json=sample_model(), headers=as_admin)
    assert response.status_code == 201, response.get_json()
    return response.get_json()["id"]


@pytest.fixture
def new_dossier(client, as_agent, model_id):
    """Create a dossier for client-bob of acme as an agent; returns the body."""

    def create(**changes):
        body = {
            "model_id": model_id,
            "title": "Roof repair",
            "client_sub": "client-bob",
            "client_org": "acme",
            "client_email": "bob@acme.example",
            "fields": {"site_name": "Main street", "budget": 1200},
        }
        body.update(changes)
        response = client.post("/api/v1/dossiers", json=body, headers=as_agent)
        assert response.status_code == 201, response.get_json()
        return response.get_json()

    return create


@pytest.fixture
def dossier(new_dossier):
    return new_dossier()


@pytest.fixture(scope="session")
def model_body():
    """``model_body(**changes)``: a fresh copy of the sample model (tests cannot import conftest)."""
    return sample_model
