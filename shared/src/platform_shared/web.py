"""The Flask app every service is built on: API docs, errors, auth, request ids, health, metrics."""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Iterable

from flask import Flask, Response, g, jsonify, request
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest

from .config import Settings
from .cors import install_cors
from .db import Database
from .docs import docs_config, install_asyncapi, install_docs_assets
from .errors import register_error_handlers
from .jwks import token_verifier_for
from .logs import configure_logging, correlation_id_var
from .openapi import PlatformApi
from .request_guard import install_request_guard
from .text_guard import install_nul_guard

log = logging.getLogger(__name__)
REQUEST_ID_HEADER = "X-Request-ID"


def _openapi_config(title: str, version: str) -> dict:
    return {
        "API_TITLE": title,
        "API_VERSION": version,
        "OPENAPI_VERSION": "3.0.3",
        "OPENAPI_URL_PREFIX": "/",
        "OPENAPI_JSON_PATH": "openapi.json",
        **docs_config(),
        "API_SPEC_OPTIONS": {
            "components": {
                "securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}}
            },
            "security": [{"bearerAuth": []}],
        },
    }


def _install_request_context(app: Flask, service_name: str) -> None:
    access_log = logging.getLogger(f"{service_name}.access")
    metric_children: dict[tuple, tuple] = {}

    @app.before_request
    def _start_request():
        incoming = request.headers.get(REQUEST_ID_HEADER, "")
        request_id = incoming if 0 < len(incoming) <= 128 and incoming.isprintable() else str(uuid.uuid4())
        g.request_id = request_id
        g.correlation_token = correlation_id_var.set(request_id)
        g.started = time.perf_counter()

    @app.after_request
    def _finish_request(response: Response):
        response.headers[REQUEST_ID_HEADER] = g.get("request_id", "")
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        elapsed = time.perf_counter() - g.get("started", time.perf_counter())
        route = request.url_rule.rule if request.url_rule else "unmatched"
        key = (request.method, route, response.status_code)
        children = metric_children.get(key)
        if children is None:  # each label set looked up once (``labels()`` locks and builds a tuple each call)
            metrics = app.extensions["http_metrics"]
            labels = (key[0], route, str(key[2]))
            children = metric_children[key] = (metrics["requests"].labels(*labels), metrics["latency"].labels(*labels))
        children[0].inc()
        children[1].observe(elapsed)
        if route not in ("/healthz", "/metrics"):
            access_log.info(
                "%s %s %s",
                request.method,
                request.path,
                response.status_code,
                extra={"status": response.status_code, "duration_ms": round(elapsed * 1000, 2)},
            )
        return response

    @app.teardown_request
    def _reset_correlation(_error):
        token = g.pop("correlation_token", None)
        if token is not None:
            correlation_id_var.reset(token)


def _install_metrics(app: Flask) -> None:
    registry = CollectorRegistry()
    app.extensions["metrics_registry"] = registry
    app.extensions["http_metrics"] = {
        "requests": Counter(
            "http_requests_total", "HTTP requests served", ["method", "route", "status"], registry=registry
        ),
        "latency": Histogram(
            "http_request_duration_seconds", "HTTP request latency", ["method", "route", "status"], registry=registry
        ),
    }

    @app.get("/metrics")
    def metrics():
        return Response(generate_latest(registry), mimetype=CONTENT_TYPE_LATEST)


def _install_health(app: Flask, settings: Settings, db: Database) -> None:
    @app.get("/healthz")
    def healthz():
        return jsonify(status="ok", service=settings.service_name)

    @app.get("/readyz")
    def readyz():
        # Ready when it can serve: its database answers. The broker is not needed (the outbox keeps the
        # events until the worker's relay publishes them), so a broker outage takes no API out of service.
        checks = {}
        try:
            db.ping()
            checks["database"] = "ok"
        except Exception as error:
            checks["database"] = f"unreachable: {type(error).__name__}"
        ready = all(value == "ok" for value in checks.values())
        return jsonify(status="ready" if ready else "not ready", checks=checks), (200 if ready else 503)


def create_service_app(
    settings: Settings,
    db: Database,
    *,
    title: str,
    version: str = "1.0.0",
    configure_logs: bool = True,
    extra_config: dict | None = None,
    events_received: Iterable[str] = (),
) -> tuple[Flask, PlatformApi]:
    """A Flask app with everything the five services share; the service registers its blueprints on ``api``.

    ``events_received``: the event types its worker handles, for ``/asyncapi.json`` (what it sends is known)."""
    if configure_logs:
        configure_logging(settings.service_name, settings.log_level, settings.log_json)
    app = Flask(settings.service_name)
    app.config.update(_openapi_config(title, version))
    app.config["SETTINGS"] = settings
    app.config.update(extra_config or {})
    app.extensions["db"] = db
    app.extensions["token_verifier"] = token_verifier_for(settings)
    api = PlatformApi(app)
    register_error_handlers(app)  # after Api(): ours replace flask-smorest's JSON error handler
    install_request_guard(app, settings)  # before the NUL guard: it bounds what that guard walks
    install_nul_guard(app)
    _install_metrics(app)
    _install_request_context(app, settings.service_name)
    _install_health(app, settings, db)
    install_docs_assets(app, settings)
    install_asyncapi(app, settings, events_received, title)
    install_cors(app, settings)
    return app, api


def app_db(app: Flask | None = None) -> Database:
    from flask import current_app

    return (app or current_app).extensions["db"]


def app_settings(app: Flask | None = None) -> Settings:
    from flask import current_app

    return (app or current_app).config["SETTINGS"]
