"""A person's erasure reaches the service's dead-letter queue: their email and name out of every dead letter.

Dead letters (``<service>.events.dead``, ``messaging.topology``) are events kept whole for an operator to
replay, so they hold whatever personal data the event carried. On ``person.erased`` each service's handler
(``directory.directory_handlers``) calls :func:`redact_dead_letters` before its transaction commits: a dead
letter naming the person is taken and published again with the values replaced by ``[erased]`` (body and
string headers such as ``x-error``), keeping its id, type and headers so a replay still works; the others are
left untouched. A broker that cannot be reached raises, so the erasure event is retried like any failed
handler (the redaction is idempotent). Retry queues are not read: what they hold is back in the work queue
within ``CONSUMER_RETRY_DELAYS_MS`` and is then handled after the erasure.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable

import pika
from pika.exceptions import AMQPError, ChannelClosedByBroker

from .config import Settings
from .directory import ERASED, json_encodings, replace_ignoring_case
from .errors import UpstreamUnavailable
from .messaging.relay import connection_parameters
from .messaging.topology import QueueNames

log = logging.getLogger(__name__)

DeadLetterRedactor = Callable[[Iterable[str]], int]


def _redacted(text: str, encoded: set[str]) -> str:
    for value in sorted(encoded, key=len, reverse=True):
        text = replace_ignoring_case(text, value, ERASED)
    return text


def redact_dead_letters(settings: Settings, values: Iterable[str]) -> int:
    """Replace ``values`` by ``[erased]`` in the service's dead letters; returns how many were rewritten.
    An unreachable broker is :class:`UpstreamUnavailable` (a 503 in a request; a retry in a handler)."""
    encoded = {item for item in json_encodings(values) if len(item) >= 2}
    if not encoded:
        return 0
    try:
        return _rewrite(settings, encoded)
    except AMQPError as error:
        raise UpstreamUnavailable("The broker cannot be reached: the dead letters cannot be erased now.") from error


def _rewrite(settings: Settings, encoded: set[str]) -> int:
    queue = QueueNames(settings.service_name).dead
    connection = pika.BlockingConnection(connection_parameters(settings))
    try:
        channel = connection.channel()
        try:
            waiting = channel.queue_declare(queue=queue, passive=True).method.message_count
        except ChannelClosedByBroker as error:
            if error.reply_code == 404:  # the worker never declared it: no dead letter yet
                return 0
            raise
        channel.confirm_delivery()
        rewritten = 0
        # Take no more than the queue held at the start: a rewritten letter goes to the tail and is not met again.
        for _ in range(waiting):
            method, properties, body = channel.basic_get(queue, auto_ack=False)
            if method is None:
                break
            text = body.decode("utf-8", errors="replace")
            headers = dict(properties.headers or {})
            new_headers = {
                key: _redacted(value, encoded) if isinstance(value, str) else value for key, value in headers.items()
            }
            new_text = _redacted(text, encoded)
            if new_text == text and new_headers == headers:
                continue  # left unacknowledged: back in the queue when the channel closes
            properties.headers = new_headers
            channel.basic_publish("", queue, new_text.encode("utf-8"), properties, mandatory=True)
            channel.basic_ack(method.delivery_tag)
            rewritten += 1
        channel.close()
        if rewritten:
            log.info("erasure: %d dead letter(s) of %s rewritten", rewritten, queue)
        return rewritten
    finally:
        if connection.is_open:
            connection.close()


def dead_letter_redactor(settings: Settings) -> DeadLetterRedactor | None:
    """What a service's ``person.erased`` handler calls on its dead letters (None when the settings turn it off:
    unit tests, which run without a broker)."""
    if not settings.erasure_redacts_dead_letters:
        return None
    return lambda values: redact_dead_letters(settings, values)
