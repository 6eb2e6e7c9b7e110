"""The event backbone over real RabbitMQ and PostgreSQL: outbox, relay, consumer, inbox, retries, dead letters."""

from __future__ import annotations

import json
import os
import random
import signal
import string
import subprocess
import sys
import threading
import uuid
from pathlib import Path
from urllib.parse import urlparse, urlunparse

import pika
import psycopg
import pytest
import requests
from harness import ROOT, Platform, free_port, publish_envelope, queue_depth, wait_until
from minimal_model import create_minimal_model
from sqlalchemy import Column, MetaData, String, Table, func, insert, select
from tcp_proxy import TcpProxy

from platform_shared.config import load_settings
from platform_shared.db import Database
from platform_shared.messaging.consumer import EventConsumer
from platform_shared.messaging.dead_letters import list_dead_letters, replay_dead_letters
from platform_shared.messaging.envelope import new_envelope
from platform_shared.messaging.outbox import record_event
from platform_shared.messaging.relay import OutboxRelay
from platform_shared.messaging.tables import messaging_metadata
from platform_shared.messaging.topology import declare_exchange
from platform_shared.testing import infra


def _through_proxy(amqp_url: str, port: int) -> str:
    parsed = urlparse(amqp_url)
    return urlunparse(parsed._replace(netloc=f"{parsed.username}:{parsed.password}@127.0.0.1:{port}"))


@pytest.fixture(scope="module")
def backbone(tmp_path_factory):
    """dossier (API + worker, broker reached through a proxy we can cut) and the notification worker."""
    proxy_port = free_port()
    work_dir = tmp_path_factory.mktemp("backbone")
    try:
        probe = Platform(work_dir, services=["dossier", "notification"])
    except infra.InfraUnavailable as error:
        pytest.skip(str(error))
    target = urlparse(probe.amqp_url)
    proxy = TcpProxy(target.hostname, target.port or 5672, proxy_port)
    proxy.open()
    probe.per_service_env = {"dossier": {"AMQP_URL": _through_proxy(probe.amqp_url, proxy_port)}}
    probe.start()
    probe.model_id = create_minimal_model(probe)
    try:
        yield probe, proxy
    finally:
        proxy.close()
        probe.stop()


def _notification_rows(platform, event_id: str | None = None, dossier_id: str | None = None) -> int:
    with psycopg.connect(platform.database_url("notification")) as connection:
        if event_id:
            query, value = "select count(*) from received_events where event_id = %s", event_id
        else:
            query, value = "select count(*) from received_events where dossier_id = %s", dossier_id
        return connection.execute(query, (value,)).fetchone()[0]


def _unsent(platform) -> int:
    with psycopg.connect(platform.database_url("dossier")) as connection:
        return connection.execute("select count(*) from outbox where sent_at is null").fetchone()[0]


def test_a_dossier_created_while_the_broker_is_unreachable_is_delivered_once_when_it_returns(backbone):
    platform, proxy = backbone
    proxy.close()
    response = requests.post(
        platform.api("dossier", "/dossiers"),
        json={"title": "Broker outage", "model_id": platform.model_id},
        headers=platform.headers("agent", "agent-outage"),
        timeout=10,
    )
    assert response.status_code == 201
    dossier_id = response.json()["id"]
    assert wait_until(lambda: _unsent(platform) >= 1, timeout=5)
    assert not wait_until(lambda: _notification_rows(platform, dossier_id=dossier_id), timeout=2)

    proxy.open()
    assert wait_until(lambda: _notification_rows(platform, dossier_id=dossier_id), timeout=40)
    assert wait_until(lambda: _unsent(platform) == 0, timeout=10)
    assert _notification_rows(platform, dossier_id=dossier_id) == 1


def test_the_same_event_delivered_twice_has_one_effect(backbone):
    platform, _proxy = backbone
    envelope = new_envelope("dossier.created", {"dossier_id": str(uuid.uuid4())}, producer="test")
    publish_envelope(platform.amqp_url, envelope, times=2)
    assert wait_until(lambda: _notification_rows(platform, event_id=envelope.id), timeout=20)
    with psycopg.connect(platform.database_url("notification")) as connection:
        inbox = connection.execute("select count(*) from inbox where event_id = %s", (envelope.id,)).fetchone()[0]
    assert inbox == 1
    assert _notification_rows(platform, event_id=envelope.id) == 1
    assert "duplicate event ignored" in wait_until(
        lambda: (
            platform.log_text("notification")
            if "duplicate event ignored" in platform.log_text("notification")
            else None
        ),
        timeout=10,
    )


# ----- in-process consumers and relays against a private vhost ------------------------------


@pytest.fixture(scope="module")
def vhost():
    try:
        created = infra.create_vhost(infra.amqp_url(), prefix="backbone")
    except infra.InfraUnavailable as error:
        pytest.skip(str(error))
    yield created
    infra.delete_vhost(created)


@pytest.fixture
def probe_db(tmp_path):
    effects = Table("effects", MetaData(), Column("event_id", String(36), primary_key=True))
    database = Database(f"sqlite:///{tmp_path / 'probe.db'}")
    messaging_metadata.create_all(database.engine)  # a throwaway probe database
    effects.metadata.create_all(database.engine)
    yield database, effects
    database.dispose()


def test_a_handler_that_always_fails_is_dead_lettered_after_its_retries_and_replay_brings_it_back(vhost, probe_db):
    database, effects = probe_db
    service = f"probe-{uuid.uuid4().hex[:8]}"
    settings = load_settings(
        service_name=service, database_url=database.url, amqp_url=vhost.url, consumer_retry_delays_ms=("100", "300")
    )
    attempts = []
    healthy = threading.Event()

    def handler(session, envelope):
        attempts.append(envelope.id)
        if not healthy.is_set():
            raise RuntimeError("downstream refuses")
        session.execute(insert(effects).values(event_id=envelope.id))

    consumer = EventConsumer(database, settings, {"probe.failed": handler})
    thread = threading.Thread(target=consumer.run, daemon=True)
    thread.start()
    try:
        assert consumer.ready.wait(20)
        envelope = new_envelope("probe.failed", {"n": 1}, producer="test")
        publish_envelope(vhost.url, envelope)
        dead = wait_until(lambda: list_dead_letters(settings), timeout=30)
        assert dead and dead[0]["message_id"] == envelope.id
        assert dead[0]["retries"] == 2 and "downstream refuses" in dead[0]["error"]
        assert len(attempts) == 3  # the first try and two retries

        healthy.set()
        assert replay_dead_letters(settings) == 1

        def effect_count():
            with database.read_only() as session:
                return session.execute(select(func.count()).select_from(effects)).scalar_one()

        assert wait_until(effect_count, timeout=20) == 1
        assert list_dead_letters(settings) == []
    finally:
        consumer.stop()
        thread.join(timeout=10)


def test_a_worker_killed_while_handling_gets_the_message_again_and_handles_it_once(vhost, tmp_path):
    service = f"probe-{uuid.uuid4().hex[:8]}"
    marker = tmp_path / "started"
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'slow.db'}",
        "AMQP_URL": vhost.url,
        "SERVICE": service,
        "STARTED_MARKER": str(marker),
        "SLOW_SECONDS": "30",
        "LOG_JSON": "false",
    }
    script = [sys.executable, str(Path(__file__).with_name("slow_worker.py"))]
    settings = load_settings(service_name=service, database_url=env["DATABASE_URL"], amqp_url=vhost.url)

    first = subprocess.Popen(script, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        assert wait_until(lambda: queue_depth(vhost.url, f"{service}.events") is not None, timeout=30)
        envelope = new_envelope("probe.slow", {}, producer="test")
        publish_envelope(vhost.url, envelope)
        assert wait_until(marker.exists, timeout=20)
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)
    finally:
        if first.poll() is None:
            first.kill()

    database = Database(env["DATABASE_URL"])
    effects = Table("effects", MetaData(), Column("event_id", String(36), primary_key=True))

    def effect_count():
        with database.read_only() as session:
            return session.execute(select(func.count()).select_from(effects)).scalar_one()

    assert effect_count() == 0  # the killed transaction never committed
    marker.unlink()
    second = subprocess.Popen(
        script, env={**env, "SLOW_SECONDS": "0"}, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        assert wait_until(effect_count, timeout=30) == 1
        assert marker.read_text() == envelope.id  # redelivered, handled by the new worker
        second.send_signal(signal.SIGTERM)
        assert second.wait(timeout=20) == 0
    finally:
        if second.poll() is None:
            second.kill()
    assert effect_count() == 1
    assert list_dead_letters(settings) == []


def test_the_relay_publishes_the_events_of_one_aggregate_in_the_order_they_were_written(vhost):
    admin = infra.postgres_url()
    name = infra.unique_name("it_order")
    url = infra.create_postgres_database(admin, name)
    database = Database(url)
    messaging_metadata.create_all(database.engine)  # a throwaway relay database
    service = "order_" + "".join(random.choices(string.ascii_lowercase, k=10))  # event types take no digits
    settings = load_settings(service_name=service, database_url=url, amqp_url=vhost.url, relay_batch_size=50)
    connection = pika.BlockingConnection(pika.URLParameters(vhost.url))
    channel = connection.channel()
    declare_exchange(channel, "domain")
    queue = channel.queue_declare(queue="", exclusive=True).method.queue
    channel.queue_bind(queue, "domain", routing_key=f"{service}.*")
    for index in range(300):
        with database.transaction() as session:
            aggregate = "A" if index % 3 else "B"
            record_event(
                session,
                f"{service}.step",
                {"aggregate": aggregate, "n": index},
                producer=service,
                aggregate_id=aggregate,
            )
    relay = OutboxRelay(database, settings)
    thread = threading.Thread(target=relay.run, daemon=True)
    thread.start()
    received: list[dict] = []
    try:
        for method, _properties, body in channel.consume(queue, inactivity_timeout=10):
            if method is None:
                break
            received.append(json.loads(body)["data"])
            channel.basic_ack(method.delivery_tag)
            if len(received) == 300:
                break
    finally:
        relay.stop()
        thread.join(timeout=10)
        connection.close()
        database.dispose()
        infra.drop_postgres_database(admin, name)
    assert len(received) == 300
    for aggregate in "AB":
        numbers = [item["n"] for item in received if item["aggregate"] == aggregate]
        assert numbers == sorted(numbers)


def test_the_consumer_reconnects_by_itself_when_the_broker_connection_is_cut(vhost, probe_db):
    database, effects = probe_db
    proxy = TcpProxy("127.0.0.1", urlparse(vhost.url).port or 5672, free_port())
    proxy.open()
    service = f"probe-{uuid.uuid4().hex[:8]}"
    settings = load_settings(
        service_name=service, database_url=database.url, amqp_url=_through_proxy(vhost.url, proxy.port)
    )

    def handler(session, envelope):
        session.execute(insert(effects).values(event_id=envelope.id))

    def effect_count():
        with database.read_only() as session:
            return session.execute(select(func.count()).select_from(effects)).scalar_one()

    consumer = EventConsumer(database, settings, {"probe.reconnect": handler})
    thread = threading.Thread(target=consumer.run, daemon=True)
    thread.start()
    try:
        assert consumer.ready.wait(20)
        proxy.close()
        assert wait_until(lambda: not consumer.ready.is_set(), timeout=20)
        publish_envelope(vhost.url, new_envelope("probe.reconnect", {}, producer="test"))  # queued while cut off
        proxy.open()
        assert wait_until(effect_count, timeout=40) == 1
    finally:
        consumer.stop()
        proxy.close()
        thread.join(timeout=10)


class _RelayDyingBeforeMarking(OutboxRelay):
    """A relay that 'crashes' after the broker confirmed its first batch, before marking rows sent."""

    def _finish_batch(self, batch):
        self._batch = None
        self.stop()


def test_a_relay_dying_between_confirm_and_marking_republishes_and_the_inbox_absorbs_the_duplicates(vhost, probe_db):
    database, effects = probe_db
    service = "crash_" + "".join(random.choices(string.ascii_lowercase, k=10))
    settings = load_settings(service_name=service, database_url=database.url, amqp_url=vhost.url, relay_batch_size=20)
    seen: list[str] = []

    def handler(session, envelope):
        seen.append(envelope.id)
        session.execute(insert(effects).values(event_id=envelope.id))

    consumer = EventConsumer(database, settings, {f"{service}.done": handler})
    consumer_thread = threading.Thread(target=consumer.run, daemon=True)
    consumer_thread.start()
    assert consumer.ready.wait(20)
    with database.transaction() as session:
        for index in range(20):
            record_event(session, f"{service}.done", {"n": index}, producer=service)
    try:
        dying = _RelayDyingBeforeMarking(database, settings)
        dying.run()  # returns once it "died" after the confirms
        assert wait_until(lambda: len(seen) >= 20, timeout=20)
        relay = OutboxRelay(database, settings)
        relay_thread = threading.Thread(target=relay.run, daemon=True)
        relay_thread.start()

        def all_marked():
            with database.read_only() as session:
                return (
                    session.execute(
                        select(func.count())
                        .select_from(messaging_metadata.tables["outbox"])
                        .where(messaging_metadata.tables["outbox"].c.sent_at.is_(None))
                    ).scalar_one()
                    == 0
                )

        assert wait_until(all_marked, timeout=20)
        relay.stop()
        relay_thread.join(timeout=10)
        wait_until(lambda: consumer.stats.duplicates >= 20, timeout=10)
    finally:
        consumer.stop()
        consumer_thread.join(timeout=10)
    with database.read_only() as session:
        distinct_effects = session.execute(select(func.count()).select_from(effects)).scalar_one()
    assert consumer.stats.duplicates == 20  # every event was published twice...
    assert distinct_effects == 20 == len(set(seen))  # ...and handled once
