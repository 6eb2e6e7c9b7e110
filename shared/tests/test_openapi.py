"""The OpenAPI of every service (``platform_shared.openapi``) and its docs pages served offline (``docs``)."""

from __future__ import annotations

import re

import pytest
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields

from platform_shared.auth import require_roles
from platform_shared.openapi import problems
from platform_shared.testing.unit import bearer
from platform_shared.web import create_service_app


class ReportSchema(Schema):
    """A report someone wrote."""

    title = fields.String(required=True)
    dossier_id = fields.String()


class ReportArgsSchema(Schema):
    limit = fields.Integer()


def _blueprint():
    blp = Blueprint("reports", __name__, url_prefix="/api/v1/reports")

    @blp.route("")
    class Reports(MethodView):
        @require_roles("agent")
        @blp.arguments(ReportSchema)
        @blp.response(201, ReportSchema)
        def post(self, body):
            """Write a report (agents only). It is kept forever, whatever happens
            to the dossier it is about; the rest of this sentence is long."""
            return body

        @require_roles("agent", "admin", "client", "partner", "service")
        @blp.arguments(ReportArgsSchema, location="query")
        @blp.response(200, ReportSchema(many=True))
        def get(self, args):
            """List reports."""
            return []

    @blp.route("/<report_id>")
    class ReportById(MethodView):
        @problems(409)
        @require_roles("agent")
        @blp.response(200, ReportSchema)
        def get(self, report_id):
            """Read a report."""
            return {"title": "x"}

    @blp.route("/public/<code>")
    class PublicReport(MethodView):
        @blp.response(200, ReportSchema)
        @blp.alt_response(429, description="Too many reads.")
        def get(self, code):
            """Read a public report."""
            return {"title": code}

    return blp


@pytest.fixture
def client(settings, db):
    app, api = create_service_app(settings, db, title="Reports", configure_logs=False)
    api.register_blueprint(_blueprint())
    return app.test_client()


@pytest.fixture
def spec(client):
    return client.get("/openapi.json").get_json()


def test_errors_are_problems_under_their_real_media_type_with_no_catch_all(spec):
    problem = spec["components"]["schemas"]["Problem"]
    assert {"type", "title", "status", "detail", "instance", "errors"} <= set(problem["properties"])
    assert set(problem["required"]) == {"type", "title", "status", "detail"}
    for path, operations in spec["paths"].items():
        for method, operation in _operations(operations):
            assert "default" not in operation["responses"], (method, path)
            for status, response in operation["responses"].items():
                if status.startswith(("4", "5")):
                    ref = response.get("$ref")
                    response = spec["components"]["responses"][ref.rsplit("/", 1)[-1]] if ref else response
                    assert list(response["content"]) == ["application/problem+json"], (method, path, status)
                    content = response["content"]["application/problem+json"]
                    assert content["schema"] == {"$ref": "#/components/schemas/Problem"}
                    assert content["example"]["status"] == int(status)


def _operations(path_item: dict):
    return [(method, operation) for method, operation in path_item.items() if method != "parameters"]


def _statuses(spec, path, method):
    return {int(status) for status in spec["paths"][path][method]["responses"]}


def test_each_operation_lists_the_statuses_it_can_answer(spec):
    # an agent-only write with a JSON body naming a dossier by its id
    assert _statuses(spec, "/api/v1/reports", "post") == {201, 400, 401, 403, 404, 409, 413, 422}
    # every role may list: no 403; query arguments: 422
    assert _statuses(spec, "/api/v1/reports", "get") == {200, 401, 422}
    # a path parameter: 404; a status named by the route: 409
    assert _statuses(spec, "/api/v1/reports/{report_id}", "get") == {200, 401, 403, 404, 409}
    # public: no token, so no 401/403 and no security requirement; its own 429 gets Retry-After
    public = spec["paths"]["/api/v1/reports/public/{code}"]["get"]
    assert {int(status) for status in public["responses"]} == {200, 404, 429}
    assert public["security"] == []
    assert "Retry-After" in public["responses"]["429"]["headers"]
    assert public["responses"]["429"]["description"] == "Too many reads."
    assert "application/problem+json" in public["responses"]["429"]["content"]


def test_every_operation_has_an_id_a_one_line_summary_and_a_description(spec):
    ids = []
    for operations in spec["paths"].values():
        for _method, operation in _operations(operations):
            ids.append(operation["operationId"])
            assert "\n" not in operation["summary"] and len(operation["summary"]) <= 90
            assert operation["description"].startswith(operation["summary"])
    assert len(ids) == len(set(ids))
    post = spec["paths"]["/api/v1/reports"]["post"]
    assert post["operationId"] == "post_reports"
    assert post["summary"] == "Write a report"
    assert "kept forever" in post["description"] and "Roles allowed: admin, agent." in post["description"]
    assert spec["paths"]["/api/v1/reports/{report_id}"]["get"]["operationId"] == "get_report_by_id"


def test_schemas_are_described_by_their_docstring(spec):
    assert spec["components"]["schemas"]["Report"]["description"] == "A report someone wrote."


def test_a_documented_error_is_what_the_service_sends(client, settings, spec):
    response = client.post("/api/v1/reports", json={}, headers=bearer(settings, "agent"))
    assert response.status_code == 422 and response.mimetype == "application/problem+json"
    assert set(spec["components"]["schemas"]["Problem"]["required"]) <= set(response.get_json())
    assert response.get_json()["errors"] == {"title": ["Missing data for required field."]}
    response = client.post("/api/v1/reports", json={"title": "x"}, headers=bearer(settings, "client"))
    assert response.status_code == 403 and response.mimetype == "application/problem+json"
    response = client.post("/api/v1/reports", json={"title": "x"})
    assert response.status_code == 401 and response.mimetype == "application/problem+json"


def test_swagger_ui_and_redoc_load_only_assets_the_service_serves(client):
    for page in ("/docs", "/redoc"):
        html = client.get(page).get_data(as_text=True)
        sources = re.findall(r'(?:src|href)="([^"]+)"', html)
        assert sources, page
        assert not [source for source in sources if source.startswith(("http:", "https:", "//"))], sources
        for source in sources:
            if source.startswith("docs/assets/"):
                asset = client.get("/" + source)
                assert asset.status_code == 200 and len(asset.data) > 1000, source
    assert client.get("/docs/assets/swagger-ui/swagger-ui-bundle.js").status_code == 200
    assert client.get("/docs/assets/swagger-ui/../../../etc/passwd").status_code == 404


def test_the_docs_index_links_the_five_services_docs_and_specs(client, settings):
    html = client.get("/docs/services").get_data(as_text=True)
    for url in (settings.dossier_url, settings.partner_gateway_url, settings.documents_url):
        for page in ("/docs", "/redoc", "/openapi.json", "/asyncapi.json"):
            assert f'href="{url}{page}"' in html
