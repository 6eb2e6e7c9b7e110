"""What every service's app answers the same way: health, readiness, OpenAPI, AsyncAPI and unknown paths.

A service's ``tests/test_health.py`` subclasses ``ServiceContract``; the tests use the shared ``client`` and
``service_under_test`` fixtures (``service_fixtures``), whose broker is unreachable on purpose.
"""

from __future__ import annotations

import re
import subprocess
import sys

from ..auth import mint_token
from ..events import EVENTS, published_by

METHODS = ("get", "post", "put", "patch", "delete")


class ServiceContract:
    """Subclass it as ``TestServiceContract`` in a service's tests to run these against its app."""

    def test_healthz_answers_without_a_token(self, client, service_under_test):
        response = client.get("/healthz")
        assert response.status_code == 200
        assert response.get_json()["service"] == service_under_test.name

    def test_readyz_is_ready_without_the_broker_the_outbox_absorbs_its_outage(self, client):
        response = client.get("/readyz")  # the fixtures' broker is unreachable
        assert response.status_code == 200
        assert response.get_json() == {"status": "ready", "checks": {"database": "ok"}}

    def test_readyz_is_not_ready_without_the_database(self, app, client, monkeypatch):
        def unreachable():
            raise ConnectionRefusedError("the database is down")

        monkeypatch.setattr(app.extensions["db"], "ping", unreachable)
        response = client.get("/readyz")
        assert response.status_code == 503
        assert response.get_json()["checks"]["database"].startswith("unreachable")

    def test_a_token_with_an_empty_subject_is_refused_with_401(self, client, settings):
        spec = client.get("/openapi.json").get_json()
        path = next(path for path, item in sorted(spec["paths"].items()) if "get" in item and "{" not in path)
        for sub, refused in (("", True), (" ", True), ("someone", False)):
            token = mint_token(settings, sub=sub, role="admin", ttl_seconds=10**9)  # some suites freeze the clock
            response = client.get(path, headers={"Authorization": f"Bearer {token}"})
            assert (response.status_code == 401) is refused, (path, sub, response.status_code)

    def test_every_json_route_refuses_deep_nesting_lone_surrogates_and_oversized_bodies(self, client, settings):
        spec = client.get("/openapi.json").get_json()
        routes = [
            (method, re.sub(r"\{[^}]+\}", "x", path))
            for path, item in spec["paths"].items()
            for method, operation in item.items()
            if method in METHODS and "application/json" in operation.get("requestBody", {}).get("content", {})
        ]
        headers = {
            "Authorization": f"Bearer {mint_token(settings, sub='admin-ada', role='admin', ttl_seconds=10**9)}",
            "Content-Type": "application/json",
        }
        bodies = {
            422: ('{"a": ' + "[" * 1000 + "]" * 1000 + "}", '{"title": "\\ud800"}'),
            413: ('{"a": "' + "x" * settings.max_json_body_bytes + '"}',),
        }
        assert routes
        for method, path in routes:
            for status, samples in bodies.items():
                for body in samples:
                    response = getattr(client, method)(path, data=body, headers=headers)
                    assert response.status_code == status, (method, path, body[:20], response.status_code)
                    assert response.mimetype == "application/problem+json"

    def test_every_operation_is_documented_with_a_summary(self, client):
        spec = client.get("/openapi.json").get_json()
        operations = [
            (method, path, operation)
            for path, item in spec["paths"].items()
            for method, operation in item.items()
            if method in METHODS
        ]
        assert spec["info"]["title"] and operations
        assert [(method, path) for method, path, operation in operations if not operation.get("summary")] == []

    def test_an_unknown_path_is_a_problem_json_404(self, client):
        response = client.get("/api/v1/nothing-here")
        assert response.status_code == 404
        assert response.mimetype == "application/problem+json"

    def test_its_worker_does_not_load_flask(self, service_under_test):
        """The worker records and handles events with the same modules as the API, but serves no request: Flask
        and werkzeug stay out of its memory (issue 18; their imports live in the functions serving a request)."""
        package = service_under_test.handlers.__module__.split(".")[0]
        probe = (
            "import importlib, importlib.util, sys\n"
            f"for name in ('{package}.cli', '{package}.handlers', '{package}.jobs'):\n"
            "    if importlib.util.find_spec(name):\n"
            "        importlib.import_module(name)\n"
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('flask', 'werkzeug')))\n"
        )
        result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120)
        assert result.returncode == 0, result.stderr
        assert result.stdout.strip() == "[]"

    def test_every_event_type_its_worker_handles_has_a_schema(self, service_under_test, settings):
        handled = set(service_under_test.handlers(settings))
        assert handled and sorted(handled - set(EVENTS)) == []

    def test_asyncapi_lists_the_events_it_sends_and_those_its_worker_handles(
        self, client, service_under_test, settings
    ):
        response = client.get("/asyncapi.json")  # public, like /openapi.json
        assert response.status_code == 200 and response.mimetype == "application/json"
        document = response.get_json()
        assert document["asyncapi"].startswith("3.")

        def addresses(action: str) -> set[str]:
            return {
                document["channels"][operation["channel"]["$ref"].rsplit("/", 1)[1]]["address"]
                for operation in document["operations"].values()
                if operation["action"] == action
            }

        assert addresses("send") == set(published_by(service_under_test.name))
        assert addresses("receive") == set(service_under_test.handlers(settings))
        for message in document["components"]["messages"].values():
            data_ref = message["payload"]["allOf"][1]["properties"]["data"]["$ref"]
            assert data_ref.rsplit("/", 1)[1] in document["components"]["schemas"], message["name"]
