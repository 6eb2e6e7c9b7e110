"""A service's AsyncAPI 3.0 document, made from the event schemas: what it sends and receives on ``domain``.

Payload schemas are JSON Schema, converted from the marshmallow schemas by apispec's ``OpenAPIConverter``
(the converter flask-smorest already uses for the OpenAPI; OpenAPI 3.1 output is plain JSON Schema, so
``nullable`` is written as ``type: [..., "null"]``). Served at ``/asyncapi.json`` next to ``/openapi.json``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from apispec.ext.marshmallow import OpenAPIConverter
from marshmallow import Schema

from . import EVENTS
from .base import WHEN

ASYNCAPI_VERSION = "3.0.0"
ENVELOPE = {
    "type": "object",
    "description": "The envelope every message has (docs/architecture.md §3); `data` is the payload below.",
    "required": ["id", "type", "version", "occurred_at", "producer", "correlation_id", "actor", "data"],
    "properties": {
        "id": {"type": "string", "format": "uuid"},
        "type": {"type": "string", "description": "the routing key: `<aggregate>.<past tense>`"},
        "version": {"type": "integer", "minimum": 1},
        "occurred_at": {"type": "string", "format": "date-time"},
        "producer": {"type": "string"},
        "correlation_id": {"type": ["string", "null"]},
        "actor": {"type": ["object", "null"], "description": "`{sub, role}` plus `org`, `email`, `name`, ..."},
    },
}


def _converter() -> OpenAPIConverter:
    return OpenAPIConverter(openapi_version="3.1.0", schema_name_resolver=lambda schema: None, spec=None)


def data_json_schema(schema: type[Schema]) -> dict[str, Any]:
    """The JSON Schema of an event's ``data``; a conditional field's description says when it is sent."""
    converted = _converter().schema2jsonschema(schema)
    for name, field in schema().fields.items():
        when = field.metadata.get(WHEN)
        if when:
            prop = converted["properties"][field.data_key or name]
            prop["description"] = "; ".join(filter(None, [prop.get("description"), f"only when: {when}"]))
    if schema.__doc__:
        converted["description"] = " ".join(schema.__doc__.split())
    return converted


def _key(event_type: str) -> str:
    return event_type.replace(".", "_")


def asyncapi_document(
    service: str, *, receives: Iterable[str], title: str | None = None, version: str = "1.0.0"
) -> dict[str, Any]:
    """The channels (one per event type: its routing key) and operations of ``service``: ``send`` for the
    types it publishes, ``receive`` for those its worker handles."""
    sends = sorted(name for name, event in EVENTS.items() if event.producer == service)
    receives = sorted(set(receives))
    channels, messages, schemas, operations = {}, {}, {}, {}
    for event_type in sorted(set(sends) | {name for name in receives if name in EVENTS}):
        event, key = EVENTS[event_type], _key(event_type)
        schemas[event.schema.__name__] = data_json_schema(event.schema)
        messages[key] = {
            "name": event_type,
            "title": event_type,
            "summary": event.summary,
            "contentType": "application/json",
            "x-producer": event.producer,
            "payload": {
                "allOf": [
                    {"$ref": "#/components/schemas/Envelope"},
                    {
                        "type": "object",
                        "properties": {
                            "type": {"const": event_type},
                            "data": {"$ref": f"#/components/schemas/{event.schema.__name__}"},
                        },
                    },
                ]
            },
        }
        channels[key] = {
            "address": event_type,
            "description": f"Routing key {event_type} on the `domain` topic exchange.",
            "messages": {key: {"$ref": f"#/components/messages/{key}"}},
        }
    for action, names in (("send", sends), ("receive", [name for name in receives if name in EVENTS])):
        for event_type in names:
            key = _key(event_type)
            operations[f"{action}_{key}"] = {
                "action": action,
                "channel": {"$ref": f"#/channels/{key}"},
                "messages": [{"$ref": f"#/channels/{key}/messages/{key}"}],
            }
    return {
        "asyncapi": ASYNCAPI_VERSION,
        "info": {
            "title": title or f"{service} events",
            "version": version,
            "description": f"The events {service} publishes (send) and handles (receive); docs/contracts.md.",
        },
        "defaultContentType": "application/json",
        "servers": {
            "broker": {
                "host": "rabbitmq:5672",
                "protocol": "amqp",
                "description": "RabbitMQ; every event on the `domain` topic exchange (AMQP_URL).",
            }
        },
        "channels": channels,
        "operations": operations,
        "components": {"schemas": {"Envelope": ENVELOPE, **schemas}, "messages": messages},
    }
