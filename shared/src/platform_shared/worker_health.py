"""What a worker's ``/healthz`` and ``/readyz`` say, and the small HTTP server that answers them with ``/metrics``.

- **Live** (``/healthz``, Kubernetes' liveness probe, compose's healthcheck): the worker's threads (the
  relay, the periodic jobs; the consumer is the main thread, whose end ends the process) are running,
  and no event's handler has been running longer than ``WORKER_STALL_SECONDS``. A stuck worker is
  answered 503 and replaced; its message is redelivered to another one. A periodic job may rightly run
  long through a backlog (conversions, emails): each bounds its own steps (converter and SMTP timeouts).
- **Ready** (``/readyz``): the worker can do its job: its database answers and its consumer holds a
  broker connection. Without the broker a worker is alive (it reconnects by itself) but not ready,
  while the APIs stay ready: the outbox keeps their events until the relay can publish them.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from prometheus_client import CollectorRegistry, make_wsgi_app
from prometheus_client.exposition import ThreadingWSGIServer

from .db import Database


class WorkerHealth:
    """Threads and units of work a worker reports as it runs; read by the probes."""

    def __init__(self, db: Database, stall_seconds: float, *, clock: Callable[[], float] = time.monotonic):
        self.db = db
        self.stall_seconds = stall_seconds
        self.clock = clock
        self.threads: dict[str, threading.Thread] = {}
        self.connected: dict[str, threading.Event] = {}
        self._busy: dict[str, float] = {}
        self._lock = threading.Lock()

    def watch_thread(self, thread: threading.Thread) -> None:
        self.threads[thread.name] = thread

    def needs_connection(self, name: str, connected: threading.Event) -> None:
        """``connected`` must be set for the worker to be ready (the consumer's broker connection)."""
        self.connected[name] = connected

    def started(self, work: str) -> None:
        with self._lock:
            self._busy[work] = self.clock()

    def finished(self, work: str) -> None:
        with self._lock:
            self._busy.pop(work, None)

    def live(self) -> tuple[bool, dict[str, str]]:
        checks = {name: "running" if thread.is_alive() else "stopped" for name, thread in self.threads.items()}
        now = self.clock()
        with self._lock:
            stuck = {work: now - since for work, since in self._busy.items() if now - since > self.stall_seconds}
        for work, seconds in stuck.items():
            checks[work] = f"stuck for {seconds:.0f} s (limit {self.stall_seconds:.0f} s)"
        return all(value == "running" for value in checks.values()), checks

    def ready(self) -> tuple[bool, dict[str, str]]:
        checks = {}
        try:
            self.db.ping()
            checks["database"] = "ok"
        except Exception as error:  # any failure means "not ready"
            checks["database"] = f"unreachable: {type(error).__name__}"
        for name, connected in self.connected.items():
            checks[name] = "ok" if connected.is_set() else "not connected"
        return all(value == "ok" for value in checks.values()), checks


def worker_wsgi_app(registry: CollectorRegistry, health: WorkerHealth):
    """``/healthz`` and ``/readyz`` as JSON (200 or 503), anything else the Prometheus exposition."""
    metrics = make_wsgi_app(registry)

    def app(environ, start_response):
        path = environ.get("PATH_INFO", "")
        if path not in ("/healthz", "/readyz"):
            return metrics(environ, start_response)
        ok, checks = health.live() if path == "/healthz" else health.ready()
        status = ("live" if ok else "not live") if path == "/healthz" else ("ready" if ok else "not ready")
        body = json.dumps({"status": status, "checks": checks}).encode()
        start_response("200 OK" if ok else "503 Service Unavailable", [("Content-Type", "application/json")])
        return [body]

    return app


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format, *args):  # probes every few seconds: not worth a log line each
        pass


def serve_worker_http(port: int, registry: CollectorRegistry, health: WorkerHealth) -> WSGIServer:
    """Serve the worker's probes and metrics on ``port`` from a daemon thread."""
    server = make_server(
        "0.0.0.0", port, worker_wsgi_app(registry, health), ThreadingWSGIServer, handler_class=_QuietHandler
    )
    threading.Thread(target=server.serve_forever, name="worker-http", daemon=True).start()
    return server
