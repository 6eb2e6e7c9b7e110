"""``create_app``: the dossier service's wiring, nothing else."""

from __future__ import annotations

from flask import Flask

from platform_shared.db import Database
from platform_shared.web import create_service_app

from . import config, handlers
from .api import calendar as calendar_api
from .api import classification, dossiers, models, notes, partner, people, requests
from .api import expenses as expenses_api
from .api import finance as finance_api
from .clients import DocumentsGateway


def create_app(settings: config.DossierSettings | None = None, db: Database | None = None) -> Flask:
    settings = settings or config.load()
    db = db or Database(settings.database_url)
    app, api = create_service_app(settings, db, title="Dossier service", events_received=handlers.handlers(settings))
    for module in (models, dossiers, notes, partner, requests, classification, people):
        api.register_blueprint(module.blp)
    for module in (finance_api, calendar_api, expenses_api):  # the dossier workspace
        api.register_blueprint(module.blp)
    app.extensions["documents_gateway"] = DocumentsGateway(settings)
    return app
