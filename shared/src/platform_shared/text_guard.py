"""Refusing NUL characters in a request's path, query and JSON body with a 422.

PostgreSQL text cannot hold U+0000 (SQLite can): without this guard such input reaches the
database and fails as a 500 in production while every SQLite test passes.
Every service gets it from ``web.create_service_app``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from flask import Flask

from .errors import ValidationFailed

NUL = "\x00"


def contains_nul(value: Any) -> bool:
    """True when a string anywhere in a JSON value (keys included) holds a NUL character."""
    if isinstance(value, str):
        return NUL in value
    if isinstance(value, dict):
        return any(contains_nul(key) or contains_nul(item) for key, item in value.items())
    if isinstance(value, list):
        return any(contains_nul(item) for item in value)
    return False


def _nul_locations() -> dict[str, list[str]]:
    from flask import request  # where a request is served: not in the workers (issue 18: memory)

    problems = {}
    if NUL in request.path:
        problems["path"] = ["must not contain NUL characters"]
    if any(contains_nul(key) or contains_nul(value) for key, value in request.args.items(multi=True)):
        problems["query"] = ["must not contain NUL characters"]
    if request.is_json and contains_nul(request.get_json(silent=True)):
        problems["body"] = ["must not contain NUL characters"]
    return problems


def install_nul_guard(app: Flask) -> None:
    @app.before_request
    def _refuse_nul_characters():
        problems = _nul_locations()
        if problems:
            raise ValidationFailed("Text may not contain NUL characters.", errors=problems)
