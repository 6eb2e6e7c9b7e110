"""The building blocks of an event's ``data`` schema: the base class and the few field kinds the events use.

A field is one of three kinds (docs/contracts.md "Events and their data"):

- **required**: every event of the type has it, since the type exists; a consumer may index it (``data["x"]``).
  An event without it is refused on both sides.
- **always sent**: today's producer always sends it (the default), but an older event may lack it (it was added
  later, "only by adding"): the producer is refused when it leaves it out, a consumer is not.
- **conditional** (``when="..."``: in what case it is there): sent only in that case; the text is its
  documentation in ``docs/contracts.md`` and in the AsyncAPI document.

Unknown keys are refused when recording (every field the producer sends is declared here) and kept when
consuming (a producer one release ahead may add an optional field before the consumer knows it).
"""

from __future__ import annotations

from typing import Any

from marshmallow import RAISE, Schema, fields

WHEN = "when"


class EventData(Schema):
    """The ``data`` of one event type; its docstring is the event's description (AsyncAPI, contracts.md)."""

    class Meta:
        unknown = RAISE
        ordered = True


def _metadata(description: str | None, when: str | None) -> dict[str, Any]:
    metadata: dict[str, Any] = {}
    if description:
        metadata["description"] = description
    if when:
        metadata[WHEN] = when
    return metadata


def Id(*, required: bool = False, nullable: bool = False, when: str | None = None, description: str | None = None):
    """A UUID string (or a reference such as a ``sub``); kept a string so an erased event still loads."""
    return fields.String(required=required, allow_none=nullable, metadata=_metadata(description, when))


def Text(*, required: bool = False, nullable: bool = True, when: str | None = None, description: str | None = None):
    return fields.String(required=required, allow_none=nullable, metadata=_metadata(description, when))


def Flag(*, required: bool = False, nullable: bool = True, when: str | None = None, description: str | None = None):
    return fields.Boolean(required=required, allow_none=nullable, metadata=_metadata(description, when))


def Count(*, required: bool = False, nullable: bool = True, when: str | None = None, description: str | None = None):
    return fields.Integer(strict=True, required=required, allow_none=nullable, metadata=_metadata(description, when))


def TextList(*, nullable: bool = True, when: str | None = None, description: str | None = None):
    return fields.List(fields.String(allow_none=True), allow_none=nullable, metadata=_metadata(description, when))


def ObjectList(schema: type[Schema], *, nullable: bool = True, when: str | None = None, description: str | None = None):
    return fields.List(fields.Nested(schema), allow_none=nullable, metadata=_metadata(description, when))


def Object(schema: type[Schema], *, nullable: bool = True, when: str | None = None, description: str | None = None):
    return fields.Nested(schema, allow_none=nullable, metadata=_metadata(description, when))


def AnyValue(*, when: str | None = None, description: str | None = None):
    """A value whose shape is not fixed by the contract (e.g. a rule's matched text)."""
    return fields.Raw(allow_none=True, metadata=_metadata(description, when))


def is_conditional(field: fields.Field) -> bool:
    return WHEN in field.metadata
