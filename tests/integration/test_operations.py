"""Operations with real processes: the run command's supervisor stopped by SIGTERM while events flow
and started again (every event handled exactly once), a worker's graceful stop, worker /metrics,
and the PostgreSQL init script of docker compose."""

from __future__ import annotations

import importlib
import os
import re
import signal
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import psycopg
import pytest
import requests
from harness import BIN, ROOT, SERVICES, Mailbox, free_port, publish_envelope, queue_depth, wait_until
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import Column, MetaData, String, Table, create_engine, func, select, text

from platform_shared.auth import mint_token
from platform_shared.config import SERVICE_PORTS, load_settings
from platform_shared.messaging.dead_letters import list_dead_letters
from platform_shared.messaging.envelope import new_envelope
from platform_shared.testing import infra

MODEL = {
    "name": "Operations drill",
    "category": "corporate",
    "fields": [],
    "statuses": [
        {"code": "open", "label": "Open", "initial": True},
        {"code": "done", "label": "Done", "terminal": True},
    ],
    "transitions": [{"from": "open", "to": "done"}],
}


@pytest.fixture(scope="module")
def vhost():
    try:
        created = infra.create_vhost(infra.amqp_url(), prefix="ops")
    except infra.InfraUnavailable as error:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(str(error))
        pytest.skip(str(error))
    yield created
    infra.delete_vhost(created)


def _base_env(amqp_url: str, data_dir: Path) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("TEST_", "PYTEST_")) and key not in ("DATABASE_URL", "WORKER_METRICS_PORT")
    }
    env.update(
        {
            "PATH": f"{BIN}{os.pathsep}{env.get('PATH', '')}",
            "AMQP_URL": amqp_url,
            "DATA_DIR": str(data_dir),
            "CONSUMER_RETRY_DELAYS_MS": "200,500",
            "LOG_JSON": "false",
        }
    )
    return env


class Supervised:
    """`make run`'s supervisor (scripts/supervise.py) over the repository's Procfile, on free ports and a private vhost."""

    def __init__(self, work_dir: Path, amqp_url: str, mailbox: Mailbox):
        self.work_dir = work_dir
        self.ports = {name: free_port() for name in SERVICES}
        self.env = _base_env(amqp_url, work_dir / "data")
        self.env.update(
            {
                "SMTP_HOST": "127.0.0.1",
                "SMTP_PORT": str(mailbox.port),
                # The drill is about events: LibreOffice's warm-up (seconds) would outlast
                # the supervisor's 10 s between SIGTERM and SIGKILL and say nothing about the backbone.
                "CONVERTER": "none",
            }
        )
        for name in SERVICES:
            self.env[f"{name.upper().replace('-', '_')}_URL"] = f"http://127.0.0.1:{self.ports[name]}"
        self.procfile = work_dir / "Procfile"
        self.procfile.write_text(self._procfile())
        (work_dir / "data").mkdir(exist_ok=True)
        self.process: subprocess.Popen | None = None
        self.runs: list[Path] = []

    def _procfile(self) -> str:
        lines = []
        for line in (ROOT / "Procfile").read_text().splitlines():
            if not line.strip() or line.startswith(("smtp-catcher:", "web:")):
                continue  # the test's SMTP sink replaces the catcher; the drill is about the services' backbone
            for name, port in SERVICE_PORTS.items():
                line = line.replace(f"--bind 127.0.0.1:{port} ", f"--bind 127.0.0.1:{self.ports[name]} ")
            lines.append(line)
        return "\n".join(lines) + "\n"

    def prepare(self) -> None:
        """What scripts/run.sh does before starting the supervisor."""
        for name in SERVICES:
            for command in ("migrate", "setup-broker"):
                subprocess.run(
                    [str(BIN / f"{name}-ctl"), command],
                    env=self.env,
                    cwd=ROOT,
                    check=True,
                    capture_output=True,
                    timeout=120,
                )

    def start(self) -> None:
        log = self.work_dir / f"supervisor-{len(self.runs) + 1}.log"
        self.runs.append(log)
        self.process = subprocess.Popen(
            [
                str(BIN / "python"),
                str(ROOT / "scripts" / "supervise.py"),
                "-f",
                str(self.procfile),
                "--no-colour",
            ],
            env=self.env,
            cwd=ROOT,
            stdout=log.open("wb"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        for name in SERVICES:
            assert wait_until(lambda: self._healthy(name), timeout=60), self.log_text()[-4000:]

    def _healthy(self, name: str) -> bool:
        try:
            return requests.get(f"http://127.0.0.1:{self.ports[name]}/healthz", timeout=1).status_code == 200
        except requests.RequestException:
            return False

    def terminate(self, timeout: float = 60) -> int:
        """SIGTERM to the supervisor only, as an operator (or systemd, or Ctrl-C) would."""
        self.process.send_signal(signal.SIGTERM)
        code = self.process.wait(timeout=timeout)
        try:  # nothing of this run may survive its supervisor
            os.killpg(self.process.pid, 0)
            survivors = True
        except ProcessLookupError:
            survivors = False
        assert not survivors
        return code

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)

    def log_text(self, run: int = -1) -> str:
        return self.runs[run].read_text(errors="replace")

    def url(self, name: str, path: str) -> str:
        return f"http://127.0.0.1:{self.ports[name]}/api/v1{path}"

    def database(self, name: str):
        return create_engine(f"sqlite:///{self.work_dir / 'data' / (SERVICES[name] + '.db')}")


def _consumers_of(event_type: str) -> list[str]:
    """Services whose worker handles ``event_type`` (read from their handler tables)."""
    settings = load_settings(service_name="probe", database_url="sqlite://")
    return [
        name
        for name, package in SERVICES.items()
        if event_type in importlib.import_module(f"{package}.handlers").handlers(settings)
    ]


class Poster(threading.Thread):
    """Creates dossiers back to back until stopped; remembers the ids the API confirmed."""

    def __init__(self, url: str, headers: dict, model_id: str):
        super().__init__(daemon=True)
        self.url, self.headers, self.model_id = url, headers, model_id
        self.confirmed: list[str] = []
        self.server_errors: list[int] = []
        self.stop = threading.Event()

    def run(self) -> None:
        number = 0
        while not self.stop.is_set():
            number += 1
            try:
                response = requests.post(
                    self.url,
                    headers=self.headers,
                    timeout=10,
                    json={"model_id": self.model_id, "title": f"Drill {number}", "client_sub": "client-ops"},
                )
            except requests.RequestException:
                time.sleep(0.05)  # the platform is stopping or starting: try again
                continue
            if response.status_code == 201:
                self.confirmed.append(response.json()["id"])
            elif response.status_code >= 500:
                self.server_errors.append(response.status_code)


def test_the_platform_stopped_by_sigterm_while_events_flow_and_restarted_handles_every_event_exactly_once(
    vhost, tmp_path
):
    mailbox = Mailbox()
    mailbox.start()
    platform = Supervised(tmp_path, vhost.url, mailbox)
    settings = load_settings(service_name="ops-test", database_url="sqlite://")
    headers = {"Authorization": f"Bearer {mint_token(settings, sub='agent-ops', role='agent')}"}
    admin = {"Authorization": f"Bearer {mint_token(settings, sub='admin-ops', role='admin')}"}
    try:
        platform.prepare()
        platform.start()
        model = requests.post(platform.url("dossier", "/models"), json=MODEL, headers=admin, timeout=10)
        assert model.status_code == 201, model.text
        poster = Poster(platform.url("dossier", "/dossiers"), headers, model.json()["id"])
        poster.start()
        assert wait_until(lambda: len(poster.confirmed) >= 30, timeout=60)

        platform.terminate()
        first_run = platform.log_text()
        for name in SERVICES:  # each worker finished its message in progress and said so
            assert f"worker of {name} stopped" in first_run, name
        assert "SIGKILL" not in first_run

        platform.start()
        time.sleep(0.5)
        poster.stop.set()
        poster.join(timeout=20)
        assert poster.server_errors == []

        dossier_db = platform.database("dossier")
        outbox = Table("outbox", MetaData(), autoload_with=dossier_db)
        inbox_rows = {}

        def all_delivered() -> bool:
            with dossier_db.connect() as connection:
                if connection.execute(
                    select(func.count()).select_from(outbox).where(outbox.c.sent_at.is_(None))
                ).scalar_one():
                    return False
                events = connection.execute(select(outbox.c.event_id, outbox.c.event_type)).all()
            expected = {
                (event_id, consumer) for event_id, event_type in events for consumer in _consumers_of(event_type)
            }
            seen = set()
            for consumer in {consumer for _, consumer in expected}:
                with platform.database(consumer).connect() as connection:
                    rows = (
                        connection.execute(text("SELECT event_id FROM inbox WHERE consumer = :c"), {"c": consumer})
                        .scalars()
                        .all()
                    )
                inbox_rows[consumer] = rows
                seen |= {(event_id, consumer) for event_id in rows}
            return expected <= seen

        assert wait_until(all_delivered, timeout=60)
        with dossier_db.connect() as connection:
            created = connection.execute(
                select(outbox.c.aggregate_id, outbox.c.event_id).where(outbox.c.event_type == "dossier.created")
            ).all()
        created_ids = [aggregate_id for aggregate_id, _ in created]
        assert len(created_ids) == len(set(created_ids))  # one event per dossier
        assert set(poster.confirmed) <= set(created_ids)  # every confirmed write has its event
        consumers = _consumers_of("dossier.created")
        assert consumers
        for consumer in consumers:
            handled = [
                event_id for event_id in inbox_rows[consumer] if event_id in {event_id for _, event_id in created}
            ]
            assert sorted(handled) == sorted(event_id for _, event_id in created)  # each once, none missing
            assert (
                list_dead_letters(load_settings(service_name=consumer, database_url="sqlite://", amqp_url=vhost.url))
                == []
            )
        platform.terminate()
    finally:
        platform.kill()
        mailbox.stop()


def test_sigterm_lets_the_handler_in_progress_commit_then_the_worker_exits_cleanly(vhost, tmp_path):
    service = f"graceful-{uuid.uuid4().hex[:8]}"
    marker = tmp_path / "started"
    env = {
        **_base_env(vhost.url, tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'slow.db'}",
        "SERVICE": service,
        "STARTED_MARKER": str(marker),
        "SLOW_SECONDS": "3",
    }
    worker = subprocess.Popen(
        [sys.executable, str(Path(__file__).with_name("slow_worker.py"))],
        env=env,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        assert wait_until(lambda: queue_depth(vhost.url, f"{service}.events") is not None, timeout=30)
        envelopes = [new_envelope("probe.slow", {}, producer="test") for _ in range(3)]
        for envelope in envelopes:
            publish_envelope(vhost.url, envelope)
        assert wait_until(marker.exists, timeout=20)
        in_progress = marker.read_text()
        worker.send_signal(signal.SIGTERM)
        assert worker.wait(timeout=20) == 0
    finally:
        if worker.poll() is None:
            worker.kill()
    effects = Table("effects", MetaData(), Column("event_id", String(36), primary_key=True))
    engine = create_engine(env["DATABASE_URL"])
    with engine.connect() as connection:
        handled = connection.execute(select(effects.c.event_id)).scalars().all()
    assert handled == [in_progress]  # the handler in progress committed; the others were not started
    remaining = queue_depth(vhost.url, f"{service}.events")
    assert remaining == len(envelopes) - 1  # acknowledged once, the rest back in the queue for the next worker


def test_a_real_worker_serves_its_metrics_while_consuming(vhost, tmp_path):
    port = free_port()
    env = {**_base_env(vhost.url, tmp_path), "WORKER_METRICS_PORT": str(port)}
    for command in ("migrate", "setup-broker"):
        subprocess.run(
            [str(BIN / "notification-ctl"), command], env=env, cwd=ROOT, check=True, capture_output=True, timeout=120
        )
    worker = subprocess.Popen(
        [str(BIN / "notification-ctl"), "worker"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )

    def figures() -> dict[str, float]:
        try:
            body = requests.get(f"http://127.0.0.1:{port}/metrics", timeout=2).text
        except requests.RequestException:
            return {}
        return {
            sample.name: sample.value for family in text_string_to_metric_families(body) for sample in family.samples
        }

    try:
        assert wait_until(lambda: figures().get("worker_consumer_connected") == 1, timeout=30)
        event_type = "dossier.closed"  # a dossier id is all its data needs (platform_shared.events)
        assert event_type in _consumers_of_service("notification")
        publish_envelope(vhost.url, new_envelope(event_type, {"dossier_id": str(uuid.uuid4())}, producer="test"))
        assert wait_until(lambda: figures().get("worker_events_consumed_total") == 1, timeout=30)
        current = figures()
        for name in (
            "worker_events_failed_total",
            "worker_events_retried_total",
            "worker_events_dead_lettered_total",
            "worker_events_duplicates_total",
        ):
            assert name in current
        assert current["outbox_backlog"] >= 0
        assert current["outbox_oldest_unsent_age_seconds"] >= 0
        worker.send_signal(signal.SIGTERM)
        assert worker.wait(timeout=20) == 0
    finally:
        if worker.poll() is None:
            worker.kill()


def test_the_compose_init_script_gives_each_service_a_database_only_its_own_role_can_open(tmp_path):
    try:
        admin_url = infra.postgres_url()
    except infra.InfraUnavailable as error:
        pytest.skip(str(error))
    suffix = uuid.uuid4().hex[:6]
    script = (ROOT / "deploy" / "postgres" / "init-databases.sh").read_text()
    # The same script on a shared server: the names get a suffix so the run cannot collide.
    renamed = re.sub(r"^create ([a-z_]+) ", rf"create \1_{suffix} ", script, flags=re.M)
    (tmp_path / "init.sh").write_text(renamed)
    packages = list(SERVICES.values())
    passwords = {f"{package.upper()}_DB_PASSWORD": f"pw-{package}" for package in packages}
    parsed = psycopg.conninfo.conninfo_to_dict(admin_url)
    env = {
        **os.environ,
        **passwords,
        "POSTGRES_USER": parsed.get("user", "postgres"),
        "PGHOST": parsed.get("host", "127.0.0.1"),
        "PGPORT": str(parsed.get("port", 5432)),
    }
    if parsed.get("password"):
        env["PGPASSWORD"] = parsed["password"]
    names = [f"{package}_{suffix}" for package in packages]
    try:
        subprocess.run(["bash", str(tmp_path / "init.sh")], env=env, check=True, capture_output=True, timeout=60)
        with psycopg.connect(admin_url, autocommit=True) as connection:
            owners = dict(
                connection.execute(
                    "SELECT datname, pg_get_userbyid(datdba) FROM pg_database WHERE datname = ANY(%s)", (names,)
                ).fetchall()
            )
            assert owners == {name: name for name in names}
            for name in names:
                others = [other for other in names if other != name]
                for other in others:
                    allowed = connection.execute(
                        "SELECT has_database_privilege(%s, %s, 'CONNECT')", (name, other)
                    ).fetchone()[0]
                    assert allowed is False, (name, other)
                assert (
                    connection.execute("SELECT has_database_privilege(%s, %s, 'CREATE')", (name, name)).fetchone()[0]
                    is True
                )
    finally:
        with psycopg.connect(admin_url, autocommit=True) as connection:
            for name in names:
                connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
                connection.execute(f'DROP ROLE IF EXISTS "{name}"')


def _consumers_of_service(service: str) -> list[str]:
    settings = load_settings(service_name=service, database_url="sqlite://")
    return list(importlib.import_module(f"{SERVICES[service]}.handlers").handlers(settings))
