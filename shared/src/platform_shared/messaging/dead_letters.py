"""Operator tools for ``<service>.events.dead``: list without consuming, replay into the work queue."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator

import pika

from ..config import Settings
from .consumer import RETRY_HEADER, republish
from .relay import connection_parameters
from .topology import QueueNames

REPLAY_RUN_HEADER = "x-replay-run"


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
    """Move dead letters (all, or the one with ``message_id``) back to the work queue, each at most once.

    A replayed message that fails again at once comes back to the dead-letter queue while the replay is
    still running: it is not taken a second time. The replay takes no more messages than the queue held
    when it started, and each one it sends carries this run's id (``x-replay-run``), so meeting it again
    ends the run. With ``message_id`` it replays that one message once and stops.
    """
    queues = QueueNames(settings.service_name)
    run_id = str(uuid.uuid4())
    connection = pika.BlockingConnection(connection_parameters(settings))
    replayed = 0
    try:
        channel = connection.channel()
        channel.confirm_delivery()
        waiting = channel.queue_declare(queues.dead, passive=True).method.message_count
        for method, properties, body in _drain(channel, queues.dead, waiting):
            headers = properties.headers or {}
            if headers.get(REPLAY_RUN_HEADER) == run_id:
                break  # replayed by this run and already back: left unacked, it returns to the queue
            if message_id and properties.message_id != message_id:
                continue  # left unacked: back in the queue, in its place, when the channel closes
            headers = {key: value for key, value in headers.items() if key not in (RETRY_HEADER, "x-death")}
            headers.update({"x-replayed": True, REPLAY_RUN_HEADER: run_id})
            republish(channel, queues.work, properties, body, headers)
            channel.basic_ack(method.delivery_tag)
            replayed += 1
            if message_id or (limit is not None and replayed >= limit):
                break
        channel.close()
        return replayed
    finally:
        connection.close()


def _drain(channel, queue: str, at_most: int) -> Iterator[tuple]:
    for _ in range(at_most):
        method, properties, body = channel.basic_get(queue, auto_ack=False)
        if method is None:
            return
        yield method, properties, body
