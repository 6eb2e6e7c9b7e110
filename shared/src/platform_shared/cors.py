"""Cross-origin calls from a browser front-end on another origin (flask-cors), configured by the settings.

Off by default: with ``CORS_ALLOWED_ORIGINS`` empty no ``Access-Control-*`` header is ever sent, so browsers
refuse every cross-origin call. When it names origins, the ``/api/`` routes (and the ``/openapi.json`` and
``/asyncapi.json`` documents) answer
preflights (``OPTIONS`` with ``Access-Control-Request-Method``) for those origins only, with the methods
(``CORS_ALLOWED_METHODS``), request headers (``CORS_ALLOWED_HEADERS``), credentials
(``CORS_ALLOW_CREDENTIALS``) and cache time (``CORS_MAX_AGE_SECONDS``) configured, and expose the headers a
client reads (``X-Request-ID``, ``ETag``, ``Location``, ``Retry-After``). An origin that is not listed gets no
``Access-Control-Allow-Origin``. ``*`` allows any origin, but never together with credentials.
"""

from __future__ import annotations

from flask import Flask
from flask_cors import CORS

from .config import ConfigError, Settings

EXPOSED_HEADERS = ("X-Request-ID", "ETag", "Location", "Retry-After")


def install_cors(app: Flask, settings: Settings) -> None:
    origins = list(settings.cors_allowed_origins)
    if not origins:
        return
    if "*" in origins and settings.cors_allow_credentials:
        raise ConfigError("CORS_ALLOWED_ORIGINS=* cannot be used with CORS_ALLOW_CREDENTIALS=true: name the origins")
    CORS(
        app,
        resources={r"/api/*": {}, r"/openapi.json": {}, r"/asyncapi.json": {}},
        origins=origins,
        methods=list(settings.cors_allowed_methods),
        allow_headers=list(settings.cors_allowed_headers),
        expose_headers=list(EXPOSED_HEADERS),
        supports_credentials=settings.cors_allow_credentials,
        max_age=settings.cors_max_age_seconds,
        vary_header=True,
    )
