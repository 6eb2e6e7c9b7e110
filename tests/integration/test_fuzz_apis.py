"""Fuzzing every route of the five running services from their own ``/openapi.json`` (schemathesis 4).

For each route of ``access_matrix.py`` (which the access-matrix test keeps equal to the served routes),
schemathesis generates requests from the operation's schema (query, body, multipart files) and sends
each one with valid tokens of an agent, an admin, a client, an attached partner and a service. Path
parameters are the ids of a real world built through the public APIs (the access matrix's), so the
generated bodies reach the services' rules instead of stopping at a 404. Every answer must pass
schemathesis' ``CONTRACT_CHECKS`` (``platform_shared.testing.fuzz``): no 5xx, a documented status, media
type, headers and schema (problem+json for every error), 405 with ``Allow`` for an unknown method, 401
without a token or with a bad one. What is not checked, and why: ``fuzz.NOT_CHECKED``.
The live stream (``GET /me/stream``) is asked for ``max_seconds=0`` (``STREAMS``): it replays what the
caller missed and ends, instead of holding the run until the service's longest stream.

Budget: ``FUZZ_EXAMPLES`` generated examples per route (default 5, always the same ones: well under a
minute in all on two cores; set, the examples are random).
A longer run: ``FUZZ_EXAMPLES=100 .venv/bin/python -m pytest -q -p no:cacheprovider
tests/integration/test_fuzz_apis.py``.

The platform is shared by the whole run, so what the fuzzing could change for other tests is put back
after each route: the global prior-validation setting, and the notification rules and registered
contacts it created (a random rule or contact would send mail to other tests' actors).
"""

from __future__ import annotations

import os

import pytest
import schemathesis
from access_matrix import ROUTES
from hypothesis import HealthCheck, Phase, given, settings
from test_access_matrix import build_world

from platform_shared.testing.fuzz import CONTRACT_CHECKS

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "5"))
# the short CI run always draws the same examples (no flakiness); a longer run explores
DERANDOMIZE = "FUZZ_EXAMPLES" not in os.environ
FUZZ_ROLES = ("agent", "admin", "owner", "partner", "service")

# Streams stay open until ``max_seconds``: the fuzz asks each one to replay and end at once (every other
# parameter and header, Last-Event-ID included, is still generated).
STREAMS = {("notification", "GET", "/me/stream")}
# Known bugs: route key -> reason (each one reported to the lead).
KNOWN_BUGS: dict[tuple[str, str, str], str] = {}


@pytest.fixture(scope="module")
def fuzz_world(platform):
    return build_world(platform)


@pytest.fixture(scope="module")
def schemas(platform):
    return {}


def _schema(platform, schemas: dict, service: str):
    if service not in schemas:
        schemas[service] = schemathesis.openapi.from_url(platform.url(service) + "/openapi.json")
    return schemas[service]


def _rules(world) -> dict[str, bool]:
    """Every rule id -> whether it is enabled."""
    body = world.call("notification", "GET", "/rules", "admin")
    return {rule["id"]: rule.get("enabled", True) for rule in (body["items"] if isinstance(body, dict) else body)}


def _contact_ids(world) -> set[str]:
    ids, cursor = set(), None
    while True:
        params = {"registered": "true", "limit": 100, **({"cursor": cursor} if cursor else {})}
        page = world.call("notification", "GET", "/contacts", "admin", params=params)
        ids |= {contact["id"] for contact in page["items"]}
        cursor = page.get("next_cursor")
        if not cursor:
            return ids


@pytest.fixture
def put_back(request, fuzz_world):
    """Undo what a fuzzed route could change for the other tests of the run (the run is sequential)."""
    route = request.node.callspec.params["route"]
    notification = route.service == "notification"
    rules, contacts = (_rules(fuzz_world), _contact_ids(fuzz_world)) if notification else ({}, set())
    yield
    if route.key == ("attestation", "PUT", "/validation-settings"):
        fuzz_world.call(
            "attestation", "PUT", "/validation-settings", "admin", json=fuzz_world.values["validation_settings"]
        )
    if not notification:
        return
    for rule_id, enabled in _rules(fuzz_world).items():
        if rule_id not in rules:
            fuzz_world.call("notification", "DELETE", f"/rules/{rule_id}", "admin", expect=204)
        elif rules[rule_id] and not enabled:
            fuzz_world.call("notification", "POST", f"/rules/{rule_id}/enable", "admin")
    for contact_id in _contact_ids(fuzz_world) - contacts:
        fuzz_world.call("notification", "DELETE", f"/contacts/{contact_id}", "admin", expect=204)


ROUTE_PARAMS = [
    pytest.param(
        route,
        id=str(route),
        marks=[pytest.mark.xfail(strict=True, reason=KNOWN_BUGS[route.key])] if route.key in KNOWN_BUGS else [],
    )
    for route in ROUTES
]


@pytest.mark.parametrize("route", ROUTE_PARAMS)
def test_no_generated_request_gets_a_server_error_or_an_answer_outside_its_schema(
    platform, schemas, fuzz_world, put_back, route
):
    operation = _schema(platform, schemas, route.service)["/api/v1" + route.path][route.method]
    ids = {**fuzz_world.ids, "piece_code": "payslip"}

    @given(case=operation.as_strategy())
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
        derandomize=DERANDOMIZE,
        phases=[Phase.explicit, Phase.generate],
    )
    def run(case):
        for name in list(case.path_parameters or {}):
            case.path_parameters[name] = ids.get(name, case.path_parameters[name])
        if route.key in STREAMS:
            case.query = {**(case.query or {}), "max_seconds": 0}
        for role in FUZZ_ROLES:
            case.call_and_validate(headers=fuzz_world.headers[role], timeout=60, checks=CONTRACT_CHECKS)

    run()
