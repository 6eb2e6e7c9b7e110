"""Fuzzing every route of ``/openapi.json`` (schemathesis over the WSGI app, on PostgreSQL when one answers):
no input makes the service answer 500.

Path parameters are pointed at a real model and dossier so the generated bodies reach the use cases,
and every case is sent as an admin, a client and a service.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dossier import config
from dossier.app import create_app
from dossier.cli import MIGRATIONS_DIR
from platform_shared.db import Database
from platform_shared.testing.fuzz import fuzz_every_operation, migrated_fuzz_database
from platform_shared.testing.unit import bearer


def _model_and_dossier(http, admin_headers, model) -> tuple[str, str]:
    model_id = http.post("/api/v1/models", json=model, headers=admin_headers).get_json()["id"]
    dossier = http.post(
        "/api/v1/dossiers",
        json={"model_id": model_id, "title": "Fuzzed", "client_sub": "client-fuzz", "fields": {"site_name": "x"}},
        headers=admin_headers,
    ).get_json()
    return model_id, dossier["id"]


@pytest.fixture(scope="module")
def fuzz_database_url(tmp_path_factory, template_dir):
    with migrated_fuzz_database(tmp_path_factory, template_dir, MIGRATIONS_DIR, "dossier_fuzz") as url:
        yield url


@pytest.fixture(scope="module")
def fuzz_app(fuzz_database_url, model_body):
    url = fuzz_database_url
    fuzz_settings = config.load(
        database_url=url, amqp_url="amqp://guest:guest@127.0.0.1:1/%2F", log_json=False, log_level="WARNING"
    )
    database = Database(url)
    app = create_app(fuzz_settings, database)
    headers = {role: bearer(fuzz_settings, role, f"{role}-fuzz", org="acme") for role in ("admin", "client", "service")}
    model_id, dossier_id = _model_and_dossier(app.test_client(), headers["admin"], model_body())
    app.config["FUZZ"] = {"headers": headers, "ids": {"model_id": model_id, "dossier_id": dossier_id}}
    yield app
    database.dispose()


def test_no_generated_request_gets_a_server_error(fuzz_app):
    fuzz = fuzz_app.config["FUZZ"]
    operations = fuzz_every_operation(fuzz_app, ids=fuzz["ids"], headers_by_role=fuzz["headers"], max_examples=12)
    assert operations >= 16


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=30),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=5), children, max_size=3),
    max_leaves=5,
)


def test_any_json_value_for_any_model_field_is_answered_without_a_server_error(fuzz_app, model_body):
    """Schemathesis rarely guesses real field keys: this sends arbitrary JSON under the model's own keys."""
    fuzz = fuzz_app.config["FUZZ"]
    keys = [item["key"] for item in model_body()["fields"] + model_body()["partner_fields"]] + ["ghost"]
    http = fuzz_app.test_client()
    # A model and dossier of its own: the schemathesis run may have closed the first and re-versioned its model.
    model_id, dossier_id = _model_and_dossier(http, fuzz["headers"]["admin"], model_body())
    dossier_url = f"/api/v1/dossiers/{dossier_id}"
    statuses = set()

    @given(values=st.dictionaries(st.sampled_from(keys), JSON_VALUES, max_size=4))
    @settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    def run(values):
        for role in ("admin", "client"):
            response = http.patch(dossier_url, json={"fields": values}, headers=fuzz["headers"][role])
            assert response.status_code < 500, response.get_json()
            statuses.add(response.status_code)
        response = http.patch(
            f"{dossier_url}/partner-values", json={"values": values}, headers=fuzz["headers"]["service"]
        )
        assert response.status_code < 500, response.get_json()
        response = http.post(
            "/api/v1/dossiers",
            json={"model_id": model_id, "title": "t", "fields": values},
            headers=fuzz["headers"]["admin"],
        )
        assert response.status_code < 500, response.get_json()

    run()
    assert {200, 422} <= statuses  # the values reached the rules, both ways
