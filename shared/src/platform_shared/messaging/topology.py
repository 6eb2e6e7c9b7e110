"""Exchanges and queues: declared the same way by every worker, idempotently.

For a service ``svc``:
- ``domain`` (topic, durable): every event, routing key = event type;
- ``svc.events`` (quorum): the service's work queue, bound to the event types it handles;
- ``svc.events.retry.<n>`` (quorum, one per delay tier): holds a failed message for
  ``x-message-ttl`` then dead-letters it back to ``svc.events`` (per-message TTL only
  expires at the head of a queue, hence one queue per tier);
- ``svc.events.dead`` (quorum): messages that failed every retry, kept for an operator;
- ``domain.unrouted`` (fanout alternate exchange + quorum queue): events no queue was
  bound for when they were published, kept instead of silently dropped, but bounded: at most
  ``UNROUTED_MAX_LENGTH`` messages (the oldest dropped first) for at most
  ``UNROUTED_MESSAGE_TTL_SECONDS``. Those limits are the queue's arguments, given when it is
  first declared; a queue that already exists keeps its own (RabbitMQ refuses to redeclare a
  queue with other arguments), and a policy changes them (``deploy/README.md``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from pika.exceptions import ChannelClosedByBroker


@dataclass(frozen=True)
class QueueNames:
    service: str

    @property
    def work(self) -> str:
        return f"{self.service}.events"

    @property
    def dead(self) -> str:
        return f"{self.service}.events.dead"

    def retry(self, tier: int) -> str:
        return f"{self.service}.events.retry.{tier}"


QUORUM = {"x-queue-type": "quorum"}


def unrouted_name(exchange: str) -> str:
    return f"{exchange}.unrouted"


def exchange_arguments(exchange: str) -> dict:
    return {"alternate-exchange": unrouted_name(exchange)}


@dataclass(frozen=True)
class UnroutedLimits:
    max_length: int = 10_000
    message_ttl_seconds: int = 7 * 24 * 3600

    def arguments(self) -> dict:
        return {
            **QUORUM,
            "x-max-length": self.max_length,
            "x-overflow": "drop-head",  # the oldest go: publishers are never refused (reject-publish would nack)
            "x-message-ttl": self.message_ttl_seconds * 1000,
        }


def unrouted_limits(settings) -> UnroutedLimits:
    return UnroutedLimits(settings.unrouted_max_length, settings.unrouted_message_ttl_seconds)


def _queue_exists(channel, queue: str) -> bool:
    """Whether ``queue`` exists, asked on a throwaway channel (a passive declare of a missing queue closes it)."""
    probe = channel.connection.channel()
    try:
        probe.queue_declare(queue=queue, passive=True)
        return True
    except ChannelClosedByBroker as error:
        if error.reply_code == 404:
            return False
        raise
    finally:
        if probe.is_open:
            probe.close()


def declare_exchange(channel, exchange: str, unrouted_limits: UnroutedLimits | None = None) -> None:
    """The ``domain`` exchange and its alternate exchange with its bounded queue (blocking channel)."""
    unrouted = unrouted_name(exchange)
    channel.exchange_declare(exchange=unrouted, exchange_type="fanout", durable=True)
    if not _queue_exists(channel, unrouted):
        channel.queue_declare(queue=unrouted, durable=True, arguments=(unrouted_limits or UnroutedLimits()).arguments())
    channel.queue_bind(queue=unrouted, exchange=unrouted, routing_key="")
    channel.exchange_declare(
        exchange=exchange, exchange_type="topic", durable=True, arguments=exchange_arguments(exchange)
    )


def declare_service_queues(
    channel,
    exchange: str,
    service: str,
    routing_keys: Iterable[str],
    retry_delays_ms: list[int],
    unrouted_limits: UnroutedLimits | None = None,
) -> QueueNames:
    names = QueueNames(service)
    declare_exchange(channel, exchange, unrouted_limits)
    channel.queue_declare(queue=names.work, durable=True, arguments=dict(QUORUM))
    for key in sorted(set(routing_keys)):
        channel.queue_bind(queue=names.work, exchange=exchange, routing_key=key)
    for tier, delay_ms in enumerate(retry_delays_ms, start=1):
        channel.queue_declare(
            queue=names.retry(tier),
            durable=True,
            arguments={
                **QUORUM,
                "x-message-ttl": int(delay_ms),
                "x-dead-letter-exchange": "",
                "x-dead-letter-routing-key": names.work,
                "x-dead-letter-strategy": "at-least-once",
                "x-overflow": "reject-publish",
            },
        )
    channel.queue_declare(queue=names.dead, durable=True, arguments=dict(QUORUM))
    return names
