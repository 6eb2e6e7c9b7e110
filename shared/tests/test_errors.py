import logging


def test_an_unknown_path_is_a_problem_json_404(client):
    response = client.get("/api/v1/nowhere")
    assert response.status_code == 404
    assert response.mimetype == "application/problem+json"
    body = response.get_json()
    assert {"type", "title", "status", "detail"} <= body.keys()


def test_a_wrong_method_is_a_problem_json_405_with_allow(client):
    response = client.delete("/api/v1/demo/agents-only")
    assert response.status_code == 405
    assert response.mimetype == "application/problem+json"
    assert "GET" in response.headers["Allow"]


def test_an_invalid_body_is_422_with_per_field_errors(client, settings):
    from platform_shared.testing.unit import bearer

    response = client.post("/api/v1/demo/things", json={"name": "x", "size": "big"}, headers=bearer(settings, "agent"))
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    assert list(response.get_json()["errors"]) == ["size"]


def test_a_body_that_is_not_json_is_a_problem_not_a_500(client, settings):
    from platform_shared.testing.unit import bearer

    response = client.post(
        "/api/v1/demo/things", data="{not json", content_type="application/json", headers=bearer(settings, "agent")
    )
    assert response.status_code in (400, 422)
    assert response.mimetype == "application/problem+json"


def test_an_unexpected_error_is_a_500_problem_without_internals_and_is_logged(client, caplog):
    with caplog.at_level(logging.ERROR):
        response = client.get("/api/v1/demo/boom")
    assert response.status_code == 500
    assert response.mimetype == "application/problem+json"
    text = response.get_data(as_text=True)
    assert "Traceback" not in text and "/etc/passwd" not in text
    assert any("unhandled error" in record.getMessage() for record in caplog.records)


def test_every_response_carries_a_request_id_and_nosniff(client):
    response = client.get("/healthz", headers={"X-Request-ID": "abc-123"})
    assert response.headers["X-Request-ID"] == "abc-123"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert client.get("/healthz").headers["X-Request-ID"]


def test_openapi_and_docs_are_served(client):
    spec = client.get("/openapi.json").get_json()
    assert spec["openapi"].startswith("3.")
    assert "/api/v1/demo/things" in spec["paths"]
    assert client.get("/docs").status_code == 200


def test_a_nul_character_in_a_body_is_a_422_in_every_service(client, settings):
    from platform_shared.testing.unit import bearer

    response = client.post("/api/v1/demo/things", json={"name": "a\x00b", "size": 1}, headers=bearer(settings, "agent"))
    assert response.status_code == 422
    assert response.get_json()["errors"] == {"body": ["must not contain NUL characters"]}
