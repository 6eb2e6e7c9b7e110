"""The whole platform as real processes for integration tests and benchmarks.

Each run gets fresh PostgreSQL databases (one per service), a private RabbitMQ
virtual host, an SMTP sink and free ports; every service runs as its gunicorn API
and its worker, exactly as ``make run`` starts them.
"""

from __future__ import annotations

import email
import email.policy
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path

import pika
import requests

from platform_shared.auth import mint_token
from platform_shared.config import Settings, load_settings
from platform_shared.messaging.envelope import Envelope, new_envelope
from platform_shared.messaging.topology import declare_exchange
from platform_shared.testing import infra

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
SERVICES = {
    "dossier": "dossier",
    "partner-gateway": "partner_gateway",
    "attestation": "attestation",
    "notification": "notification",
    "documents": "documents",
}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until(predicate: Callable[[], object], timeout: float = 20.0, interval: float = 0.1):
    """Poll ``predicate`` until it returns something truthy (returned) or the timeout passes (None)."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() >= deadline:
            return None
        time.sleep(interval)


def publish_envelope(amqp_url: str, envelope: Envelope, times: int = 1) -> None:
    """Put ``envelope`` onto the ``domain`` exchange ``times`` times (confirmed, persistent), with the
    properties a service's outbox relay gives it: a producer this test does not run, or a redelivery."""
    connection = pika.BlockingConnection(pika.URLParameters(amqp_url))
    try:
        channel = connection.channel()
        channel.confirm_delivery()
        declare_exchange(channel, "domain")
        for _ in range(times):
            channel.basic_publish(
                "domain",
                envelope.type,
                envelope.to_json().encode(),
                mandatory=True,
                properties=pika.BasicProperties(
                    delivery_mode=pika.DeliveryMode.Persistent,
                    content_type="application/json",
                    message_id=envelope.id,
                    type=envelope.type,
                ),
            )
    finally:
        connection.close()


def queue_depth(amqp_url: str, queue: str) -> int | None:
    """How many messages wait in ``queue``; None while it does not exist (or the broker cannot be reached)."""
    try:
        connection = pika.BlockingConnection(pika.URLParameters(amqp_url))
    except pika.exceptions.AMQPError:
        return None
    try:
        return connection.channel().queue_declare(queue, passive=True).method.message_count
    except pika.exceptions.ChannelClosedByBroker:
        return None
    finally:
        if connection.is_open:
            connection.close()


class Mailbox:
    """An SMTP sink (aiosmtpd) that keeps every message it receives."""

    def __init__(self):
        from aiosmtpd.controller import Controller

        self.messages: list[EmailMessage] = []
        self._lock = threading.Lock()
        self.port = free_port()
        mailbox = self

        class _Handler:
            async def handle_DATA(self, server, session, envelope):
                message = email.message_from_bytes(envelope.content, policy=email.policy.default)
                message["X-Envelope-To"] = ", ".join(envelope.rcpt_tos)
                with mailbox._lock:
                    mailbox.messages.append(message)
                return "250 OK"

        self._controller = Controller(_Handler(), hostname="127.0.0.1", port=self.port)

    def start(self) -> None:
        self._controller.start()

    def stop(self) -> None:
        self._controller.stop()

    def clear(self) -> None:
        with self._lock:
            self.messages.clear()

    def matching(self, predicate: Callable[[EmailMessage], bool]) -> list[EmailMessage]:
        with self._lock:
            return [message for message in self.messages if predicate(message)]

    def wait_for(
        self, predicate: Callable[[EmailMessage], bool], timeout: float = 20.0, count: int = 1
    ) -> list[EmailMessage]:
        """Messages matching ``predicate`` once at least ``count`` arrived (or what arrived by the timeout)."""
        wait_until(lambda: len(self.matching(predicate)) >= count, timeout)
        return self.matching(predicate)


@dataclass
class ServiceProcesses:
    name: str
    package: str
    port: int
    env: dict[str, str]
    log_dir: Path
    api: subprocess.Popen | None = None
    worker: subprocess.Popen | None = None
    files: list = field(default_factory=list)

    def _spawn(self, kind: str, command: list[str]) -> subprocess.Popen:
        log = open(self.log_dir / f"{self.name}-{kind}.log", "ab")  # noqa: SIM115 (closed in stop())
        self.files.append(log)
        return subprocess.Popen(
            command, env=self.env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )

    def ctl(self, *args: str, timeout: float = 120) -> None:
        subprocess.run(
            [str(BIN / f"{self.name}-ctl"), *args],
            env=self.env,
            cwd=ROOT,
            check=True,
            capture_output=True,
            timeout=timeout,
        )

    def start_api(self) -> None:
        self.api = self._spawn(
            "api",
            [
                str(BIN / "gunicorn"),
                "-c",
                str(ROOT / "deploy/gunicorn.conf.py"),
                "--bind",
                f"127.0.0.1:{self.port}",
                f"{self.package}.app:create_app()",
            ],
        )

    def start_worker(self) -> None:
        self.worker = self._spawn("worker", [str(BIN / f"{self.name}-ctl"), "worker"])

    @staticmethod
    def _stop(process: subprocess.Popen | None, sig: int = signal.SIGTERM, timeout: float = 20) -> None:
        if process is None or process.poll() is not None:
            return
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            return
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)

    def stop_worker(self, sig: int = signal.SIGTERM) -> None:
        self._stop(self.worker, sig)
        self.worker = None

    def stop(self) -> None:
        self._stop(self.api)
        self.stop_worker()
        for handle in self.files:
            handle.close()

    def log_text(self) -> str:
        return "\n".join(path.read_text(errors="replace") for path in sorted(self.log_dir.glob(f"{self.name}-*.log")))


class Platform:
    """The five services running for real; see the module docstring."""

    def __init__(
        self,
        work_dir: Path,
        services: list[str] | None = None,
        extra_env: dict[str, str] | None = None,
        service_env: dict[str, dict[str, str]] | None = None,
    ):
        self.work_dir = work_dir
        self.names = services or list(SERVICES)
        self.extra_env = extra_env or {}
        self.per_service_env = service_env or {}
        self.pg_admin_url = infra.postgres_url()
        self.vhost = infra.create_vhost(infra.amqp_url(), prefix="it")
        self.amqp_url = self.vhost.url
        self.mailbox = Mailbox()
        self.ports = {name: free_port() for name in SERVICES}
        self.databases: dict[str, str] = {}
        self.processes: dict[str, ServiceProcesses] = {}
        self.settings: Settings = load_settings(service_name="integration-tests", database_url="sqlite://")

    # ----- addresses and identities --------------------------------------------------
    def url(self, service: str) -> str:
        return f"http://127.0.0.1:{self.ports[service]}"

    def api(self, service: str, path: str) -> str:
        return f"{self.url(service)}/api/v1{path}"

    def token(self, role: str, sub: str, **claims) -> str:
        return mint_token(self.settings, sub=sub, role=role, **claims)

    def headers(
        self,
        role: str,
        sub: str,
        org: str | None = None,
        email: str | None = None,
        name: str | None = None,
        **claims,
    ) -> dict[str, str]:
        """``claims``: the optional ones (``org_name``, ``locale``)."""
        return {"Authorization": f"Bearer {self.token(role, sub, org=org, email=email, name=name, **claims)}"}

    def database_url(self, service: str) -> str:
        return self.databases[service]

    def wait_until(self, predicate: Callable[[], object], timeout: float = 20.0, interval: float = 0.1):
        return wait_until(predicate, timeout, interval)

    def log_text(self, service: str) -> str:
        return self.processes[service].log_text()

    def publish(self, event_type: str, data: dict, actor: dict | None = None) -> Envelope:
        """A new event onto this platform's broker, as a producer the test does not drive would send it."""
        envelope = new_envelope(event_type, data, producer="integration-test", actor=actor)
        publish_envelope(self.amqp_url, envelope)
        return envelope

    # ----- lifecycle ---------------------------------------------------------------------
    def service_env(self, service: str) -> dict[str, str]:
        env = {key: value for key, value in os.environ.items() if not key.startswith(("TEST_", "PYTEST_"))}
        env.update(
            {
                "PATH": f"{BIN}{os.pathsep}{env.get('PATH', '')}",
                "DATABASE_URL": self.databases[service],
                "AMQP_URL": self.amqp_url,
                "DATA_DIR": str(self.work_dir / "data" / service),
                "SMTP_HOST": "127.0.0.1",
                "SMTP_PORT": str(self.mailbox.port),
                "CONSUMER_RETRY_DELAYS_MS": "200,500",
                "LOG_LEVEL": "INFO",
                "GUNICORN_THREADS": "8",
                # notification's live streams: each holds one of the 8 threads (a left page's until its next keepalive)
                "LIVE_STREAMS_PER_PROCESS": "6",
            }
        )
        for name in SERVICES:
            env[f"{name.upper().replace('-', '_')}_URL"] = self.url(name)
        env["VERIFICATION_BASE_URL"] = f"{self.url('attestation')}/verify"
        env.update(self.extra_env)
        env.update(self.per_service_env.get(service, {}))
        return env

    def start(self) -> Platform:
        self.mailbox.start()
        log_dir = self.work_dir / "logs"
        log_dir.mkdir(parents=True, exist_ok=True)
        for name in self.names:
            database = infra.unique_name(f"it_{SERVICES[name]}")
            self.databases[name] = infra.create_postgres_database(self.pg_admin_url, database)
            (self.work_dir / "data" / name).mkdir(parents=True, exist_ok=True)
            self.processes[name] = ServiceProcesses(
                name, SERVICES[name], self.ports[name], self.service_env(name), log_dir
            )
        for processes in self.processes.values():
            processes.ctl("migrate")
            processes.ctl("setup-broker")
        for processes in self.processes.values():
            processes.start_api()
            processes.start_worker()
        for name in self.names:
            if not wait_until(lambda: self._healthy(name), timeout=60):
                raise RuntimeError(f"{name} did not start:\n{self.log_text(name)[-3000:]}")
        return self

    def _healthy(self, service: str) -> bool:
        try:
            return requests.get(self.url(service) + "/healthz", timeout=1).status_code == 200
        except requests.RequestException:
            return False

    def stop_worker(self, service: str, sig: int = signal.SIGTERM) -> None:
        self.processes[service].stop_worker(sig)

    def start_worker(self, service: str) -> None:
        self.processes[service].start_worker()

    def stop(self) -> None:
        for processes in self.processes.values():
            processes.stop()
        self.mailbox.stop()
        for name in self.databases:
            try:
                infra.drop_postgres_database(self.pg_admin_url, self.databases[name].rsplit("/", 1)[1])
            except Exception:
                pass
        infra.delete_vhost(self.vhost)
