"""A worker's /healthz and /readyz (platform_shared.worker_health), with a clock the test moves."""

import json
import threading

from prometheus_client import CollectorRegistry, Counter
from werkzeug.test import Client

from platform_shared.worker_health import WorkerHealth, worker_wsgi_app


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


def _health(db, clock):
    health = WorkerHealth(db, stall_seconds=60, clock=clock)
    running = threading.Event()
    thread = threading.Thread(target=running.wait, name="outbox-relay", daemon=True)
    thread.start()
    health.watch_thread(thread)
    return health, running


def test_a_worker_is_live_while_its_threads_run_and_no_handler_is_stuck(db):
    clock = Clock()
    health, relay_stops = _health(db, clock)
    assert health.live() == (True, {"outbox-relay": "running"})
    health.started("handler of dossier.created")
    clock.now += 59
    assert health.live()[0] is True
    clock.now += 2
    ok, checks = health.live()
    assert not ok and checks["handler of dossier.created"] == "stuck for 61 s (limit 60 s)"
    health.finished("handler of dossier.created")
    assert health.live()[0] is True
    relay_stops.set()
    health.threads["outbox-relay"].join(5)
    assert health.live() == (False, {"outbox-relay": "stopped"})


def test_a_worker_is_ready_only_with_its_database_and_its_broker_connection(db):
    health, _ = _health(db, Clock())
    connected = threading.Event()
    health.needs_connection("broker", connected)
    assert health.ready() == (False, {"database": "ok", "broker": "not connected"})
    connected.set()
    assert health.ready() == (True, {"database": "ok", "broker": "ok"})


def test_the_worker_http_app_answers_probes_as_json_and_everything_else_as_metrics(db):
    health, _ = _health(db, Clock())
    connected = threading.Event()
    health.needs_connection("broker", connected)
    registry = CollectorRegistry()
    Counter("worker_events_consumed_total", "Events consumed", registry=registry).inc()
    client = Client(worker_wsgi_app(registry, health))
    live = client.get("/healthz")
    assert live.status_code == 200 and json.loads(live.data)["status"] == "live"
    ready = client.get("/readyz")
    assert ready.status_code == 503 and json.loads(ready.data)["checks"]["broker"] == "not connected"
    assert b"worker_events_consumed_total 1.0" in client.get("/metrics").data
