"""JSON bodies bounded before any route parses them (platform_shared.request_guard)."""

import io
import json

import pytest

from platform_shared.testing.unit import bearer

ROUTE = "/api/v1/demo/things"


def _post(client, settings, body: str, **headers):
    return client.post(
        ROUTE,
        data=body,
        headers={**bearer(settings, "agent"), "Content-Type": "application/json", **headers},
    )


def _assert_problem(response, status: int):
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/problem+json"
    return response.get_json()


@pytest.mark.parametrize("depth", [33, 1000, 100_000])
def test_a_body_nested_deeper_than_the_limit_is_a_422(client, settings, depth):
    body = '{"name": "x", "size": 1, "extra": ' + "[" * depth + "]" * depth + "}"
    problem = _assert_problem(_post(client, settings, body), 422)
    assert problem["errors"] == {"body": ["is nested deeper than 32 levels"]}


def test_a_body_within_the_depth_limit_reaches_the_route(client, settings):
    assert _post(client, settings, json.dumps({"name": "x", "size": 1})).status_code == 201


@pytest.mark.parametrize(
    "body,field",
    [
        ('{"name": "\\ud800", "size": 1}', "name"),
        ('{"name": "ok", "size": 1, "tags": [{"label": "a\\udfffb"}]}', "tags.0.label"),
        ('{"\\ud800": 1}', "body"),
    ],
)
def test_a_lone_surrogate_is_a_422_naming_its_field(client, settings, body, field):
    problem = _assert_problem(_post(client, settings, body), 422)
    assert list(problem["errors"]) == [field]


def test_a_json_body_over_the_limit_is_a_413_before_it_is_read(make_app, settings):
    client = make_app(settings.replace(max_json_body_bytes=1000)).test_client()
    body = json.dumps({"name": "x" * 2000, "size": 1})
    problem = _assert_problem(_post(client, settings, body), 413)
    assert "1000 bytes" in problem["detail"]


def test_a_json_body_without_a_length_stops_at_the_limit(make_app, settings):
    client = make_app(settings.replace(max_json_body_bytes=1000)).test_client()
    body = json.dumps({"name": "x" * 2000, "size": 1}).encode()
    response = client.post(
        ROUTE,
        input_stream=io.BytesIO(body),
        headers={**bearer(settings, "agent"), "Content-Type": "application/json", "Transfer-Encoding": "chunked"},
        environ_overrides={"wsgi.input_terminated": True},  # what gunicorn sets for a chunked body
    )
    _assert_problem(response, 413)


def test_other_bodies_keep_the_limits_of_their_routes(make_app, settings):
    client = make_app(settings.replace(max_json_body_bytes=1000)).test_client()
    response = client.post(ROUTE, data="x" * 5000, headers={**bearer(settings, "agent"), "Content-Type": "text/csv"})
    assert response.status_code != 413
