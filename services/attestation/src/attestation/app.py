"""``create_app``: the attestation service's wiring, nothing else."""

from __future__ import annotations

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from platform_shared.db import Database
from platform_shared.web import create_service_app

from . import config, handlers
from .api import contracts, products, requests, tasks, verification
from .clients import DocumentsGateway


def create_app(settings: config.AttestationSettings | None = None, db: Database | None = None) -> Flask:
    settings = settings or config.load()
    db = db or Database(settings.database_url)
    app, api = create_service_app(
        settings, db, title="Attestation service", events_received=handlers.handlers(settings)
    )
    if settings.trusted_proxy_hops:
        # The verification rate limit counts per client address: behind proxies, their X-Forwarded-For says it.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=settings.trusted_proxy_hops)
    app.extensions["documents_gateway"] = DocumentsGateway(settings)
    for module in (products, contracts, requests, tasks, verification):
        api.register_blueprint(module.blp)
    app.register_blueprint(verification.page)
    return app
