"""``create_app``: the documents service's wiring, nothing else."""

from __future__ import annotations

from flask import Flask

from platform_shared.config import ConfigError
from platform_shared.db import Database
from platform_shared.web import create_service_app

from . import config, handlers
from .api import documents, templates
from .clients import gateway_client
from .conversion.converters import resolve_converter_name
from .conversion.render_process import RenderLimits, TemplateRenderer
from .services.documents import CATEGORIES
from .storage import make_storage

# Multipart framing and the other form fields around the file.
FORM_OVERHEAD_BYTES = 1024 * 1024


def check_financial_categories(settings: config.DocumentsSettings) -> None:
    """A misspelt ``FINANCIAL_CATEGORIES`` would silently show invoices to participants: refuse to start."""
    unknown = sorted(set(settings.financial_categories) - set(CATEGORIES))
    if unknown:
        raise ConfigError(
            f"FINANCIAL_CATEGORIES names unknown categories: {', '.join(unknown)} (known: {', '.join(CATEGORIES)})"
        )


def create_app(settings: config.DocumentsSettings | None = None, db: Database | None = None) -> Flask:
    settings = settings or config.load()
    check_financial_categories(settings)
    db = db or Database(settings.database_url)
    app, api = create_service_app(
        settings,
        db,
        title="Documents service",
        events_received=handlers.handlers(settings),
        extra_config={"MAX_CONTENT_LENGTH": settings.max_upload_bytes + FORM_OVERHEAD_BYTES},
    )
    app.extensions["documents_storage"] = make_storage(settings)
    app.extensions["converter_name"] = resolve_converter_name(settings)
    app.extensions["template_renderer"] = TemplateRenderer(
        RenderLimits(settings.render_timeout_seconds, settings.render_memory_bytes, settings.render_output_bytes)
    )
    app.extensions["gateway_client"] = gateway_client(settings)
    api.register_blueprint(documents.blp)
    api.register_blueprint(templates.blp)
    return app
