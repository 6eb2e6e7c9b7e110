"""``/openapi.json`` documents every route of the service with its schemas."""

import re


def test_every_api_route_is_documented_with_its_body_and_response_schemas(app, client):
    spec = client.get("/openapi.json").get_json()
    documented = {
        (re.sub(r"\{(\w+)\}", r"<\1>", path), method.upper())
        for path, operations in spec["paths"].items()
        for method in operations
        if method != "parameters"
    }
    routed = {
        (rule.rule, method)
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/api/v1")
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    assert routed == documented
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            if method == "parameters":
                continue
            assert operation.get("summary"), (method, path)
            success = next(code for code in operation["responses"] if code.startswith("2"))
            content = operation["responses"][success]["content"]
            if path.endswith(".ics"):  # iCalendar files (RFC 5545), documented as such
                assert list(content) == ["text/calendar"], (method, path)
                continue
            assert "schema" in content["application/json"], (method, path)
            if method in ("post", "put", "patch") and not path.endswith("/close"):
                assert "requestBody" in operation, (method, path)


def test_the_openapi_document_generates_without_schema_name_clashes(client, recwarn):
    client.get("/openapi.json")
    assert not [warning for warning in recwarn if "Multiple schemas resolved" in str(warning.message)]


def test_the_create_operation_shows_a_request_example_and_every_error_an_example_problem(client):
    spec = client.get("/openapi.json").get_json()
    create = spec["paths"]["/api/v1/dossiers"]["post"]
    example = create["requestBody"]["content"]["application/json"]["example"]
    assert {"model_id", "title", "fields"} <= set(example)
    assert create["operationId"] == "post_dossiers" and create["summary"] == "Create a dossier"
    for status in ("401", "403", "404", "422"):
        response = create["responses"][status]
        ref = response.get("$ref")
        response = spec["components"]["responses"][ref.rsplit("/", 1)[-1]] if ref else response
        assert response["content"]["application/problem+json"]["example"]["status"] == int(status)
