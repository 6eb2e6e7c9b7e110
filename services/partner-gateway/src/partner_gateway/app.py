"""``create_app``: the partner-gateway service's wiring, nothing else."""

from __future__ import annotations

from flask import Flask

from platform_shared.db import Database
from platform_shared.web import create_service_app

from . import config, handlers
from .api import access, contributors, filings, partner_side, partners, solicitations
from .clients import Upstreams


def create_app(settings: config.PartnerGatewaySettings | None = None, db: Database | None = None) -> Flask:
    settings = settings or config.load()
    db = db or Database(settings.database_url)
    app, api = create_service_app(
        settings, db, title="Partner gateway service", events_received=handlers.handlers(settings)
    )
    app.extensions["upstreams"] = Upstreams(settings)
    for module in (partners, solicitations, partner_side, contributors, access, filings):
        api.register_blueprint(module.blp)
    return app
