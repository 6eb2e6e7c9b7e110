"""API docs that work offline: Swagger UI and ReDoc served by the service itself from pinned packages.

- ``/docs``: Swagger UI, its assets from ``swagger-ui-py`` (``swagger_ui/static``) under ``/docs/assets/swagger-ui/``;
- ``/redoc``: ReDoc, ``redoc.standalone.js`` from ``flask-openapi3-redoc`` under ``/docs/assets/redoc/``;
- ``/docs/services``: the index of the five services' docs and specs (each service's URL from the settings);
- ``/asyncapi.json``: the AsyncAPI document of the events the service sends and receives (``events.asyncapi``).

The packages are only read from disk (``importlib.util.find_spec`` locates them without importing them). Asset
URLs are relative to the page, so the pages work as well behind the proxy's ``/api/<service>/`` prefix.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Iterable
from pathlib import Path

from flask import Blueprint, Flask, abort, jsonify, render_template_string, send_from_directory

from .config import Settings

SWAGGER_UI_URL = "docs/assets/swagger-ui/"
REDOC_URL = "docs/assets/redoc/redoc.standalone.js"
SERVICES = ("dossier", "partner_gateway", "attestation", "notification", "documents")

INDEX = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>API documentation</title>
<style>body{font-family:sans-serif;margin:2rem;max-width:48rem}td,th{padding:.3rem 1rem;text-align:left}</style>
</head><body><h1>API documentation</h1>
<p>Each service publishes its OpenAPI; errors are <code>application/problem+json</code>. Its AsyncAPI lists the
events it sends and receives.</p>
<table><tr><th>service</th><th>Swagger UI</th><th>ReDoc</th><th>OpenAPI</th><th>AsyncAPI</th></tr>
{% for name, url in services %}<tr><td>{{ name }}</td><td><a href="{{ url }}/docs">docs</a></td>
<td><a href="{{ url }}/redoc">redoc</a></td><td><a href="{{ url }}/openapi.json">openapi.json</a></td>
<td><a href="{{ url }}/asyncapi.json">asyncapi.json</a></td></tr>
{% endfor %}</table></body></html>"""


def _package_dir(package: str) -> Path:
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError(f"the package {package} (API docs assets) is not installed")
    return Path(next(iter(spec.submodule_search_locations)))


def swagger_ui_dir() -> Path:
    return _package_dir("swagger_ui") / "static"


def redoc_dir() -> Path:
    return _package_dir("flask_openapi3_redoc") / "templates" / "redoc" / "js"


def docs_config() -> dict:
    """flask-smorest's settings for the two pages, pointing at the local assets."""
    return {
        "OPENAPI_SWAGGER_UI_PATH": "docs",
        "OPENAPI_SWAGGER_UI_URL": SWAGGER_UI_URL,
        "OPENAPI_REDOC_PATH": "redoc",
        "OPENAPI_REDOC_URL": REDOC_URL,
    }


def install_asyncapi(app: Flask, settings: Settings, events_received: Iterable[str], title: str) -> None:
    """``GET /asyncapi.json``: public, like ``/openapi.json``; made once, at start."""
    from .events.asyncapi import asyncapi_document

    document = asyncapi_document(settings.service_name, receives=events_received, title=f"{title}: events")

    @app.get("/asyncapi.json")
    def asyncapi_json():
        return jsonify(document)


def install_docs_assets(app: Flask, settings: Settings) -> None:
    swagger, redoc = swagger_ui_dir(), redoc_dir()
    blueprint = Blueprint("platform_docs", __name__)

    @blueprint.get("/docs/assets/swagger-ui/<path:name>")
    def swagger_asset(name: str):
        if name.endswith(".map"):
            abort(404)
        return send_from_directory(swagger, name, max_age=86400)

    @blueprint.get("/docs/assets/redoc/<path:name>")
    def redoc_asset(name: str):
        return send_from_directory(redoc, name, max_age=86400)

    @blueprint.get("/docs/services")
    def services_index():
        services = [(name.replace("_", "-"), getattr(settings, f"{name}_url").rstrip("/")) for name in SERVICES]
        return render_template_string(INDEX, services=services)

    app.register_blueprint(blueprint)
