"""A person's erasure reaches the service's queues: their email and name out of every message parked there.

Dead letters (``<service>.events.dead``, ``messaging.topology``) are events kept whole for an operator to
replay, so they hold whatever personal data the event carried; so do the retry queues
(``<service>.events.retry.<n>``, for at most their delay) and the broker's ``domain.unrouted`` (for at most
``UNROUTED_MESSAGE_TTL_SECONDS``). On ``person.erased`` each service's handler (``directory.directory_handlers``)
calls :func:`redact_dead_letters` before its transaction commits; the dossier service's ``POST
/people/{id}/erase`` also passes ``unrouted=True`` (one queue for the whole platform: its owner of the directory
rewrites it, with the values it holds). A message naming the person is taken and published again with the values
replaced by ``[erased]`` (body and string headers such as ``x-error``), keeping its id, type and headers (so
``x-retry-count`` and a replay still work); the others are left untouched. A broker that cannot be reached raises,
so the erasure event is retried like any failed handler (the redaction is idempotent).

Why the retry queues are safe to rewrite: nothing consumes them (the broker moves a message to the work queue
when its delay is over), a message we hold is not expired meanwhile, and one put back at the tail only waits up to
one more delay. Two erasures rewriting the same queues at once would each miss the messages the other holds, so
a rewrite runs under a broker-side lock (an exclusive queue ``<service>.erasure.lock``): a second one finds it
taken and fails, to be retried. What is not rewritten, and why: a message in flight (handed to a consumer of the
work queue, or being moved by the broker from a retry queue to the work queue) is not in any queue a client can
read; the work queue itself is consumed by every replica, so taking messages from it would race the consumers.
Such a message is handled within the ``CONSUMER_RETRY_DELAYS_MS`` of the erasure (or parked as a dead letter that
still holds the values); what its handler writes is anonymised by the service's own erasure only if it ran
before the erasure (``shared/README.md``, "Erasure and the broker")."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable

import pika
from pika.exceptions import AMQPError, ChannelClosedByBroker

from .config import Settings
from .directory import ERASED, json_encodings, replace_ignoring_case
from .errors import UpstreamUnavailable
from .messaging.relay import connection_parameters
from .messaging.topology import QueueNames, unrouted_name

log = logging.getLogger(__name__)

DeadLetterRedactor = Callable[..., int]


def _redacted(text: str, encoded: set[str]) -> str:
    for value in sorted(encoded, key=len, reverse=True):
        text = replace_ignoring_case(text, value, ERASED)
    return text


def redact_dead_letters(settings: Settings, values: Iterable[str], *, unrouted: bool = False) -> int:
    """Replace ``values`` by ``[erased]`` in the service's dead letters and retry queues (and ``domain.unrouted``
    when ``unrouted``); returns how many messages were rewritten. An unreachable broker, or another erasure
    rewriting the same queues, is :class:`UpstreamUnavailable` (a 503 in a request; a retry in a handler)."""
    encoded = {item for item in json_encodings(values) if len(item) >= 2}
    if not encoded:
        return 0
    names = QueueNames(settings.service_name)
    queues = [names.dead, *(names.retry(tier) for tier in range(1, len(settings.retry_delays_ms) + 1))]
    if unrouted:
        queues.append(unrouted_name(settings.amqp_exchange))
    try:
        connection = pika.BlockingConnection(connection_parameters(settings))
    except AMQPError as error:
        raise UpstreamUnavailable("The broker cannot be reached: the dead letters cannot be erased now.") from error
    try:
        _lock(connection, f"{settings.service_name}.erasure.lock")
        return sum(_rewrite(connection, queue, encoded) for queue in queues)
    except AMQPError as error:
        raise UpstreamUnavailable("The broker cannot be reached: the dead letters cannot be erased now.") from error
    finally:
        if connection.is_open:
            connection.close()


def _lock(connection, name: str) -> None:
    """Hold ``name`` (an exclusive queue: gone with the connection) until the connection closes; raise if another holds it."""
    channel = connection.channel()
    try:
        channel.queue_declare(queue=name, exclusive=True)
    except ChannelClosedByBroker as error:
        if error.reply_code == 405:  # RESOURCE_LOCKED: another erasure is rewriting these queues
            raise UpstreamUnavailable("Another erasure is rewriting the queues: try again.") from error
        raise


def _rewrite(connection, queue: str, encoded: set[str]) -> int:
    channel = connection.channel()
    try:
        waiting = channel.queue_declare(queue=queue, passive=True).method.message_count
    except ChannelClosedByBroker as error:
        if error.reply_code == 404:  # never declared (no worker, or fewer retry tiers): nothing parked there
            return 0
        raise
    channel.confirm_delivery()
    rewritten = 0
    # Take no more than the queue held at the start: a rewritten message goes to the tail and is not met again.
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
        log.info("erasure: %d message(s) of %s rewritten", rewritten, queue)
    return rewritten


def dead_letter_redactor(settings: Settings) -> DeadLetterRedactor | None:
    """What a service's ``person.erased`` handler calls on its dead letters (None when the settings turn it off:
    unit tests, which run without a broker)."""
    if not settings.erasure_redacts_dead_letters:
        return None
    return lambda values, **options: redact_dead_letters(settings, values, **options)
