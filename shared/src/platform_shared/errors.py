"""Domain errors and their one mapping to application/problem+json (RFC 9457)."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

# Flask is imported where a request is served: a worker, which records and handles events with these modules, does
# not load it (issue 18: memory).
if TYPE_CHECKING:
    from flask import Flask, Response
    from werkzeug.exceptions import HTTPException

PROBLEM_MIME = "application/problem+json"
PROBLEM_BASE = "https://dossier-platform.example/problems/"
log = logging.getLogger(__name__)


class DomainError(Exception):
    """Base of every error a use case raises; its class says which HTTP status it becomes."""

    status = 400
    title = "Bad request"
    slug = "bad-request"

    def __init__(self, detail: str | None = None, *, errors: dict | None = None, headers: dict | None = None):
        super().__init__(detail or self.title)
        self.detail = detail or self.title
        self.errors = errors
        self.headers = headers or {}


class Unauthenticated(DomainError):
    status, title, slug = 401, "Unauthenticated", "unauthenticated"


class Forbidden(DomainError):
    status, title, slug = 403, "Forbidden", "forbidden"


class NotFound(DomainError):
    """Not found, or not visible to the caller: the two are never told apart."""

    status, title, slug = 404, "Not found", "not-found"


class Conflict(DomainError):
    status, title, slug = 409, "Conflict", "conflict"


class Gone(DomainError):
    status, title, slug = 410, "Gone", "gone"


class PreconditionFailed(DomainError):
    """If-Match names a version of the resource that is no longer the current one (nothing was written)."""

    status, title, slug = 412, "Precondition failed", "precondition-failed"


class PreconditionRequired(DomainError):
    """The change must name the version it is based on: an If-Match header is required."""

    status, title, slug = 428, "Precondition required", "precondition-required"


class PayloadTooLarge(DomainError):
    status, title, slug = 413, "Payload too large", "payload-too-large"


class UnsupportedMediaType(DomainError):
    status, title, slug = 415, "Unsupported media type", "unsupported-media-type"


class ValidationFailed(DomainError):
    """422 with per-field messages in ``errors``."""

    status, title, slug = 422, "Validation failed", "validation-failed"


class TooManyRequests(DomainError):
    status, title, slug = 429, "Too many requests", "too-many-requests"

    def __init__(self, detail: str | None = None, *, retry_after: int):
        super().__init__(detail, headers={"Retry-After": str(int(retry_after))})
        self.retry_after = retry_after


class UpstreamUnavailable(DomainError):
    """Another service this request needs did not answer."""

    status, title, slug = 503, "Service unavailable", "upstream-unavailable"


def problem_response(
    status: int,
    title: str,
    detail: str | None = None,
    *,
    slug: str | None = None,
    errors: Any = None,
    headers: dict | None = None,
) -> Response:
    from flask import Response, json, request

    body: dict[str, Any] = {
        "type": PROBLEM_BASE + (slug or str(status)),
        "title": title,
        "status": status,
        "detail": detail or title,
    }
    if errors:
        body["errors"] = errors
    try:
        body["instance"] = request.path
    except RuntimeError:
        pass
    response = Response(json.dumps(body), status=status, mimetype=PROBLEM_MIME)
    for key, value in (headers or {}).items():
        response.headers[key] = value
    return response


def _webargs_messages(error: HTTPException) -> Any:
    data = getattr(error, "data", None) or {}
    messages = data.get("messages")
    if isinstance(messages, dict) and len(messages) == 1:
        # webargs nests by location ("json", "query", "files"...): flatten the single location.
        (only,) = messages.values()
        return only
    return messages


def _handle_domain_error(error: DomainError) -> Response:
    return problem_response(
        error.status, error.title, error.detail, slug=error.slug, errors=error.errors, headers=error.headers
    )


def _handle_http_exception(error: HTTPException) -> Response:
    status = error.code or 500
    errors = _webargs_messages(error) if status in (400, 422) else None
    title = error.name
    detail = error.description if status != 422 else "The request body or parameters are invalid."
    headers = {}
    if status == 405 and getattr(error, "valid_methods", None):
        headers["Allow"] = ", ".join(error.valid_methods)
    response = problem_response(
        status, title, detail, slug=title.lower().replace(" ", "-"), errors=errors, headers=headers
    )
    return response


def _handle_unexpected(error: Exception) -> Response:
    from flask import request
    from werkzeug.exceptions import HTTPException

    if isinstance(error, HTTPException):
        return _handle_http_exception(error)
    log.exception("unhandled error while serving %s %s", request.method, request.path)
    return problem_response(
        500, "Internal server error", "An unexpected error occurred; it has been logged.", slug="internal"
    )


def register_error_handlers(app: Flask) -> None:
    """Turn every error raised while serving a request into problem+json."""
    from werkzeug.exceptions import HTTPException

    app.register_error_handler(DomainError, _handle_domain_error)
    app.register_error_handler(HTTPException, _handle_http_exception)
    app.register_error_handler(Exception, _handle_unexpected)
