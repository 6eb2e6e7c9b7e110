"""``create_app``: the wiring of the web application (settings, sessions, CSRF, languages, blueprints)."""

from __future__ import annotations

import logging
import time
import uuid
from datetime import timedelta

from flask import Flask, g, redirect, request, url_for
from flask_babel import Babel
from flask_wtf.csrf import CSRFProtect

from . import assets, errors, i18n, templating
from .clients import Api, Transport
from .config import WebSettings, load
from .identity import current_person

log = logging.getLogger("web")

# Every script and style is a file of the application itself (no inline code): the policy can stay strict.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; font-src 'self'; "
    "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'self'; object-src 'none'"
)


def create_app(settings: WebSettings | None = None, test_config: dict | None = None) -> Flask:
    settings = settings or load()
    app = Flask(__name__)
    app.config.update(
        SECRET_KEY=settings.web_secret_key,
        SESSION_COOKIE_NAME="platform_session",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings.web_base_url.startswith("https://"),
        PERMANENT_SESSION_LIFETIME=timedelta(hours=12),
        WTF_CSRF_TIME_LIMIT=None,  # the token lives as long as the session it is bound to
        MAX_CONTENT_LENGTH=25 * 1024 * 1024,  # above the documents service's limit: it says "too large" itself
        BABEL_DEFAULT_LOCALE=settings.web_default_locale,
        BABEL_DEFAULT_TIMEZONE=settings.web_timezone,
        BABEL_TRANSLATION_DIRECTORIES="translations",
        WEB_ASSETS_DIR=settings.web_assets_dir,
        TEMPLATES_AUTO_RELOAD=not settings.is_production,  # edits show at once under `make run`
    )
    app.config.update(test_config or {})
    app.extensions["web.settings"] = settings
    app.extensions["web.transport"] = Transport(
        {
            "dossier": settings.dossier_url,
            "partner-gateway": settings.partner_gateway_url,
            "attestation": settings.attestation_url,
            "notification": settings.notification_url,
            "documents": settings.documents_url,
        },
        timeout=settings.http_timeout_seconds,
        workers=settings.web_api_workers,
    )
    missing = assets.missing_vendor_files(settings.web_assets_dir)
    if missing:
        log.warning("browser assets missing (run `npm ci` in web/): %s", ", ".join(missing))

    CSRFProtect(app)
    Babel(app, locale_selector=i18n.select_locale)
    templating.register(app)
    errors.register(app)
    _register_request_hooks(app)
    _register_blueprints(app, settings)
    return app


def _register_blueprints(app: Flask, settings: WebSettings) -> None:
    from .auth import bp as auth_bp
    from .auth import oidc
    from .crm import bp as crm_bp
    from .portal import bp as portal_bp
    from .staff import bp as staff_bp

    app.register_blueprint(assets.bp)
    app.register_blueprint(auth_bp)
    if settings.oidc_enabled:
        oidc.init_app(app, settings)
    app.register_blueprint(portal_bp, url_prefix="/portal")
    app.register_blueprint(staff_bp, url_prefix="/crm")
    app.register_blueprint(crm_bp, url_prefix="/crm")

    @app.get("/")
    def home():
        person = current_person()
        if person is None:
            return redirect(url_for("auth.sign_in"))
        return redirect(url_for("staff.home" if person.is_staff else "portal.home"))

    @app.get("/healthz")
    def healthz():
        return {"status": "ok"}


def _register_request_hooks(app: Flask) -> None:
    @app.before_request
    def open_api():
        g.started = time.perf_counter()
        g.request_id = request.headers.get("X-Request-ID") or str(uuid.uuid4())
        person = current_person()
        g.person = person
        g.api = Api(app.extensions["web.transport"], person.token if person else None, g.request_id)

    @app.after_request
    def headers(response):
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers["X-Request-ID"] = g.get("request_id", "")
        if "api" in g and "started" in g:
            detailed = not app.extensions["web.settings"].is_production  # call paths stay out of production
            response.headers["Server-Timing"] = server_timing(g.started, g.api, detailed)
        if request.endpoint != "assets.vendor":
            response.headers.setdefault("Cache-Control", "no-store")  # pages carry personal data
        return response


def server_timing(started: float, api: Api, detailed: bool) -> str:
    """``Server-Timing`` (W3C): the page's time, the APIs' summed time and each call (read by web/perf)."""
    total = (time.perf_counter() - started) * 1000
    parts = [f"total;dur={total:.1f}", f'api;dur={api.log.total_milliseconds():.1f};desc="{len(api.log.calls)} calls"']
    for index, call in enumerate(api.log.calls if detailed else ()):
        parts.append(f'c{index};dur={call.milliseconds:.1f};desc="{call.method} {call.service} {call.path}"')
    return ", ".join(parts)
