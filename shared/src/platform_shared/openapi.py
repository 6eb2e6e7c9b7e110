"""The OpenAPI every service publishes, made to say what the service really answers.

``PlatformApi`` is flask-smorest's ``Api`` with three changes, so that no service documents anything by hand
that the platform already knows:

- errors are ``Problem`` (RFC 9457, ``errors`` naming each invalid field) under ``application/problem+json``,
  the media type ``errors.problem_response`` sends, each status with an example; no catch-all ``default``
  response (a status the spec does not list is a bug the fuzz test finds);
- each operation lists the statuses it can answer, read from the route itself: 401 and 403 from
  ``@require_roles`` (and no ``security`` on a public route), 404 from a path parameter or an id in the query or the body, 400/413/422 from a
  JSON body, 413/415/422 from an upload, 409 from any change, 422 from query arguments, 429 with
  ``Retry-After``, and those a route names with ``@problems(...)``; a route's own ``alt_response`` wins;
- every operation has an ``operationId`` (``<method>_<view>``, the blueprint's name in front when two
  blueprints use the same view name), a one-line summary (the docstring's first sentence), a description
  (the whole docstring and the roles allowed), and every schema the description of its class's docstring.
"""

from __future__ import annotations

import http
import inspect
import re
from typing import Any

from apispec import BasePlugin
from flask import Flask
from flask_smorest import Api
from marshmallow import Schema, fields

from .auth import ROLES
from .errors import PROBLEM_BASE, PROBLEM_MIME

MUTATING = ("post", "put", "patch", "delete")

# What each error status means on this platform (the description of its component response).
PROBLEM_DESCRIPTIONS: dict[int, str] = {
    400: "The body is not JSON (or not the media type the operation reads).",
    401: "No bearer token, or one that is expired, badly signed, or for another audience or issuer.",
    403: "The caller's role (or relation to the resource) does not allow this operation.",
    404: "Unknown, or not visible to the caller: the two are never told apart.",
    409: "The change conflicts with the resource's state (closed, already decided, a name already taken...).",
    410: "The resource existed and is no longer available.",
    412: "If-Match names a version that is no longer the current one.",
    413: "The body is larger than the operation accepts.",
    415: "The uploaded file's type is not accepted.",
    422: "Invalid body or parameters: ``errors`` names each field with its messages.",
    428: "The operation requires an If-Match header.",
    429: "Too many requests: retry after the number of seconds ``Retry-After`` gives.",
    503: "A service this operation needs did not answer.",
}

_EXAMPLE_DETAILS = {
    401: ("unauthenticated", "Unauthenticated", "A bearer token is required."),
    403: ("forbidden", "Forbidden", "Your role may not use this operation."),
    404: ("not-found", "Not found", "No such dossier."),
    409: ("conflict", "Conflict", "The dossier is closed."),
    413: ("payload-too-large", "Payload too large", "A JSON body is at most 1048576 bytes."),
    422: ("validation-failed", "Validation failed", "The request body or parameters are invalid."),
    429: ("too-many-requests", "Too many requests", "Too many verifications from this address."),
}


class ProblemSchema(Schema):
    """An error as ``application/problem+json`` (RFC 9457); ``errors`` names each invalid field on 422."""

    type = fields.String(
        required=True,
        metadata={"description": "A URI naming the kind of problem.", "example": PROBLEM_BASE + "not-found"},
    )
    title = fields.String(
        required=True, metadata={"description": "The kind of problem in a few words.", "example": "Not found"}
    )
    status = fields.Integer(required=True, metadata={"description": "The HTTP status.", "example": 404})
    detail = fields.String(
        required=True,
        metadata={"description": "What went wrong with this request, for a person.", "example": "No such dossier."},
    )
    instance = fields.String(
        metadata={"description": "The path of the request.", "example": "/api/v1/dossiers/3f2c0c0e"}
    )
    errors = fields.Raw(
        metadata={
            "description": "Each invalid field (a dotted path, or a nested object) with its messages.",
            "example": {"title": ["Missing data for required field."]},
        }
    )


def problems(*statuses: int):
    """Decorator: ``statuses`` this operation answers besides those read from the route (a 404 for an id in
    its body or query, a 409 on a read...), documented as problems."""

    def decorate(view):
        view._platform_problems = tuple(getattr(view, "_platform_problems", ())) + statuses
        return view

    return decorate


def problem_example(status: int) -> dict:
    slug, title, detail = _EXAMPLE_DETAILS.get(
        status, (str(status), http.HTTPStatus(status).phrase, http.HTTPStatus(status).phrase)
    )
    example: dict[str, Any] = {"type": PROBLEM_BASE + slug, "title": title, "status": status, "detail": detail}
    if status == 422:
        example["errors"] = {"title": ["Missing data for required field."]}
    return example


def _snake(name: str) -> str:
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name).lower()


def _first_sentence(text: str) -> str:
    text = " ".join(text.split())
    for stop in (". ", ": ", "; ", " (", " — "):
        index = text.find(stop)
        if index > 0:
            text = text[:index]
    text = text.rstrip(".")
    return text if len(text) <= 90 else text[:87].rsplit(" ", 1)[0] + "..."


class ContractPlugin(BasePlugin):
    """The apispec plugin doing the work (registered after flask-smorest's marshmallow plugin)."""

    def __init__(self, app: Flask):
        self.app = app
        self.operation_ids: set[str] = set()

    def init_spec(self, spec) -> None:
        self.spec = spec

    def schema_helper(self, name, definition, **kwargs):
        schema = kwargs.get("schema")
        if schema is None or (definition or {}).get("description"):
            return None
        cls = schema if isinstance(schema, type) else type(schema)
        doc = cls.__dict__.get("__doc__")
        return {"description": inspect.cleandoc(doc)} if doc else None

    def _view_function(self, rule, method: str):
        view = self.app.view_functions.get(rule.endpoint)
        view_class = getattr(view, "view_class", None)
        if view_class is not None:
            return getattr(view_class, method, None), view_class.__name__
        return view, getattr(view, "__name__", rule.endpoint.rsplit(".", 1)[-1])

    def operation_helper(self, path=None, operations=None, **kwargs):
        rule = kwargs.get("rule")
        if rule is None or not operations:
            return
        blueprint = rule.endpoint.split(".", 1)[0]
        for method, operation in operations.items():
            if method not in ("get", "post", "put", "patch", "delete"):
                continue
            func, view_name = self._view_function(rule, method)
            roles = getattr(func, "_platform_roles", None)
            self._name(operation, method, view_name, blueprint)
            self._describe(operation, roles)
            extra = getattr(func, "_platform_problems", ())
            self._document_problems(operation, method, path or "", roles, extra)
            if getattr(func, "_platform_etag", False) or getattr(func, "_platform_if_match", False):
                self._document_etag(operation)

    def _name(self, operation: dict, method: str, view_name: str, blueprint: str) -> None:
        if "operationId" not in operation:
            candidate = f"{method}_{_snake(view_name)}"
            if candidate in self.operation_ids:
                candidate = f"{blueprint}_{candidate}"
            operation["operationId"] = candidate
        self.operation_ids.add(operation["operationId"])

    def _describe(self, operation: dict, roles) -> None:
        text = " ".join(part for part in (operation.get("summary"), operation.get("description")) if part)
        summary = _first_sentence(text) if text else operation["operationId"].replace("_", " ")
        description = text or summary
        if roles is not None:
            description += "\n\nRoles allowed: " + ", ".join(sorted(roles)) + "."
        else:
            description += "\n\nPublic: no token needed."
            operation["security"] = []
        operation["summary"] = summary
        operation["description"] = description

    def _document_problems(self, operation: dict, method: str, path: str, roles, extra=()) -> None:
        responses = operation.setdefault("responses", {})
        statuses: set[int] = set(extra)
        if roles is not None:
            statuses.add(401)
            if not set(ROLES) <= set(roles):
                statuses.add(403)
        if "{" in path or self._names_an_id(operation):
            statuses.add(404)
        body = (operation.get("requestBody") or {}).get("content", {})
        if "application/json" in body:
            statuses |= {400, 413, 422}
        if "multipart/form-data" in body:
            statuses |= {413, 415, 422}
        if any(parameter.get("in") == "query" for parameter in operation.get("parameters", [])):
            statuses.add(422)
        if method in MUTATING:
            statuses.add(409)
        for status in sorted(statuses):
            responses.setdefault(str(status), http.HTTPStatus(status).name)
        for status, response in responses.items():
            if isinstance(response, dict) and str(status)[0] in "45":
                self._as_problem(int(status), response)

    @staticmethod
    def _document_etag(operation: dict) -> None:
        """The ``ETag`` header on each success of an operation answering a resource (see ``etag``)."""
        from .etag import ETAG_HEADER

        for status, response in (operation.get("responses") or {}).items():
            if str(status).startswith("2") and isinstance(response, dict):
                response.setdefault("headers", {}).setdefault("ETag", ETAG_HEADER)

    def _names_an_id(self, operation: dict) -> bool:
        """Whether the query or the body names another resource by its id (an unknown one is a 404)."""
        names = [parameter.get("name", "") for parameter in operation.get("parameters", [])]
        for media in ((operation.get("requestBody") or {}).get("content") or {}).values():
            schema = media.get("schema") or {}
            ref = schema.get("$ref", "") if isinstance(schema, dict) else ""
            if ref:
                schema = self.spec.components.schemas.get(ref.rsplit("/", 1)[-1], {})
            names += list((schema.get("properties") or {}) if isinstance(schema, dict) else ())
        return any(name.endswith(("_id", "_ids")) for name in names)

    @staticmethod
    def _as_problem(status: int, response: dict) -> None:
        """An error response a route declared itself: its content is a problem under the problem media type."""
        content = response.setdefault("content", {})
        plain = content.pop("application/json", None)
        problem = content.setdefault(PROBLEM_MIME, plain or {})
        problem.setdefault("schema", {"$ref": "#/components/schemas/Problem"})
        problem.setdefault("example", problem_example(status))
        if status == 429:
            response.setdefault("headers", {}).setdefault("Retry-After", RETRY_AFTER_HEADER)


RETRY_AFTER_HEADER = {
    "description": "Seconds to wait before retrying.",
    "schema": {"type": "integer", "minimum": 0},
}


class PlatformApi(Api):
    """flask-smorest's ``Api`` publishing the platform's contract (see the module's docstring)."""

    ERROR_SCHEMA = ProblemSchema
    DEFAULT_ERROR_RESPONSE_NAME = None

    def __init__(self, app: Flask, **kwargs):
        spec_kwargs = kwargs.pop("spec_kwargs", None) or {}
        spec_kwargs.setdefault("extra_plugins", []).append(ContractPlugin(app))
        super().__init__(app, spec_kwargs=spec_kwargs, **kwargs)

    def _register_responses(self):
        self.spec.components.schema("Problem", schema=ProblemSchema)
        for status in http.HTTPStatus:
            response: dict[str, Any] = {"description": PROBLEM_DESCRIPTIONS.get(status, status.phrase)}
            if status >= 400:
                response["content"] = {
                    PROBLEM_MIME: {
                        "schema": {"$ref": "#/components/schemas/Problem"},
                        "example": problem_example(status),
                    }
                }
                if status == 429:
                    response["headers"] = {"Retry-After": RETRY_AFTER_HEADER}
            self.spec.components.response(status.name, response, lazy=True)
