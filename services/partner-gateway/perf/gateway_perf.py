"""Partner-gateway performance on the real platform (gunicorn APIs + workers, PostgreSQL, RabbitMQ).

1. ``GET /api/v1/me/dossiers/{id}`` (a partner: local visibility check, then the dossier service's partner
   view and the documents service's list) throughput and p50/p99, next to the dossier service's own
   ``GET /api/v1/dossiers/{id}`` (an agent) under the same load generator in the same run.
2. The delay between a status change (the transition's response) and the partner losing access
   (first 404 from the gateway), p50/p99 over several changes: outbox relay -> RabbitMQ -> gateway worker.

Run: ``.venv/bin/python services/partner-gateway/perf/gateway_perf.py [--seconds 10 --threads 8 --changes 40]``.
Needs the local PostgreSQL and RabbitMQ (the integration harness starts the services). Prints figures;
asserts nothing. Not collected by pytest.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import threading
import time
import uuid
from datetime import date, timedelta
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT / "tests" / "integration"))

from harness import Platform  # noqa: E402
from test_partner_gateway import move, new_dossier  # noqa: E402


def percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def load(url: str, headers: dict, seconds: float, threads: int) -> tuple[float, list[float], int]:
    """Closed-loop load: ``threads`` keep-alive clients for ``seconds``; (requests/s, latencies, errors)."""
    latencies: list[list[float]] = [[] for _ in range(threads)]
    errors = [0] * threads
    deadline = time.perf_counter() + seconds

    def client(index: int) -> None:
        session = requests.Session()
        while time.perf_counter() < deadline:
            started = time.perf_counter()
            response = session.get(url, headers=headers, timeout=10)
            latencies[index].append(time.perf_counter() - started)
            errors[index] += response.status_code != 200

    workers = [threading.Thread(target=client, args=(index,)) for index in range(threads)]
    started = time.perf_counter()
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    elapsed = time.perf_counter() - started
    flat = [value for chunk in latencies for value in chunk]
    return len(flat) / elapsed, flat, sum(errors)


def report(name: str, throughput: float, latencies: list[float], errors: int) -> None:
    print(
        f"{name:<48} {throughput:8.1f} req/s   p50 {percentile(latencies, 0.5) * 1000:7.1f} ms   "
        f"p99 {percentile(latencies, 0.99) * 1000:7.1f} ms   errors {errors}"
    )


def attached_partner(platform: Platform) -> tuple[str, dict, dict]:
    agent = platform.headers("agent", f"agent-{uuid.uuid4().hex[:6]}")
    dossier_id = new_dossier(platform, agent)
    move(platform, agent, dossier_id, "review")
    gateway = platform.api("partner-gateway", "")
    partner = requests.post(
        f"{gateway}/partners",
        headers=agent,
        timeout=10,
        json={"name": "Perf", "email": "perf@example.org", "kind": "external"},
    ).json()
    solicitation = requests.post(
        f"{gateway}/dossiers/{dossier_id}/solicitations",
        headers=agent,
        timeout=10,
        json={
            "partner_id": partner["id"],
            "type": "opinion",
            "scope": "technical",
            "due_date": (date.today() + timedelta(days=10)).isoformat(),
            "open_statuses": ["review"],
        },
    ).json()
    partner_headers = platform.headers("partner", f"partner-{uuid.uuid4().hex[:6]}")
    requests.post(f"{gateway}/attach", headers=partner_headers, json={"key": solicitation["access_key"]}, timeout=10)
    return dossier_id, agent, partner_headers


def loss_delays(platform: Platform, dossier_id: str, agent: dict, partner_headers: dict, changes: int) -> list[float]:
    url = platform.api("partner-gateway", f"/me/dossiers/{dossier_id}")
    session = requests.Session()

    def status() -> int:
        return session.get(url, headers=partner_headers, timeout=10).status_code

    delays = []
    for _ in range(changes):
        platform.wait_until(lambda: status() == 200, timeout=30, interval=0.01)
        move(platform, agent, dossier_id, "internal_check")
        changed = time.perf_counter()
        while status() != 404:
            time.sleep(0.002)
        delays.append(time.perf_counter() - changed)
        move(platform, agent, dossier_id, "review")
    return delays


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--changes", type=int, default=40)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as work_dir:
        platform = Platform(Path(work_dir), services=["dossier", "partner-gateway", "documents", "notification"])
        platform.start()
        try:
            dossier_id, agent, partner_headers = attached_partner(platform)
            gateway_url = platform.api("partner-gateway", f"/me/dossiers/{dossier_id}")
            platform.wait_until(lambda: requests.get(gateway_url, headers=partner_headers, timeout=10).ok, timeout=30)
            dossier_url = platform.api("dossier", f"/dossiers/{dossier_id}")
            load(gateway_url, partner_headers, 2, args.threads)  # warm-up
            load(dossier_url, agent, 2, args.threads)
            print(f"closed loop, {args.threads} client threads, {args.seconds:.0f} s each, gunicorn as in the harness")
            report("dossier    GET /dossiers/{id} (agent)", *load(dossier_url, agent, args.seconds, args.threads))
            report(
                "gateway    GET /me/dossiers/{id} (partner, composed)",
                *load(gateway_url, partner_headers, args.seconds, args.threads),
            )
            delays = loss_delays(platform, dossier_id, agent, partner_headers, args.changes)
            print(
                f"status change -> partner loses access ({len(delays)} changes): "
                f"p50 {percentile(delays, 0.5) * 1000:.0f} ms, p99 {percentile(delays, 0.99) * 1000:.0f} ms, "
                f"max {max(delays) * 1000:.0f} ms (polling every ~2 ms)"
            )
        finally:
            platform.stop()


if __name__ == "__main__":
    main()
