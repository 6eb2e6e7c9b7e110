"""The app's one documents-service gateway (tests may put their own in ``app.extensions``)."""

from __future__ import annotations

from flask import current_app

from ..documents_gateway import DocumentsGateway


def documents_gateway() -> DocumentsGateway:
    return current_app.extensions["documents_gateway"]
