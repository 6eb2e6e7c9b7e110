"""The event envelope (docs/architecture.md §3), validated on publish and on consume."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from marshmallow import INCLUDE, RAISE, Schema, ValidationError, fields, validate

from .. import clock
from ..logs import current_correlation_id

EVENT_TYPE_PATTERN = r"^[a-z][a-z_]*\.[a-z][a-z_]*$"


class ActorSchema(Schema):
    """Who caused the event. Unknown keys are tolerated (and kept) so that adding one to ``Caller.as_actor``
    does not make consumers still running the previous release dead-letter every event during a rollout."""

    class Meta:
        unknown = INCLUDE

    sub = fields.String(required=True)
    role = fields.String(required=True)
    org = fields.String(allow_none=True)
    email = fields.String(allow_none=True)
    name = fields.String(allow_none=True)


class EnvelopeSchema(Schema):
    """Every message on the ``domain`` exchange has exactly this shape."""

    class Meta:
        unknown = RAISE

    id = fields.UUID(required=True)
    type = fields.String(required=True, validate=validate.Regexp(EVENT_TYPE_PATTERN))
    version = fields.Integer(required=True, validate=validate.Range(min=1))
    occurred_at = fields.String(required=True, validate=validate.Regexp(r"^\d{4}-\d{2}-\d{2}T.*Z$"))
    producer = fields.String(required=True)
    correlation_id = fields.String(required=True, allow_none=True)
    actor = fields.Nested(ActorSchema, required=True, allow_none=True)
    data = fields.Dict(required=True)


_schema = EnvelopeSchema()


class InvalidEnvelope(ValueError):
    """A message that is not a valid envelope: it can never succeed, so it is dead-lettered at once."""


@dataclass(frozen=True)
class Envelope:
    id: str
    type: str
    producer: str
    data: dict[str, Any]
    occurred_at: str
    version: int = 1
    correlation_id: str | None = None
    actor: dict | None = field(default=None)

    @property
    def occurred(self) -> datetime:
        """``occurred_at`` as an aware UTC datetime."""
        return datetime.fromisoformat(self.occurred_at.replace("Z", "+00:00"))

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "type": self.type,
            "version": self.version,
            "occurred_at": self.occurred_at,
            "producer": self.producer,
            "correlation_id": self.correlation_id,
            "actor": self.actor,
            "data": self.data,
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), separators=(",", ":"), default=str)


def new_envelope(
    event_type: str,
    data: dict[str, Any],
    *,
    producer: str,
    actor: dict | None = None,
    correlation_id: str | None = None,
    version: int = 1,
) -> Envelope:
    """Build and validate an envelope; the correlation id defaults to the one being served."""
    envelope = Envelope(
        id=clock.new_id(),
        type=event_type,
        producer=producer,
        data=json.loads(json.dumps(data, default=str)),
        occurred_at=clock.isoformat(clock.now()),
        version=version,
        correlation_id=correlation_id or current_correlation_id() or clock.new_id(),
        actor=actor,
    )
    validate_envelope(envelope.to_dict())
    return envelope


def validate_envelope(raw: dict[str, Any]) -> None:
    errors = _schema.validate(raw)
    if errors:
        raise InvalidEnvelope(f"invalid event envelope: {errors}")


def parse_envelope(body: bytes | str) -> Envelope:
    """Decode and validate a message body (consumer side)."""
    try:
        raw = json.loads(body)
    except (ValueError, UnicodeDecodeError) as error:
        raise InvalidEnvelope(f"message body is not JSON: {error}") from error
    if not isinstance(raw, dict):
        raise InvalidEnvelope("message body is not a JSON object")
    try:
        _schema.load(raw)
    except ValidationError as error:
        raise InvalidEnvelope(f"invalid event envelope: {error.messages}") from error
    return Envelope(
        id=raw["id"],
        type=raw["type"],
        producer=raw["producer"],
        data=raw["data"],
        occurred_at=raw["occurred_at"],
        version=raw["version"],
        correlation_id=raw.get("correlation_id"),
        actor=raw.get("actor"),
    )
