"""``create_app``: the notification service's wiring, nothing else."""

from __future__ import annotations

from flask import Flask

from platform_shared.db import Database
from platform_shared.web import create_service_app

from . import config, handlers
from .api import contacts, deliveries, notifications, rules, stream


def create_app(settings: config.NotificationSettings | None = None, db: Database | None = None) -> Flask:
    settings = settings or config.load()
    db = db or Database(settings.database_url)
    app, api = create_service_app(
        settings, db, title="Notification service", events_received=handlers.handlers(settings)
    )
    for module in (rules, contacts, notifications, deliveries, stream):
        api.register_blueprint(module.blp)
    stream.install_slots(app, settings)
    return app
