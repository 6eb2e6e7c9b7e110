"""Faults and bad messages on the event backbone, over real RabbitMQ and PostgreSQL (issue 19).

Each test builds what it needs in process (a consumer, relays) against a private virtual host and
throwaway databases, so it can cut, kill and terminate without disturbing the platform of the suite.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import json
import os
import random
import signal
import string
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path
from urllib.parse import urlparse

import pika
import psycopg
import pytest
import requests
from harness import BIN, ROOT, free_port, publish_envelope, queue_depth, wait_until
from sqlalchemy import Column, MetaData, String, Table, text
from tcp_proxy import TcpProxy, through_proxy

from platform_shared.auth import mint_token
from platform_shared.config import load_settings
from platform_shared.db import Database
from platform_shared.messaging.consumer import EventConsumer
from platform_shared.messaging.dead_letters import list_dead_letters, replay_dead_letters
from platform_shared.messaging.envelope import new_envelope
from platform_shared.messaging.outbox import record_event
from platform_shared.messaging.relay import OutboxRelay
from platform_shared.messaging.tables import messaging_metadata
from platform_shared.messaging.topology import (
    UnroutedLimits,
    declare_exchange,
    declare_service_queues,
    unrouted_limits,
)
from platform_shared.testing import infra


@pytest.fixture(scope="module")
def vhost():
    try:
        created = infra.create_vhost(infra.amqp_url(), prefix="faults")
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


class RunningConsumer:
    """An ``EventConsumer`` in a thread, stopped at the end of the test."""

    def __init__(self, database, settings, handlers):
        self.consumer = EventConsumer(database, settings, handlers)
        self.thread = threading.Thread(target=self.consumer.run, daemon=True)

    def __enter__(self) -> EventConsumer:
        self.thread.start()
        assert self.consumer.ready.wait(20)
        return self.consumer

    def __exit__(self, *exc_info) -> None:
        self.consumer.stop()
        self.thread.join(timeout=10)


def _publish_raw(amqp_url: str, queue: str, bodies: list[bytes]) -> None:
    connection = pika.BlockingConnection(pika.URLParameters(amqp_url))
    try:
        channel = connection.channel()
        channel.confirm_delivery()
        for index, body in enumerate(bodies):
            channel.basic_publish(
                "",
                queue,
                body,
                properties=pika.BasicProperties(delivery_mode=2, message_id=f"malformed-{index}"),
                mandatory=True,
            )
    finally:
        connection.close()


def _in_thread(function, timeout: float):
    """``function()`` in a thread; its result, or a failure if it has not returned after ``timeout`` s."""
    outcome: dict = {}
    thread = threading.Thread(target=lambda: outcome.setdefault("value", function()), daemon=True)
    thread.start()
    thread.join(timeout)
    assert not thread.is_alive(), f"{function} still running after {timeout} s"
    return outcome["value"]


AGENT = {"sub": "agent-1", "role": "agent", "email": "agent@x.test"}


# ----- finding 2: a replay takes each dead letter once ------------------------------------------------


def test_replaying_dead_letters_that_fail_again_at_once_takes_each_one_once_and_ends(vhost, probe_db):
    database, _effects = probe_db
    service = f"replay-{uuid.uuid4().hex[:8]}"
    settings = load_settings(service_name=service, database_url=database.url, amqp_url=vhost.url)
    with RunningConsumer(database, settings, {"probe.any": lambda session, envelope: None}) as consumer:
        _publish_raw(vhost.url, f"{service}.events", [b"not an envelope %d" % index for index in range(30)])
        assert wait_until(lambda: consumer.stats.dead_lettered == 30, timeout=30)
        assert wait_until(lambda: queue_depth(vhost.url, f"{service}.events.dead") == 30, timeout=10)

        assert _in_thread(lambda: replay_dead_letters(settings), timeout=60) == 30
        # every message went round once more: dead-lettered again at once, and not taken again
        assert wait_until(lambda: queue_depth(vhost.url, f"{service}.events.dead") == 30, timeout=20)
        assert wait_until(lambda: consumer.stats.dead_lettered == 60, timeout=20)
        time.sleep(1.0)  # nothing keeps circulating
        assert consumer.stats.dead_lettered == 60

        assert _in_thread(lambda: replay_dead_letters(settings, message_id="malformed-7"), timeout=60) == 1
        assert wait_until(lambda: consumer.stats.dead_lettered == 61, timeout=20)
        time.sleep(1.0)
        assert consumer.stats.dead_lettered == 61
        dead = list_dead_letters(settings)
        assert sorted(entry["message_id"] for entry in dead) == sorted(f"malformed-{index}" for index in range(30))


def test_a_replay_of_a_handler_failing_again_goes_through_its_retries_once(vhost, probe_db):
    database, effects = probe_db
    service = f"replay-{uuid.uuid4().hex[:8]}"
    settings = load_settings(
        service_name=service, database_url=database.url, amqp_url=vhost.url, consumer_retry_delays_ms=("50",)
    )
    attempts: list[str] = []

    def always_failing(session, envelope):
        attempts.append(envelope.id)
        raise RuntimeError("still broken")

    with RunningConsumer(database, settings, {"probe.broken": always_failing}) as consumer:
        envelope = new_envelope("probe.broken", {}, producer="test")
        publish_envelope(vhost.url, envelope)
        assert wait_until(lambda: consumer.stats.dead_lettered == 1, timeout=20)
        assert _in_thread(lambda: replay_dead_letters(settings, message_id=envelope.id), timeout=60) == 1
        assert wait_until(lambda: consumer.stats.dead_lettered == 2, timeout=20)
        time.sleep(1.0)
        assert consumer.stats.dead_lettered == 2
        assert len(attempts) == 4  # first try, its retry; the replay's try, its retry


# ----- finding 8: an event of a type without handler is parked, not dropped ---------------------------


def test_an_event_whose_type_has_no_handler_on_a_bound_key_is_dead_lettered_with_the_reason(vhost, probe_db):
    database, _effects = probe_db
    service = f"unknown-{uuid.uuid4().hex[:8]}"
    settings = load_settings(service_name=service, database_url=database.url, amqp_url=vhost.url)
    handled: list[str] = []
    with RunningConsumer(database, settings, {"probe.known": lambda session, envelope: handled.append(envelope.id)}):
        stray = new_envelope("probe.stray", {}, producer="test")
        connection = pika.BlockingConnection(pika.URLParameters(vhost.url))
        try:
            channel = connection.channel()
            channel.confirm_delivery()
            channel.basic_publish(  # routed by the bound key, but the envelope says another type
                "domain",
                "probe.known",
                stray.to_json().encode(),
                properties=pika.BasicProperties(delivery_mode=2, message_id=stray.id, type=stray.type),
                mandatory=True,
            )
        finally:
            connection.close()
        dead = wait_until(lambda: list_dead_letters(settings), timeout=20)
    assert dead and dead[0]["message_id"] == stray.id
    assert dead[0]["error"] == "no handler for event type 'probe.stray' (routing key 'probe.known')"
    assert handled == []


# ----- issue 20 point 8: an event whose data does not match its type's schema is parked with the reason ---


def test_a_known_event_type_whose_data_does_not_match_its_schema_is_dead_lettered_with_the_reason(vhost, probe_db):
    database, _effects = probe_db
    service = f"typed-{uuid.uuid4().hex[:8]}"
    settings = load_settings(service_name=service, database_url=database.url, amqp_url=vhost.url)
    handled: list[str] = []
    with RunningConsumer(
        database, settings, {"document.rendered": lambda session, envelope: handled.append(envelope.id)}
    ):
        malformed = new_envelope("document.rendered", {"owner_type": "dossier", "renditions": "pdf"}, producer="test")
        valid = new_envelope("document.rendered", {"document_id": str(uuid.uuid4())}, producer="test")
        publish_envelope(vhost.url, malformed)
        publish_envelope(vhost.url, valid)
        dead = wait_until(lambda: list_dead_letters(settings), timeout=20)
        assert wait_until(lambda: handled == [valid.id], timeout=20)
    assert [letter["message_id"] for letter in dead] == [malformed.id]
    assert dead[0]["error"].startswith("data of 'document.rendered' does not match its schema: ")
    assert "document_id" in dead[0]["error"] and "renditions" in dead[0]["error"]


# ----- finding 3: the relay stops publishing the moment its lock session dies -------------------------


class RecordingRelay(OutboxRelay):
    """A relay that notes each batch it is about to publish, in one log shared by the relays of a test."""

    def __init__(self, name: str, batches: list, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.name, self.batches = name, batches

    def _load_unsent(self):
        rows = super()._load_unsent()
        if rows:
            self.batches.append((self.name, [row[0] for row in rows]))
        return rows


def _lock_holder_pid(admin_url: str, database: str) -> int | None:
    with psycopg.connect(admin_url, dbname=database) as connection:
        row = connection.execute(
            "SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted AND database = "
            "(SELECT oid FROM pg_database WHERE datname = %s)",
            (database,),
        ).fetchone()
        return row[0] if row else None


def test_a_relay_whose_lock_session_is_terminated_stops_publishing_before_the_standby_takes_over(vhost):
    admin = infra.postgres_url()
    name = infra.unique_name("it_lock")
    url = infra.create_postgres_database(admin, name)
    database = Database(url)
    messaging_metadata.create_all(database.engine)  # a throwaway relay database
    service = "lock_" + "".join(random.choices(string.ascii_lowercase, k=10))  # event types take no digits
    settings = load_settings(
        service_name=service, database_url=url, amqp_url=vhost.url, relay_batch_size=20, relay_standby_poll_seconds=0.05
    )
    connection = pika.BlockingConnection(pika.URLParameters(vhost.url))
    channel = connection.channel()
    declare_exchange(channel, "domain")
    queue = channel.queue_declare(queue="", exclusive=True).method.queue
    channel.queue_bind(queue, "domain", routing_key=f"{service}.*")
    batches: list[tuple[str, list[int]]] = []
    leader = RecordingRelay("leader", batches, database, settings)
    standby = RecordingRelay("standby", batches, database, settings)
    threads = [threading.Thread(target=relay.run, daemon=True) for relay in (leader, standby)]
    total = 300

    def produce():
        for index in range(total):
            with database.transaction() as session:
                record_event(session, f"{service}.step", {"n": index}, producer=service, aggregate_id="A")
            time.sleep(0.01)

    producer = threading.Thread(target=produce, daemon=True)
    received: list[int] = []
    try:
        threads[0].start()
        assert leader.connected.wait(20)
        threads[1].start()
        producer.start()
        terminated = False
        for method, _properties, body in channel.consume(queue, inactivity_timeout=20):
            if method is None:
                break
            received.append(json.loads(body)["data"]["n"])
            channel.basic_ack(method.delivery_tag)
            if not terminated and len(received) >= 100:
                pid = _lock_holder_pid(admin, name)
                with psycopg.connect(admin, autocommit=True) as killer:
                    killer.execute("SELECT pg_terminate_backend(%s)", (pid,))
                terminated = True
            if len(set(received)) == total:
                break
    finally:
        producer.join(timeout=30)
        for relay in (leader, standby):
            relay.stop()
        for thread in threads:
            thread.join(timeout=10)
        connection.close()
        database.dispose()
        infra.drop_postgres_database(admin, name)

    assert terminated and sorted(set(received)) == list(range(total))
    publishers = [relay_name for relay_name, _seqs in batches]
    assert "standby" in publishers  # it took over...
    takeover = publishers.index("standby")
    assert "leader" not in publishers[takeover:]  # ...and the old leader had stopped: never both at once
    first_seen = list(dict.fromkeys(received))
    assert first_seen == sorted(first_seen)  # order kept
    assert len(received) - total <= settings.relay_batch_size  # at most the batch in flight is published twice


# ----- finding 10: a worker's liveness and readiness ----------------------------------------------------


def _probe(port: int, path: str) -> tuple[int, dict] | None:
    try:
        response = requests.get(f"http://127.0.0.1:{port}{path}", timeout=2)
    except requests.RequestException:
        return None
    return response.status_code, response.json()


def _worker_env(amqp_url: str, tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("TEST_", "PYTEST_"))}
    env.update({"AMQP_URL": amqp_url, "DATA_DIR": str(tmp_path), "LOG_JSON": "false", **extra})
    return env


def test_a_worker_without_the_broker_is_alive_but_not_ready_and_ready_again_when_it_returns(vhost, tmp_path):
    proxy = TcpProxy("127.0.0.1", urlparse(vhost.url).port or 5672, free_port())
    proxy.open()
    port = free_port()
    env = _worker_env(
        through_proxy(vhost.url, proxy.port),
        tmp_path,
        DATABASE_URL=f"sqlite:///{tmp_path / 'notification.db'}",
        WORKER_METRICS_PORT=str(port),
    )
    subprocess.run([str(BIN / "notification-ctl"), "migrate"], env=env, check=True, capture_output=True, timeout=120)
    worker = subprocess.Popen(
        [str(BIN / "notification-ctl"), "worker"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        assert wait_until(
            lambda: _probe(port, "/readyz") == (200, {"status": "ready", "checks": {"database": "ok", "broker": "ok"}}),
            timeout=30,
        )
        proxy.close()
        assert wait_until(lambda: (_probe(port, "/readyz") or (0,))[0] == 503, timeout=30)
        assert _probe(port, "/readyz")[1]["checks"]["broker"] == "not connected"
        status, live = _probe(port, "/healthz")
        assert status == 200 and live["status"] == "live"  # it reconnects by itself: no restart wanted
        proxy.open()
        assert wait_until(lambda: (_probe(port, "/readyz") or (0,))[0] == 200, timeout=40)
        worker.send_signal(signal.SIGTERM)
        assert worker.wait(timeout=20) == 0
    finally:
        if worker.poll() is None:
            worker.kill()
        proxy.close()


def test_a_worker_stuck_in_a_handler_is_reported_not_live(vhost, tmp_path):
    service = f"stuck-{uuid.uuid4().hex[:8]}"
    marker = tmp_path / "started"
    port = free_port()
    env = _worker_env(
        vhost.url,
        tmp_path,
        DATABASE_URL=f"sqlite:///{tmp_path / 'slow.db'}",
        SERVICE=service,
        STARTED_MARKER=str(marker),
        SLOW_SECONDS="60",
        WORKER_STALL_SECONDS="1",
        WORKER_METRICS_PORT=str(port),
    )
    worker = subprocess.Popen(
        [sys.executable, str(Path(__file__).with_name("slow_worker.py"))],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        # ready, not only live: its consumer has declared and bound its queue (published before, the probe
        # would be unrouted and the handler never start)
        assert wait_until(lambda: (_probe(port, "/readyz") or (0,))[0] == 200, timeout=30)
        assert _probe(port, "/healthz")[1]["status"] == "live"
        publish_envelope(vhost.url, new_envelope("probe.slow", {}, producer="test"))
        assert wait_until(marker.exists, timeout=20)
        assert wait_until(lambda: (_probe(port, "/healthz") or (0,))[0] == 503, timeout=10)
        checks = _probe(port, "/healthz")[1]["checks"]
        assert checks["handler of probe.slow"].startswith("stuck for")
    finally:
        worker.kill()
        worker.wait(timeout=10)


# ----- finding 1: a slow template never holds the documents service ------------------------------------


def _docx(text: str) -> bytes:
    from docx import Document

    document = Document()
    document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


@contextlib.contextmanager
def _documents_api(tmp_path: Path, **extra: str):
    """The documents API under gunicorn on SQLite, alone (no broker needed): its base URL and an admin's headers."""
    port = free_port()
    env = _worker_env(
        "amqp://guest:guest@127.0.0.1:1/%2F",
        tmp_path,
        DATABASE_URL=f"sqlite:///{tmp_path / 'documents.db'}",
        CONVERTER="none",
        GUNICORN_THREADS="4",
        **extra,
    )
    subprocess.run([str(BIN / "documents-ctl"), "migrate"], env=env, check=True, capture_output=True, timeout=120)
    api = subprocess.Popen(
        [
            str(BIN / "gunicorn"),
            "-c",
            str(ROOT / "deploy/gunicorn.conf.py"),
            "--bind",
            f"127.0.0.1:{port}",
            "documents.app:create_app()",
        ],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    settings = load_settings(service_name="documents", database_url="sqlite://")
    admin = {"Authorization": f"Bearer {mint_token(settings, sub='admin-ada', role='admin')}"}
    try:
        assert wait_until(lambda: _probe(port, "/healthz"), timeout=30)
        yield f"http://127.0.0.1:{port}", port, admin
    finally:
        os.killpg(api.pid, signal.SIGTERM)
        api.wait(timeout=30)


def test_a_long_query_reaches_the_app_and_is_answered_in_problem_json(tmp_path):
    with _documents_api(tmp_path) as (base, _port, admin):
        response = requests.get(f"{base}/api/v1/documents/x/content?rendition={'r' * 6000}", headers=admin, timeout=30)
    assert 400 <= response.status_code < 500
    assert response.headers["Content-Type"] == "application/problem+json"


def test_a_template_that_renders_forever_fails_with_a_422_while_the_service_goes_on_writing(tmp_path):
    with _documents_api(tmp_path, RENDER_TIMEOUT_SECONDS="4") as (base, port, admin):
        nested = "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}"
        template = requests.post(
            f"{base}/api/v1/templates",
            headers=admin,
            data={"name": "Forever", "type": "letter", "entity": "dossier", "pdf_auto": "false"},
            files={"file": ("forever.docx", _docx(nested))},
            timeout=30,
        )
        assert template.status_code == 201, template.text
        render = {}
        rendering = threading.Thread(
            target=lambda: render.setdefault(
                "response",
                requests.post(
                    f"{base}/api/v1/templates/{template.json()['id']}/render",
                    headers=admin,
                    json={"owner_type": "dossier", "owner_id": "dos-1", "category": "other"},
                    timeout=60,
                ),
            ),
            daemon=True,
        )
        rendering.start()
        time.sleep(0.5)  # the render is under way
        for index in range(5):  # every upload meanwhile is written at once, none waits for the render
            uploaded = requests.post(
                f"{base}/api/v1/documents",
                headers=admin,
                data={"owner_type": "dossier", "owner_id": "dos-2", "category": "other"},
                files={"file": (f"note-{index}.txt", b"a note")},
                timeout=30,
            )
            assert uploaded.status_code == 201, uploaded.text
        assert rendering.is_alive()
        assert _probe(port, "/healthz")[0] == 200 and _probe(port, "/readyz")[0] == 200
        rendering.join(60)
        response = render["response"]
        assert response.status_code == 422, response.text
        assert response.headers["Content-Type"] == "application/problem+json"
        assert "took longer than 4 s" in response.json()["detail"]


# ----- finding 9: domain.unrouted is bounded ----------------------------------------------------------


def _publish_unroutable(amqp_url: str, count: int, prefix: str) -> None:
    connection = pika.BlockingConnection(pika.URLParameters(amqp_url))
    try:
        channel = connection.channel()
        channel.confirm_delivery()
        for index in range(count):
            channel.basic_publish(
                "domain",
                f"{prefix}.nobody_listens",
                b"{}",
                properties=pika.BasicProperties(message_id=f"{prefix}-{index}"),
            )
    finally:
        connection.close()


def test_domain_unrouted_keeps_the_newest_messages_up_to_its_length_and_drops_them_after_their_ttl():
    try:
        vhost = infra.create_vhost(infra.amqp_url(), prefix="unrouted")
    except infra.InfraUnavailable as error:
        pytest.skip(str(error))
    settings = load_settings(
        service_name="probe",
        database_url="sqlite://",
        amqp_url=vhost.url,
        unrouted_max_length=5,
        unrouted_message_ttl_seconds=2,
    )
    try:
        setup = pika.BlockingConnection(pika.URLParameters(vhost.url))
        try:
            declare_service_queues(
                setup.channel(), "domain", "probe", ["probe.known"], [100], unrouted_limits(settings)
            )
        finally:
            setup.close()
        _publish_unroutable(vhost.url, 20, "first")
        assert queue_depth(vhost.url, "domain.unrouted") == 5
        connection = pika.BlockingConnection(pika.URLParameters(vhost.url))
        try:
            method, properties, _body = connection.channel().basic_get("domain.unrouted", auto_ack=False)
            assert properties.message_id == "first-15"  # the oldest were dropped
        finally:
            connection.close()
        assert wait_until(lambda: queue_depth(vhost.url, "domain.unrouted") == 0, timeout=20)  # expired
        # declaring again, with other limits, keeps the existing queue (a policy changes its limits)
        again = pika.BlockingConnection(pika.URLParameters(vhost.url))
        try:
            declare_exchange(again.channel(), "domain", UnroutedLimits(max_length=99, message_ttl_seconds=99))
        finally:
            again.close()
        _publish_unroutable(vhost.url, 8, "second")
        assert queue_depth(vhost.url, "domain.unrouted") == 5
    finally:
        infra.delete_vhost(vhost)


# ----- finding 13: an email whose sender was killed mid-send is the operator's call ---------------------


class _HangingSmtp:
    """An SMTP sink whose first DATA is held until released: a worker killed meanwhile never learns the outcome."""

    def __init__(self):
        from aiosmtpd.controller import Controller

        self.received: list[bytes] = []
        self.holding = threading.Event()
        self.release = threading.Event()
        self.port = free_port()
        sink = self

        class _Handler:
            async def handle_DATA(self, server, session, envelope):
                sink.received.append(envelope.content)
                if len(sink.received) == 1:
                    sink.holding.set()
                    while not sink.release.is_set():
                        await asyncio.sleep(0.05)
                return "250 OK"

        self._controller = Controller(_Handler(), hostname="127.0.0.1", port=self.port)

    def __enter__(self):
        self._controller.start()
        return self

    def __exit__(self, *exc_info):
        self.release.set()
        self._controller.stop()


def test_an_email_whose_worker_is_killed_mid_send_stays_unknown_until_an_operator_resends_it(vhost, tmp_path):
    with _HangingSmtp() as smtp:
        env = _worker_env(
            vhost.url,
            tmp_path,
            DATABASE_URL=f"sqlite:///{tmp_path / 'notification.db'}",
            SMTP_HOST="127.0.0.1",
            SMTP_PORT=str(smtp.port),
            STALE_SENDING_SECONDS="1",
            SENDER_INTERVAL_SECONDS="0.2",
        )
        ctl = str(BIN / "notification-ctl")
        for command in ("migrate", "setup-broker"):
            subprocess.run([ctl, command], env=env, check=True, capture_output=True, timeout=120)

        def start_worker():
            return subprocess.Popen(
                [ctl, "worker"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
            )

        worker = start_worker()
        try:
            assert wait_until(lambda: queue_depth(vhost.url, "notification.events") is not None, timeout=30)
            data = {
                "request_id": "r-1",
                "contract_id": "k-1",
                "beneficiary_id": None,
                "document_id": "doc-1",
                "template_id": "t",
                "title": "Assurance",
                "client_sub": "client-7",
                "client_org": None,
                "client_email": "client7@x.test",
            }
            publish_envelope(vhost.url, new_envelope("attestation.issued", data, producer="test", actor=AGENT))
            assert smtp.holding.wait(30)  # the worker is inside the SMTP exchange
            os.killpg(worker.pid, signal.SIGKILL)
            worker.wait(timeout=10)
            smtp.release.set()
            worker = start_worker()

            def unknown() -> list[dict]:
                listed = subprocess.run([ctl, "deliveries", "unknown"], env=env, capture_output=True, timeout=60)
                return [json.loads(line) for line in listed.stdout.decode().splitlines()]

            [delivery] = wait_until(unknown, timeout=30)
            assert delivery["recipient"] == "client7@x.test"
            time.sleep(1.0)  # several sender passes: never resent by itself
            assert len(smtp.received) == 1
            resent = subprocess.run(
                [ctl, "deliveries", "resend", delivery["id"], "--by", "ops-anna"],
                env=env,
                capture_output=True,
                timeout=60,
            )
            assert resent.returncode == 0, resent.stderr
            assert wait_until(lambda: len(smtp.received) == 2, timeout=30)
            assert wait_until(lambda: not unknown(), timeout=10)
            with Database(env["DATABASE_URL"]).read_only() as session:
                status, resent_by = session.execute(
                    text("SELECT status, resent_by FROM deliveries WHERE id = :id"), {"id": delivery["id"]}
                ).one()
            assert (status, resent_by) == ("sent", "ops-anna")
        finally:
            if worker.poll() is None:
                os.killpg(worker.pid, signal.SIGTERM)
                worker.wait(timeout=20)
