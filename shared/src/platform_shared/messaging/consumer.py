"""The event consumer of a worker: one durable quorum queue, manual acks, retries, dead letters.

A message is acknowledged only after the handler's transaction committed (or
after it was handed on to a retry or dead-letter queue with a publisher confirm),
so a crash at any point gets it redelivered, and the inbox makes the second
delivery a no-op. Handlers run in a helper thread while this thread keeps the
connection's heartbeats flowing.
"""

from __future__ import annotations

import concurrent.futures
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import pika
from pika.exceptions import AMQPError

from .. import clock
from ..config import Settings
from ..db import Database
from ..events import check_consumed
from ..logs import correlation_id_var
from .envelope import Envelope, InvalidEnvelope, parse_envelope
from .inbox import HandlerTable, handle_once
from .relay import connection_parameters
from .topology import QueueNames, declare_service_queues, unrouted_limits

if TYPE_CHECKING:
    from ..worker_health import WorkerHealth

log = logging.getLogger(__name__)
RETRY_HEADER = "x-retry-count"


@dataclass
class ConsumerStats:
    """Counters the worker exposes as metrics."""

    consumed: int = 0
    duplicates: int = 0
    failed: int = 0
    retried: int = 0
    dead_lettered: int = 0
    listeners: list[Callable[[str], None]] = field(default_factory=list)

    def count(self, what: str) -> None:
        setattr(self, what, getattr(self, what) + 1)
        for listener in self.listeners:
            listener(what)


class EventConsumer:
    def __init__(
        self,
        db: Database,
        settings: Settings,
        handlers: HandlerTable,
        *,
        consumer_name: str | None = None,
        stop_event: threading.Event | None = None,
        stats: ConsumerStats | None = None,
        health: WorkerHealth | None = None,
    ):
        self.db = db
        self.settings = settings
        self.handlers = handlers
        self.consumer_name = consumer_name or settings.service_name
        self.queues = QueueNames(settings.service_name)
        self.stop_event = stop_event or threading.Event()
        self.stats = stats or ConsumerStats()
        self.health = health
        self.ready = threading.Event()
        self._executor = concurrent.futures.ThreadPoolExecutor(max_workers=1, thread_name_prefix="handler")

    def run(self) -> None:
        """Consume until :meth:`stop`; reconnect with a growing delay when the broker goes away."""
        delay = 0.5
        while not self.stop_event.is_set():
            connection = None
            try:
                connection = pika.BlockingConnection(connection_parameters(self.settings))
                self._consume(connection)
                delay = 0.5
            except (AMQPError, OSError) as error:
                log.warning("consumer lost the broker: %s", error)
            finally:
                self.ready.clear()
                if connection is not None and connection.is_open:
                    try:
                        connection.close()
                    except (AMQPError, OSError):
                        pass
            if self.stop_event.wait(delay):
                break
            delay = min(delay * 2, 15.0)
        self._executor.shutdown(wait=True)

    def stop(self) -> None:
        self.stop_event.set()

    def _consume(self, connection: pika.BlockingConnection) -> None:
        channel = connection.channel()
        declare_service_queues(
            channel,
            self.settings.amqp_exchange,
            self.settings.service_name,
            self.handlers.keys(),
            self.settings.retry_delays_ms,
            unrouted_limits(self.settings),
        )
        publisher = connection.channel()
        publisher.confirm_delivery()
        channel.basic_qos(prefetch_count=self.settings.consumer_prefetch)
        self.ready.set()
        log.info("consuming %s", self.queues.work)
        for method, properties, body in channel.consume(self.queues.work, inactivity_timeout=1.0):
            if self.stop_event.is_set():
                break
            if method is None:
                continue
            self._on_message(connection, channel, publisher, method, properties, body)
        channel.cancel()

    def _on_message(self, connection, channel, publisher, method, properties, body: bytes) -> None:
        try:
            envelope = parse_envelope(body)
        except InvalidEnvelope as error:
            log.error("invalid message dead-lettered: %s", error)
            self._dead_letter(publisher, properties, body, str(error))
            channel.basic_ack(method.delivery_tag)
            return
        if envelope.type not in self.handlers:
            # Bound by its routing key, but no handler for the type it says it is (a producer's mistake, or
            # a binding a past release left): parked with the reason rather than acked and forgotten.
            reason = f"no handler for event type {envelope.type!r} (routing key {method.routing_key!r})"
            log.error("event dead-lettered: %s", reason, extra={"event_id": envelope.id})
            self._dead_letter(publisher, properties, body, reason)
            channel.basic_ack(method.delivery_tag)
            return
        mismatch = check_consumed(envelope.type, envelope.data)
        if mismatch is not None:
            # Its data will never satisfy the handler either (platform_shared.events): parked with the reason.
            log.error("event dead-lettered: %s", mismatch, extra={"event_id": envelope.id})
            self._dead_letter(publisher, properties, body, mismatch)
            channel.basic_ack(method.delivery_tag)
            return
        token = correlation_id_var.set(envelope.correlation_id)
        try:
            self.stats.count("consumed")
            error = self._run_handler(connection, envelope)
            if error is None:
                channel.basic_ack(method.delivery_tag)
                return
            self.stats.count("failed")
            retries = int((properties.headers or {}).get(RETRY_HEADER, 0))
            delays = self.settings.retry_delays_ms
            if retries < len(delays):
                log.warning(
                    "handler of %s failed (attempt %d), retrying in %d ms: %s",
                    envelope.type,
                    retries + 1,
                    delays[retries],
                    error,
                    extra={"event_id": envelope.id},
                )
                self._publish_to(
                    publisher, self.queues.retry(retries + 1), properties, body, {RETRY_HEADER: retries + 1}
                )
                self.stats.count("retried")
            else:
                log.error(
                    "handler of %s failed after %d retries; dead-lettered: %s",
                    envelope.type,
                    retries,
                    error,
                    extra={"event_id": envelope.id},
                )
                self._dead_letter(publisher, properties, body, error)
            channel.basic_ack(method.delivery_tag)
        finally:
            correlation_id_var.reset(token)

    def _run_handler(self, connection, envelope: Envelope) -> str | None:
        """Run the handler in the helper thread, pumping the connection meanwhile."""
        correlation_id = envelope.correlation_id

        def call() -> bool:
            correlation_id_var.set(correlation_id)
            return handle_once(self.db, self.consumer_name, self.handlers, envelope)

        future = self._executor.submit(call)
        if self.health is not None:
            self.health.started(f"handler of {envelope.type}")
        try:
            while True:
                try:
                    ran = future.result(timeout=0.05)
                    if not ran:
                        self.stats.count("duplicates")
                    return None
                except concurrent.futures.TimeoutError:
                    connection.process_data_events(time_limit=0)
                except Exception as error:  # the handler's own failure: retried, then dead-lettered
                    log.debug("handler error", exc_info=True)
                    return f"{type(error).__name__}: {error}"
        finally:
            if self.health is not None:
                self.health.finished(f"handler of {envelope.type}")

    def _publish_to(self, publisher, queue: str, properties, body: bytes, extra_headers: dict) -> None:
        headers = dict(properties.headers or {})
        headers.pop("x-death", None)
        headers.update(extra_headers)
        republish(publisher, queue, properties, body, headers)

    def _dead_letter(self, publisher, properties, body: bytes, reason: str) -> None:
        self._publish_to(
            publisher,
            self.queues.dead,
            properties,
            body,
            {"x-error": reason[:1000], "x-failed-at": clock.isoformat(clock.now()), "x-consumer": self.consumer_name},
        )
        self.stats.count("dead_lettered")


def republish(channel, queue: str, properties, body: bytes, headers: dict) -> None:
    """Publish a received message again, persistent and unchanged but for ``headers``, straight to ``queue``."""
    channel.basic_publish(
        exchange="",
        routing_key=queue,
        body=body,
        mandatory=True,
        properties=pika.BasicProperties(
            delivery_mode=pika.DeliveryMode.Persistent,
            content_type=properties.content_type,
            message_id=properties.message_id,
            type=properties.type,
            app_id=properties.app_id,
            timestamp=properties.timestamp,
            headers=headers,
        ),
    )
