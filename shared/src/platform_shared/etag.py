"""Optimistic concurrency (RFC 9110 §8.8.3, §13.1.1): a strong ``ETag`` per resource, ``If-Match`` honoured.

A resource's tag is a digest of its id and of what changes on every write (a version number, or
``updated_at``), so two readers of the same state get the same tag and any write gives a new one.

A route that reads a resource sends ``ETag`` with ``set_etag``; a route that changes one reads the header
with ``if_match()`` *before* anything else (``required=True`` answers 428 Precondition Required when it is
missing), and the use case calls ``precondition.check(tag)`` on the row it locked for the change, before
writing anything: a tag that is no longer the current one is 412 Precondition Failed, and the transaction
writes nothing. ``*`` matches any current representation. Weak tags (``W/"..."``) never match: RFC 9110 asks
for the strong comparison on ``If-Match``. A header that is not a list of entity tags is 412 too (it can
match no representation), never a 500.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime

from .errors import PreconditionFailed, PreconditionRequired

ETAG_HEADER = {
    "description": "The strong entity tag of the resource's current state: send it back in If-Match to change it.",
    "schema": {"type": "string", "example": '"3b1f0c2a9d8e7f60a1b2c3d4e5f60718"'},
}
IF_MATCH_PARAMETER = {
    "in": "header",
    "name": "If-Match",
    "required": False,
    "description": "The ETag the change is based on (or ``*``): 412 when the resource changed since.",
    "schema": {"type": "string"},
}

_ENTITY_TAG = re.compile(r'\s*(W/)?"([\x21\x23-\x7e\x80-\xff]*)"\s*(?:,|$)')


def _plain(value: object) -> object:
    """JSON's fallback: an instant in UTC to the microsecond (any zone, or naive meaning UTC); else its text."""
    if isinstance(value, datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value.astimezone(UTC).isoformat(timespec="microseconds")
    return str(value)


def _stamp(value: object) -> str:
    # JSON tells None from "None" and 3 from "3"; sorted keys make a dict's order irrelevant.
    return json.dumps(value, sort_keys=True, default=_plain)


def etag_of(resource_id: object, *state: object) -> str:
    """The strong tag (quoted) of resource ``resource_id`` in ``state`` (its version, or its updated_at...)."""
    text = "\x1f".join(_stamp(part) for part in (resource_id, *state))
    return '"' + hashlib.sha256(text.encode("utf-8")).hexdigest()[:32] + '"'


def row_etag(row: object, *related: object) -> str:
    """The strong tag of an ORM row with no version column: a digest of every column's value (any write to the
    row gives a new tag), plus ``related`` state kept in other tables (a sorted list of child values...)."""
    from sqlalchemy import inspect

    mapper = inspect(row).mapper
    values = [getattr(row, attribute.key) for attribute in mapper.column_attrs]
    identity = inspect(row).identity or ()
    return etag_of(mapper.class_.__name__, *identity, *values, *related)


def set_etag(tag: str) -> None:
    """Send ``ETag: tag`` on this request's successful response."""
    from flask import Response, after_this_request  # where a request is served: not in the workers

    @after_this_request
    def _add(response: Response) -> Response:
        if response.status_code < 300:
            response.headers["ETag"] = tag
        return response


def parse_if_match(value: str) -> list[tuple[bool, str]] | None:
    """The ``(weak, opaque)`` entity tags of an If-Match value, ``[]`` for ``*``, None when it is garbled."""
    value = value.strip()
    if value == "*":
        return []
    tags: list[tuple[bool, str]] = []
    position = 0
    while position < len(value):
        match = _ENTITY_TAG.match(value, position)
        if match is None or match.end() == position:
            return None
        tags.append((bool(match.group(1)), match.group(2)))
        position = match.end()
    return tags or None


@dataclass(frozen=True)
class Precondition:
    """What the request's If-Match asks for; ``check`` it against the current tag before writing."""

    header: str | None

    def check(self, current: str) -> None:
        if self.header is None:
            return
        tags = parse_if_match(self.header)
        if tags is None:
            raise PreconditionFailed("If-Match is not a list of entity tags (or *).")
        if tags == [] or any(not weak and f'"{opaque}"' == current for weak, opaque in tags):
            return
        raise PreconditionFailed(
            "The resource changed since the version named in If-Match: read it again (its ETag) and retry."
        )


def if_match(*, required: bool = False) -> Precondition:
    """The request's If-Match; 428 when ``required`` and it is missing (nothing is read or written yet)."""
    from flask import request

    header = request.headers.get("If-Match")
    if header is None and required:
        raise PreconditionRequired("This change needs an If-Match header with the resource's ETag.")
    return Precondition(header)


def honours_if_match(blp):
    """Decorator for an operation reading If-Match: documents the header, 412 and 428, and ETag on 2xx."""

    def decorate(view):
        view._platform_problems = tuple(getattr(view, "_platform_problems", ())) + (412, 428)
        view._platform_if_match = True
        return blp.doc(parameters=[IF_MATCH_PARAMETER])(view)

    return decorate


def sends_etag(view):
    """Decorator for an operation answering a resource with its ETag: documents the header on 2xx."""
    view._platform_etag = True
    return view
