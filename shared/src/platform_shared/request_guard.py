"""Bounding what a JSON request body may cost before any route parses it.

- **Size**: a JSON body may be at most ``MAX_JSON_BODY_BYTES`` (413), refused on its ``Content-Length``
  before it is read, or, for a chunked body that declares none, once one byte more was read. Uploads (multipart) and other bodies keep the limits of
  the routes that take them (``MAX_CONTENT_LENGTH`` of the documents service, the attestation import).
- **Depth**: nesting deeper than ``MAX_JSON_DEPTH`` is a 422 (the parser, the schemas and every walk over
  the value recurse: 1,000 levels used to end in a ``RecursionError`` and a 500).
- **Text**: a string holding a lone surrogate (``"\\ud800"``, valid JSON but not Unicode text) is a 422
  naming its field; neither SQLite nor PostgreSQL can store it (``UnicodeEncodeError``, a 500 before).

Every service gets it from ``web.create_service_app``, before the NUL guard (which walks the value).
"""

from __future__ import annotations

import re
from typing import Any

from flask import Flask, request

from .config import Settings
from .errors import PayloadTooLarge, ValidationFailed

SURROGATE = re.compile("[\ud800-\udfff]")


def _problem(value: Any, limit: int) -> tuple[str, str] | None:
    """``(where, what)`` of the first problem of a parsed JSON value: too deep, or a lone surrogate."""
    stack: list[tuple[Any, int, str]] = [(value, 1, "")]
    while stack:
        item, depth, path = stack.pop()
        if isinstance(item, dict | list):
            if depth > limit:
                return "body", f"is nested deeper than {limit} levels"
            pairs = item.items() if isinstance(item, dict) else enumerate(item)
            for key, child in pairs:
                if isinstance(key, str) and SURROGATE.search(key):
                    return path or "body", "has a key that is not valid Unicode text (a lone surrogate)"
                stack.append((child, depth + 1, f"{path}.{key}" if path else str(key)))
        elif isinstance(item, str) and SURROGATE.search(item):
            return path or "body", "is not valid Unicode text (a lone surrogate such as \\ud800)"
    return None


def install_request_guard(app: Flask, settings: Settings) -> None:
    max_bytes, max_depth = settings.max_json_body_bytes, settings.max_json_depth

    @app.before_request
    def _bound_json_bodies():
        if not request.is_json:
            return
        # A chunked body declares no length: read one byte past the limit at most (Werkzeug stops there).
        request.max_content_length = max_bytes + 1
        if (request.content_length or 0) > max_bytes or len(request.get_data(cache=True)) > max_bytes:
            raise PayloadTooLarge(f"A JSON body is at most {max_bytes} bytes.")
        try:
            value = request.get_json(silent=True)
        except RecursionError:  # nested far deeper than the limit: the parser gave up
            value, problem = None, ("body", f"is nested deeper than {max_depth} levels")
        else:
            problem = _problem(value, max_depth)
        if problem is not None:
            where, what = problem
            raise ValidationFailed(f"The JSON body is refused: {where} {what}.", errors={where: [what]})
