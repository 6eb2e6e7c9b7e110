"""CORS from the settings (``platform_shared.cors``): off by default, preflights answered for listed origins only."""

from __future__ import annotations

import pytest

from platform_shared.config import ConfigError
from platform_shared.testing.unit import bearer

WEB = "http://127.0.0.1:8000"
PREFLIGHT = {
    "Origin": WEB,
    "Access-Control-Request-Method": "PATCH",
    "Access-Control-Request-Headers": "Authorization, Content-Type, If-Match",
}


def _cors_client(make_app, settings, **changes):
    return make_app(settings.replace(cors_allowed_origins=(WEB,), **changes)).test_client()


def test_cors_is_off_by_default(client, settings):
    preflight = client.options("/api/v1/demo/things", headers=PREFLIGHT)
    assert "Access-Control-Allow-Origin" not in preflight.headers
    response = client.post(
        "/api/v1/demo/things", json={"name": "a", "size": 1}, headers={"Origin": WEB, **bearer(settings, "agent")}
    )
    assert response.status_code == 201 and "Access-Control-Allow-Origin" not in response.headers


def test_a_preflight_from_a_listed_origin_is_allowed_with_the_configured_methods_and_headers(make_app, settings):
    client = _cors_client(make_app, settings, cors_max_age_seconds=120)
    preflight = client.options("/api/v1/demo/things", headers=PREFLIGHT)
    assert preflight.status_code == 200
    assert preflight.headers["Access-Control-Allow-Origin"] == WEB
    assert set(preflight.headers["Access-Control-Allow-Methods"].split(", ")) == {
        "GET",
        "POST",
        "PUT",
        "PATCH",
        "DELETE",
    }
    allowed = {header.lower() for header in preflight.headers["Access-Control-Allow-Headers"].split(", ")}
    assert {"authorization", "content-type", "if-match"} <= allowed
    assert preflight.headers["Access-Control-Max-Age"] == "120"
    assert "Access-Control-Allow-Credentials" not in preflight.headers


def test_the_actual_call_carries_the_origin_and_exposes_the_headers_a_client_reads(make_app, settings):
    client = _cors_client(make_app, settings)
    response = client.post(
        "/api/v1/demo/things", json={"name": "a", "size": 1}, headers={"Origin": WEB, **bearer(settings, "agent")}
    )
    assert response.status_code == 201
    assert response.headers["Access-Control-Allow-Origin"] == WEB
    assert {"X-Request-ID", "ETag", "Location", "Retry-After"} <= {
        header.strip() for header in response.headers["Access-Control-Expose-Headers"].split(",")
    }
    # an error is readable cross-origin too (a front-end shows its problem+json)
    refused = client.post("/api/v1/demo/things", json={}, headers={"Origin": WEB})
    assert refused.status_code == 401 and refused.headers["Access-Control-Allow-Origin"] == WEB


def test_an_origin_that_is_not_listed_gets_no_cors_headers(make_app, settings):
    client = _cors_client(make_app, settings)
    preflight = client.options("/api/v1/demo/things", headers={**PREFLIGHT, "Origin": "https://evil.example"})
    assert "Access-Control-Allow-Origin" not in preflight.headers
    response = client.get("/api/v1/demo/agents-only", headers={"Origin": "https://evil.example"})
    assert "Access-Control-Allow-Origin" not in response.headers


def test_a_method_or_header_that_is_not_configured_is_not_allowed(make_app, settings):
    client = _cors_client(make_app, settings, cors_allowed_methods=("GET",), cors_allowed_headers=("Authorization",))
    preflight = client.options("/api/v1/demo/things", headers=PREFLIGHT)
    assert preflight.headers.get("Access-Control-Allow-Methods") in (None, "GET")
    assert "if-match" not in preflight.headers.get("Access-Control-Allow-Headers", "").lower()


def test_credentials_are_sent_only_when_configured(make_app, settings):
    client = _cors_client(make_app, settings, cors_allow_credentials=True)
    preflight = client.options("/api/v1/demo/things", headers=PREFLIGHT)
    assert preflight.headers["Access-Control-Allow-Credentials"] == "true"
    assert preflight.headers["Access-Control-Allow-Origin"] == WEB


def test_the_environment_configures_it_and_any_origin_with_credentials_is_refused(make_app, settings, tmp_path):
    from platform_shared.config import load_settings

    loaded = load_settings(
        environ={"CORS_ALLOWED_ORIGINS": f"{WEB}, http://localhost:8000", "CORS_ALLOW_CREDENTIALS": "true"},
        service_name="demo",
    )
    assert loaded.cors_allowed_origins == (WEB, "http://localhost:8000") and loaded.cors_allow_credentials
    with pytest.raises(ConfigError):
        make_app(settings.replace(cors_allowed_origins=("*",), cors_allow_credentials=True))


def test_make_run_turns_it_on_for_the_web_applications_origin(make_app, settings):
    import re
    from pathlib import Path

    run_script = (Path(__file__).resolve().parents[2] / "scripts" / "run.sh").read_text()
    origins = re.search(r"CORS_ALLOWED_ORIGINS=\$\{CORS_ALLOWED_ORIGINS:-([^}]+)\}", run_script).group(1)
    client = make_app(settings.replace(cors_allowed_origins=tuple(origins.split(",")))).test_client()
    for origin in ("http://127.0.0.1:8000", "http://localhost:8000"):
        preflight = client.options("/api/v1/demo/things", headers={**PREFLIGHT, "Origin": origin})
        assert preflight.headers["Access-Control-Allow-Origin"] == origin
