"""Dossier service performance, each figure next to a baseline measured in the same run.

1. ``GET /api/v1/dossiers/{id}`` as an agent (a 30-field model, every field filled) on PostgreSQL,
   vs a bare Flask JSON endpoint, both under the same gunicorn settings (deploy/gunicorn.conf.py)
   and the same load generator (processes x threads, keep-alive connections).
   Then the same requests in process, one at a time: CPU ms per request, which the machine's load barely moves.
   The service's ``/healthz`` is measured too: it shows what the shared middleware (request ids, access
   log, metrics) costs before any authentication or database work.
2. ``GET /api/v1/dossiers`` p50/p99 with 100,000 dossiers on PostgreSQL, per main filter.

Run: ``.venv/bin/python services/dossier/tests/perf/perf_dossier.py [--rows 100000 --seconds 10]``.
Needs the local PostgreSQL. Prints figures; asserts nothing. Not collected by pytest.
"""

from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import timedelta
from pathlib import Path

from sqlalchemy import insert, text

from dossier import config
from dossier.cli import MIGRATIONS_DIR
from dossier.db import Dossier
from dossier.services import dossiers, models
from platform_shared import clock
from platform_shared.auth import Caller, mint_token
from platform_shared.db import Database
from platform_shared.migrations import upgrade
from platform_shared.testing import infra

ROOT = Path(__file__).resolve().parents[4]
BIN = Path(sys.executable).parent
GUNICORN_CONF = ROOT / "deploy" / "gunicorn.conf.py"
FIELD_TYPES = ["text", "long_text", "number", "date", "boolean", "choice", "email", "amount"]
BARE_APP = """
from flask import Flask, jsonify
app = Flask("bare")

@app.get("/json")
def bare_json():
    return jsonify(id="0b3f", reference="DOS-2026-000001", title="Bare", fields={"a": 1, "b": "two"})
"""


def cpu_per_request(request, count: int = 1000) -> tuple[float, float]:
    """CPU and wall milliseconds per request, in process: the CPU figure barely moves with the machine's load."""
    for _ in range(50):
        request()
    cpu, wall = time.process_time(), time.perf_counter()
    for _ in range(count):
        request()
    return 1000 * (time.process_time() - cpu) / count, 1000 * (time.perf_counter() - wall) / count


def in_process_costs(settings, database: Database, dossier_id: str, agent: dict) -> None:
    import logging

    from flask import Flask, jsonify

    from dossier.app import create_app

    service = create_app(settings, database).test_client()
    logging.getLogger().setLevel(logging.WARNING)  # the access log line would be measured, not the request
    bare_app = Flask("bare")
    bare_app.add_url_rule(
        "/json",
        view_func=lambda: jsonify(id="0b3f", reference="DOS-2026-000001", title="Bare", fields={"a": 1, "b": "two"}),
    )
    bare = bare_app.test_client()
    print("in process, one request at a time (Flask test client, same PostgreSQL):")
    for label, request in (
        ("bare Flask JSON endpoint", lambda: bare.get("/json")),
        ("service /healthz", lambda: service.get("/healthz")),
        ("GET /dossiers/{id} (agent, 30 fields)", lambda: service.get(f"/api/v1/dossiers/{dossier_id}", headers=agent)),
        ("GET /dossiers/unknown (auth + 1 query, 404)", lambda: service.get("/api/v1/dossiers/unknown", headers=agent)),
    ):
        cpu, wall = cpu_per_request(request)
        print(f"  {label:42s} cpu {cpu:6.2f} ms/request   wall {wall:6.2f} ms/request")


def realistic_model(field_count: int = 30) -> dict:
    fields = []
    for index in range(field_count):
        kind = FIELD_TYPES[index % len(FIELD_TYPES)]
        field = {"key": f"field_{index:02d}", "label": f"Field {index}", "type": kind, "financial": kind == "amount"}
        if kind == "choice":
            field["choices"] = ["alpha", "beta", "gamma"]
        fields.append(field)
    return {
        "name": "Realistic model",
        "category": "litigation",
        "client_can_create": True,
        "fields": fields,
        "views": {
            "portal": [
                {"key": field["key"], "mode": "write" if index % 3 else "read"}
                for index, field in enumerate(fields[:15])
            ],
            "crm": [{"key": field["key"], "mode": "write"} for field in fields],
            "partner": [{"key": field["key"], "mode": "read", "source": "crm"} for field in fields[:5]],
        },
        "statuses": [
            {"code": "submitted", "label": "Submitted", "initial": True},
            {"code": "in_review", "label": "In review", "partner_visible": True},
            {"code": "done", "label": "Done", "terminal": True},
        ],
        "transitions": [{"from": "submitted", "to": "in_review"}, {"from": "in_review", "to": "done"}],
        "roles": [{"code": "guarantor", "label": "Guarantor"}],
        "pieces": [{"code": "id_card", "label": "ID card", "role": "guarantor"}],
    }


def realistic_values(model: dict) -> dict:
    samples = {
        "text": "Some text",
        "long_text": "A longer text. " * 20,
        "number": 42,
        "date": "2026-05-04",
        "boolean": True,
        "choice": "beta",
        "email": "someone@example.org",
        "amount": 1234.5,
    }
    return {field["key"]: samples[field["type"]] for field in model["fields"]}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_gunicorn(app_spec: str, port: int, env: dict, cwd: str) -> subprocess.Popen:
    process = subprocess.Popen(
        [str(BIN / "gunicorn"), "-c", str(GUNICORN_CONF), "--bind", f"127.0.0.1:{port}", app_spec],
        env=env,
        cwd=cwd,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
            connection.request("GET", "/healthz" if "dossier" in app_spec else "/json")
            connection.getresponse().read()
            return process
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise RuntimeError(f"{app_spec} did not start")


def _load_worker(port: int, path: str, headers: dict, seconds: float, threads: int, results) -> None:
    counts, errors = [0] * threads, [0] * threads

    def loop(slot: int) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        stop = time.monotonic() + seconds
        while time.monotonic() < stop:
            try:
                connection.request("GET", path, headers=headers)
                response = connection.getresponse()
                response.read()
                if response.status == 200:
                    counts[slot] += 1
                else:
                    errors[slot] += 1
            except (OSError, http.client.HTTPException):
                errors[slot] += 1
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)

    workers = [threading.Thread(target=loop, args=(slot,)) for slot in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    results.put((sum(counts), sum(errors)))


def throughput(port: int, path: str, headers: dict, seconds: float, processes: int, threads: int) -> tuple[float, int]:
    results = multiprocessing.Queue()
    workers = [
        multiprocessing.Process(target=_load_worker, args=(port, path, headers, seconds, threads, results))
        for _ in range(processes)
    ]
    for worker in workers:
        worker.start()
    totals = [results.get() for _ in workers]
    for worker in workers:
        worker.join()
    return sum(ok for ok, _ in totals) / seconds, sum(failed for _, failed in totals)


def seed(database: Database, model_id: str, rows: int) -> None:
    rng = random.Random(42)
    start = clock.now() - timedelta(days=3 * 365)
    words = ["roof", "lease", "patent", "merger", "dispute", "grant", "housing", "trademark", "audit", "claim"]
    batch = []
    for index in range(rows):
        created = start + timedelta(seconds=index * 900 + rng.randrange(600))
        batch.append(
            {
                "id": clock.new_id(),
                "reference": f"DOS-{created.year}-{900000 + index:06d}",
                "title": f"{rng.choice(words).title()} {rng.choice(words)} {index}",
                "description": "",
                "model_id": model_id,
                "model_version": 1,
                "category": rng.choice(["corporate", "litigation", "intellectual_property", "housing", "grant"]),
                "kind": "dossier",
                "origin": rng.choice(["crm", "crm", "crm", "portal"]),
                "status": rng.choice(["submitted", "in_review", "done"]),
                "client_status": "submitted",
                "client_sub": f"client-{rng.randrange(20000)}",
                "client_org": f"org-{rng.randrange(3000)}",
                "client_email": None,
                "client_reference": None,
                "assignee_sub": f"agent-{rng.randrange(60)}",
                "assignee_email": None,
                "field_values": {},
                "closed_at": None,
                "created_by": "seed",
                "created_at": created,
                "updated_at": created,
            }
        )
        if len(batch) == 10_000:
            with database.transaction() as session:
                session.execute(insert(Dossier), batch)
            batch = []
    if batch:
        with database.transaction() as session:
            session.execute(insert(Dossier), batch)
    with database.engine.connect() as connection:
        connection.execute(text("ANALYZE dossiers"))
        connection.commit()


def latencies(port: int, path: str, headers: dict, count: int) -> tuple[float, float]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    samples = []
    for _ in range(count):
        started = time.perf_counter()
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        response.read()
        samples.append((time.perf_counter() - started) * 1000)
        if response.status != 200:
            raise RuntimeError(f"{path}: {response.status}")
    samples.sort()
    return statistics.median(samples), samples[min(len(samples) - 1, int(len(samples) * 0.99))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--seconds", type=float, default=8)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--samples", type=int, default=200)
    args = parser.parse_args()

    admin_url = infra.postgres_url()
    name = infra.unique_name("dossier_perf")
    url = infra.create_postgres_database(admin_url, name)
    upgrade(MIGRATIONS_DIR, url)
    settings = config.load(database_url=url)
    database = Database(url)
    model_body = realistic_model()
    with database.transaction() as session:
        model_id = models.create_model(session, Caller(sub="admin-perf", role="admin"), model_body).model_id
        dossier, _ = dossiers.create_dossier(
            session,
            Caller(sub="agent-perf", role="agent"),
            {
                "model_id": model_id,
                "title": "Perf dossier",
                "client_sub": "client-perf",
                "client_org": "org-perf",
                "fields": realistic_values(model_body),
            },
            origin="crm",
            reference_prefix="DOS",
        )
        dossier_id = dossier.id

    env = {
        **os.environ,
        "DATABASE_URL": url,
        "LOG_JSON": "true",
        "GUNICORN_WORKERS": os.environ.get("GUNICORN_WORKERS", "2"),
    }
    workdir = tempfile.mkdtemp(prefix="dossier-perf-")
    Path(workdir, "bare.py").write_text(BARE_APP)
    service_port, bare_port = free_port(), free_port()
    processes = [
        start_gunicorn("dossier.app:create_app()", service_port, env, workdir),
        start_gunicorn("bare:app", bare_port, env, workdir),
    ]
    agent = {"Authorization": "Bearer " + mint_token(settings, sub="agent-perf", role="agent", ttl_seconds=7200)}
    try:
        print(
            f"gunicorn: {env['GUNICORN_WORKERS']} workers x {os.environ.get('GUNICORN_THREADS', '4')} threads "
            f"(gthread); load: {args.processes} processes x {args.threads} keep-alive connections, "
            f"{args.seconds:.0f} s each; {os.cpu_count()} CPUs shared by server and load; "
            f"load average {os.getloadavg()[0]:.1f}"
        )
        path = f"/api/v1/dossiers/{dossier_id}"
        targets = {
            "bare Flask JSON endpoint": (bare_port, "/json", {}),
            "service /healthz (shared middleware)": (service_port, "/healthz", {}),
            "GET /dossiers/{id} (agent, 30 fields)": (service_port, path, agent),
        }
        for port, target_path, headers in targets.values():
            throughput(port, target_path, headers, 2, args.processes, args.threads)  # warm-up
        rates = {label: [] for label in targets}
        for _ in range(args.rounds):  # interleaved rounds: a load spike on the machine hits every target alike
            for label, (port, target_path, headers) in targets.items():
                rate, errors = throughput(port, target_path, headers, args.seconds, args.processes, args.threads)
                rates[label].append(rate)
                if errors:
                    print(f"  {label}: {errors} errors")
        bare_rate = statistics.median(rates["bare Flask JSON endpoint"])
        print(f"throughput, median of {args.rounds} interleaved rounds:")
        for label, samples in rates.items():
            rate = statistics.median(samples)
            print(
                f"  {label:38s} {rate:8.0f} req/s  = {100 * rate / bare_rate:3.0f}% of bare"
                f"   (rounds: {', '.join(f'{sample:.0f}' for sample in samples)})"
            )

        in_process_costs(settings, database, dossier_id, agent)

        started = time.monotonic()
        seed(database, model_id, args.rows)
        print(
            f"\nseeded {args.rows} dossiers in {time.monotonic() - started:.0f} s; list latency over "
            f"{args.samples} sequential requests each (limit 50):"
        )
        client = {
            "Authorization": "Bearer "
            + mint_token(settings, sub="client-77", role="client", org="org-12", ttl_seconds=7200)
        }
        first_page = json.loads(_get(service_port, "/api/v1/dossiers?status=done", agent))
        cases = [
            ("newest first (no filter)", "/api/v1/dossiers", agent),
            ("status=done", "/api/v1/dossiers?status=done", agent),
            (
                "status=done, 2nd page (cursor)",
                f"/api/v1/dossiers?status=done&cursor={first_page['next_cursor']}",
                agent,
            ),
            ("category=grant", "/api/v1/dossiers?category=grant", agent),
            ("origin=portal", "/api/v1/dossiers?origin=portal", agent),
            ("assignee=agent-7", "/api/v1/dossiers?assignee=agent-7", agent),
            ("q=trademark (title)", "/api/v1/dossiers?q=trademark", agent),
            ("q=DOS-2024-95 (reference)", "/api/v1/dossiers?q=DOS-2024-95", agent),
            ("client (own + company)", "/api/v1/dossiers", client),
        ]
        for label, path, headers in cases:
            p50, p99 = latencies(service_port, path, headers, args.samples)
            print(f"  {label:34s} p50 {p50:6.1f} ms   p99 {p99:6.1f} ms")
        bare_p50, bare_p99 = latencies(bare_port, "/json", {}, args.samples)
        print(f"  {'(bare Flask JSON endpoint)':34s} p50 {bare_p50:6.1f} ms   p99 {bare_p99:6.1f} ms")
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=30)
        database.dispose()
        infra.drop_postgres_database(admin_url, name)


def _get(port: int, path: str, headers: dict) -> bytes:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.request("GET", path, headers=headers)
    return connection.getresponse().read()


if __name__ == "__main__":
    main()
