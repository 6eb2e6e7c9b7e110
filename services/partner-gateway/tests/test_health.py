def test_healthz_answers_without_a_token(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json()["service"] == "partner-gateway"


def test_readyz_reports_an_unreachable_broker_as_not_ready(client):
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.get_json()["checks"] == {"database": "ok", "broker": "unreachable: AMQPConnectionError"}


def test_openapi_is_served(client):
    assert client.get("/openapi.json").get_json()["info"]["title"]


def test_an_unknown_path_is_a_problem_json_404(client):
    response = client.get("/api/v1/nothing-here")
    assert response.status_code == 404
    assert response.mimetype == "application/problem+json"


def test_every_operation_is_documented_with_a_summary(client):
    spec = client.get("/openapi.json").get_json()
    operations = [(method, path, operation) for path, item in spec["paths"].items()
                  for method, operation in item.items() if method in ("get", "post", "patch", "put", "delete")]
    assert len(operations) >= 25
    assert [(method, path) for method, path, operation in operations if not operation.get("summary")] == []
