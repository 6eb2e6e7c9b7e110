"""Operator tools for ``<service>.events.dead``: list without consuming, replay into the work queue."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pika

from ..config import Settings
from .consumer import RETRY_HEADER, republish
from .relay import connection_parameters
from .topology import QueueNames


def _decode(body: bytes) -> object:
    try:
        return json.loads(body)
    except ValueError:
        return body.decode(errors="replace")


def list_dead_letters(settings: Settings, limit: int = 100) -> list[dict]:
    """Peek at up to ``limit`` dead letters; they stay in the queue (returned unacked)."""
    queue = QueueNames(settings.service_name).dead
    connection = pika.BlockingConnection(connection_parameters(settings))
    try:
        channel = connection.channel()
        found = []
        for _ in range(limit):
            method, properties, body = channel.basic_get(queue, auto_ack=False)
            if method is None:
                break
            headers = properties.headers or {}
            found.append(
                {
                    "message_id": properties.message_id,
                    "type": properties.type,
                    "error": headers.get("x-error"),
                    "failed_at": headers.get("x-failed-at"),
                    "retries": headers.get(RETRY_HEADER, 0),
                    "body": _decode(body),
                }
            )
        channel.close()  # unacked messages go back to the queue
        return found
    finally:
        connection.close()


def replay_dead_letters(settings: Settings, *, message_id: str | None = None, limit: int | None = None) -> int:
    """Move dead letters (all, or the one with ``message_id``) back to the work queue."""
    queues = QueueNames(settings.service_name)
    connection = pika.BlockingConnection(connection_parameters(settings))
    replayed = 0
    try:
        channel = connection.channel()
        channel.confirm_delivery()
        skipped = []
        for method, properties, body in _drain(channel, queues.dead):
            if message_id and properties.message_id != message_id:
                skipped.append(method.delivery_tag)
                continue
            headers = {
                key: value for key, value in (properties.headers or {}).items() if key not in (RETRY_HEADER, "x-death")
            }
            headers["x-replayed"] = True
            republish(channel, queues.work, properties, body, headers)
            channel.basic_ack(method.delivery_tag)
            replayed += 1
            if limit is not None and replayed >= limit:
                break
        channel.close()
        return replayed
    finally:
        connection.close()


def _drain(channel, queue: str) -> Iterator[tuple]:
    while True:
        method, properties, body = channel.basic_get(queue, auto_ack=False)
        if method is None:
            return
        yield method, properties, body
