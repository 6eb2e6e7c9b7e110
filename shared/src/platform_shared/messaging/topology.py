"""Exchanges and queues: declared the same way by every worker, idempotently.

For a service ``svc``:
- ``domain`` (topic, durable): every event, routing key = event type;
- ``svc.events`` (quorum): the service's work queue, bound to the event types it handles;
- ``svc.events.retry.<n>`` (quorum, one per delay tier): holds a failed message for
  ``x-message-ttl`` then dead-letters it back to ``svc.events`` (per-message TTL only
  expires at the head of a queue, hence one queue per tier);
- ``svc.events.dead`` (quorum): messages that failed every retry, kept for an operator;
- ``domain.unrouted`` (fanout alternate exchange + quorum queue): events no queue was
  bound for when they were published, kept instead of silently dropped.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


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


def declare_exchange(channel, exchange: str) -> None:
    """The ``domain`` exchange and its alternate exchange (blocking channel)."""
    unrouted = unrouted_name(exchange)
    channel.exchange_declare(exchange=unrouted, exchange_type="fanout", durable=True)
    channel.queue_declare(queue=unrouted, durable=True, arguments=dict(QUORUM))
    channel.queue_bind(queue=unrouted, exchange=unrouted, routing_key="")
    channel.exchange_declare(
        exchange=exchange, exchange_type="topic", durable=True, arguments=exchange_arguments(exchange)
    )


def declare_service_queues(
    channel, exchange: str, service: str, routing_keys: Iterable[str], retry_delays_ms: list[int]
) -> QueueNames:
    names = QueueNames(service)
    declare_exchange(channel, exchange)
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
