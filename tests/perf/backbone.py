"""Benchmark of the event backbone (issue 2), each figure next to its baseline measured in the same run.

1. Outbox relay throughput (confirmed events/s) vs a bare pika publish loop
   (unconfirmed, and confirmed one by one) to the same broker and quorum queue.
2. End-to-end latency from the HTTP response of ``POST /dossiers`` to the
   notification worker handling the event (p50/p99 over N events) vs a bare pika
   confirmed publish + consume round trip.

Run: ``make bench`` (or ``.venv/bin/python tests/perf/backbone.py --events 5000 --requests 1000``).
Needs the local PostgreSQL and RabbitMQ. Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

import pika
import psycopg
import requests

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests" / "integration"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import Platform  # noqa: E402
from minimal_model import create_minimal_model  # noqa: E402

from platform_shared.config import load_settings  # noqa: E402
from platform_shared.db import Database  # noqa: E402
from platform_shared.messaging.outbox import record_event  # noqa: E402
from platform_shared.messaging.relay import OutboxRelay  # noqa: E402
from platform_shared.messaging.tables import messaging_metadata  # noqa: E402
from platform_shared.messaging.topology import declare_exchange  # noqa: E402
from platform_shared.testing import infra  # noqa: E402

ROUTING_KEY = "bench.happened"
QUEUE = "bench.sink"


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def _sink(channel) -> None:
    declare_exchange(channel, "domain")
    channel.queue_declare(QUEUE, durable=True, arguments={"x-queue-type": "quorum"})
    channel.queue_bind(QUEUE, "domain", routing_key=ROUTING_KEY)
    channel.queue_purge(QUEUE)


def bare_publish_rate(amqp_url: str, count: int, confirm: bool) -> float:
    connection = pika.BlockingConnection(pika.URLParameters(amqp_url))
    channel = connection.channel()
    _sink(channel)
    if confirm:
        channel.confirm_delivery()
    body = b'{"bench": true, "padding": "' + b"x" * 300 + b'"}'
    started = time.perf_counter()
    for _ in range(count):
        channel.basic_publish("domain", ROUTING_KEY, body, properties=pika.BasicProperties(delivery_mode=2))
    if not confirm:
        connection.process_data_events(time_limit=0)
    elapsed = time.perf_counter() - started
    channel.queue_purge(QUEUE)
    connection.close()
    return count / elapsed


def relay_rate(amqp_url: str, count: int) -> float:
    admin = infra.postgres_url()
    name = infra.unique_name("bench_relay")
    url = infra.create_postgres_database(admin, name)
    database = Database(url)
    messaging_metadata.create_all(database.engine)  # a throwaway benchmark database
    settings = load_settings(service_name="bench", database_url=url, amqp_url=amqp_url, relay_batch_size=500)
    connection = pika.BlockingConnection(pika.URLParameters(amqp_url))
    _sink(connection.channel())
    for start in range(0, count, 500):
        with database.transaction() as session:
            for index in range(start, min(count, start + 500)):
                record_event(session, ROUTING_KEY, {"n": index, "padding": "x" * 200}, producer="bench")
    published = []
    done = threading.Event()

    def on_published(number: int) -> None:
        published.append(number)
        if sum(published) >= count:
            done.set()

    relay = OutboxRelay(database, settings, on_published=on_published)
    started = time.perf_counter()
    thread = threading.Thread(target=relay.run, daemon=True)
    thread.start()
    done.wait(600)
    elapsed = time.perf_counter() - started
    relay.stop()
    thread.join(timeout=10)
    connection.channel().queue_purge(QUEUE)
    connection.close()
    database.dispose()
    infra.drop_postgres_database(admin, name)
    return sum(published) / elapsed


def bare_round_trip(amqp_url: str, count: int) -> list[float]:
    publisher = pika.BlockingConnection(pika.URLParameters(amqp_url))
    consumer = pika.BlockingConnection(pika.URLParameters(amqp_url))
    out = publisher.channel()
    out.confirm_delivery()
    inbound = consumer.channel()
    _sink(inbound)
    latencies = []
    for _ in range(count):
        started = time.perf_counter()
        out.basic_publish("domain", ROUTING_KEY, b"{}", properties=pika.BasicProperties(delivery_mode=2))
        for method, _properties, _body in inbound.consume(QUEUE, inactivity_timeout=5):
            inbound.basic_ack(method.delivery_tag)
            break
        latencies.append(time.perf_counter() - started)
    inbound.cancel()
    publisher.close()
    consumer.close()
    return latencies


def end_to_end(count: int, pauses_ms: tuple[float, ...]) -> dict[float, list[float]]:
    """Latencies per pause between requests (0: back to back, the machine's two cores shared by all)."""
    with tempfile.TemporaryDirectory() as work_dir:
        platform = Platform(
            Path(work_dir), services=["dossier", "notification"], extra_env={"LOG_LEVEL": "WARNING"}
        ).start()
        try:
            headers = platform.headers("agent", "bench-agent")
            model_id = create_minimal_model(platform)
            session = requests.Session()

            def received() -> dict[str, float]:
                with psycopg.connect(platform.database_url("notification")) as connection:
                    rows = connection.execute(
                        "select dossier_id, extract(epoch from received_at) from received_events"
                    ).fetchall()
                return {dossier_id: float(epoch) for dossier_id, epoch in rows}

            results = {}
            for pause_ms in pauses_ms:
                answered: dict[str, float] = {}
                for index in range(count):
                    response = session.post(
                        platform.api("dossier", "/dossiers"),
                        json={"title": f"bench {index}", "model_id": model_id},
                        headers=headers,
                        timeout=10,
                    )
                    answered[response.json()["id"]] = time.time()
                    if pause_ms:
                        time.sleep(pause_ms / 1000)
                platform.wait_until(lambda: set(answered) <= set(received()), timeout=300, interval=0.5)
                handled = received()
                results[pause_ms] = [handled[key] - at for key, at in answered.items() if key in handled]
            return results
        finally:
            platform.stop()


def backbone_figures(events: int, requests_count: int) -> list:
    """Relay throughput and end-to-end latency, printed in detail, as figures of the summary table."""
    from report import Figure

    vhost = infra.create_vhost(infra.amqp_url(), prefix="bench")
    try:
        unconfirmed = bare_publish_rate(vhost.url, events, confirm=False)
        one_by_one = bare_publish_rate(vhost.url, events, confirm=True)
        relay = relay_rate(vhost.url, events)
        round_trips = bare_round_trip(vhost.url, requests_count)
    finally:
        infra.delete_vhost(vhost)
    latencies_by_pause = end_to_end(requests_count, (0.0, 20.0))
    ms = 1000.0
    print("\n== Outbox relay throughput (persistent messages to a quorum queue) ==")
    print(f"bare pika publish loop, no confirms:          {unconfirmed:9.0f} msg/s")
    print(f"bare pika publish loop, confirm each:         {one_by_one:9.0f} msg/s")
    print(f"outbox relay (PostgreSQL, batched confirms):  {relay:9.0f} events/s confirmed and marked sent")
    print(f"\n== End-to-end latency over {requests_count} events per line ==")
    bare_p50, bare_p99 = statistics.median(round_trips) * ms, percentile(round_trips, 0.99) * ms
    print(f"bare pika confirmed publish + consume:                 p50 {bare_p50:7.2f} ms   p99 {bare_p99:7.2f} ms")
    figures = [
        Figure(
            "outbox relay throughput vs bare confirm-each loop",
            relay,
            f"{relay:.0f} events/s",
            one_by_one,
            f"{one_by_one:.0f} msg/s (no confirms {unconfirmed:.0f})",
            1.0,
            True,
            ">= 1x",
        )
    ]
    for pause_ms, latencies in latencies_by_pause.items():
        label = "back to back" if not pause_ms else f"{pause_ms:.0f} ms apart"
        p50, p99 = statistics.median(latencies) * ms, percentile(latencies, 0.99) * ms
        print(f"POST /dossiers response -> notification handled ({label}): p50 {p50:7.2f} ms   p99 {p99:7.2f} ms")
        figures.append(
            Figure(
                f"POST /dossiers -> notification handled, {label}",
                p50,
                f"p50 {p50:.1f} ms, p99 {p99:.1f} ms",
                bare_p50,
                f"pika publish+consume p50 {bare_p50:.1f} ms, p99 {bare_p99:.1f} ms",
                0,
                False,
                "p50 <= 8 ms",
                absolute_goal=8.0,
            )
        )
    return figures


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=5000)
    parser.add_argument("--requests", type=int, default=1000)
    args = parser.parse_args()
    from report import print_table

    print_table(backbone_figures(args.events, args.requests), title="event backbone")


if __name__ == "__main__":
    main()
