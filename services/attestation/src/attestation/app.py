"""``create_app``: the attestation service's wiring, nothing else."""

from __future__ import annotations

from flask import Flask

from platform_shared.db import Database
from platform_shared.web import create_service_app

from . import config
from .api import contracts, products, requests, tasks
from .clients import DocumentsGateway


def create_app(settings: config.AttestationSettings | None = None, db: Database | None = None) -> Flask:
    settings = settings or config.load()
    db = db or Database(settings.database_url)
    app, api = create_service_app(settings, db, title="Attestation service")
    app.extensions["documents_gateway"] = DocumentsGateway(settings)
    for module in (products, contracts, requests, tasks):
        api.register_blueprint(module.blp)
    return app
