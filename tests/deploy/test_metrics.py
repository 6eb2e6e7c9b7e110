"""/metrics of every API and the worker's figures, read back with prometheus_client's text parser."""

from __future__ import annotations

import importlib
import math
import threading
from datetime import UTC, datetime, timedelta

import pytest
from platform_model import SERVICES
from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.parser import text_string_to_metric_families

from platform_shared import clock
from platform_shared.db import Database
from platform_shared.messaging.consumer import ConsumerStats
from platform_shared.messaging.outbox import record_event
from platform_shared.migrations import upgrade
from platform_shared.worker import WORKER_EVENT_OUTCOMES, register_worker_metrics


def parse(text: str) -> dict[str, list]:
    """family name -> samples."""
    return {family.name: family.samples for family in text_string_to_metric_families(text)}


def api_metrics_text(service: str, tmp_path) -> str:
    package = SERVICES[service][0]
    config = importlib.import_module(f"{package}.config")
    cli = importlib.import_module(f"{package}.cli")
    app_module = importlib.import_module(f"{package}.app")
    url = f"sqlite:///{tmp_path / 'service.db'}"
    upgrade(cli.MIGRATIONS_DIR, url)
    settings = config.load(database_url=url)  # DATA_DIR points into tmp_path (see the test)
    app = app_module.create_app(settings, Database(url))
    client = app.test_client()
    assert client.get("/healthz").status_code == 200
    assert client.get("/api/v1/no-such-route").status_code == 404
    response = client.get("/metrics")
    assert response.status_code == 200
    assert response.mimetype == "text/plain"
    return response.get_data(as_text=True)


@pytest.mark.parametrize("service", SERVICES)
def test_every_api_counts_requests_and_times_them_by_route_and_status(service, tmp_path, monkeypatch):
    monkeypatch.setenv("DATA_DIR", str(tmp_path))
    families = parse(api_metrics_text(service, tmp_path))
    requests = {
        (s.labels["method"], s.labels["route"], s.labels["status"]): s.value
        for s in families["http_requests"]
        if s.name == "http_requests_total"
    }
    assert requests[("GET", "/healthz", "200")] == 1
    assert requests[("GET", "unmatched", "404")] == 1
    counts = {
        (s.labels["route"], s.labels["status"]): s.value
        for s in families["http_request_duration_seconds"]
        if s.name.endswith("_count")
    }
    assert counts[("/healthz", "200")] == 1
    buckets = [
        s
        for s in families["http_request_duration_seconds"]
        if s.name.endswith("_bucket") and s.labels["route"] == "/healthz"
    ]
    assert buckets and buckets[-1].labels["le"] == "+Inf" and buckets[-1].value == 1


@pytest.fixture
def worker_db(tmp_path):
    from dossier.cli import MIGRATIONS_DIR

    url = f"sqlite:///{tmp_path / 'worker.db'}"
    upgrade(MIGRATIONS_DIR, url)
    return Database(url)


def test_the_worker_exposes_event_outcomes_outbox_backlog_its_age_and_the_broker_link(worker_db):
    registry, stats, ready = CollectorRegistry(), ConsumerStats(), threading.Event()
    register_worker_metrics(registry, stats, worker_db, ready)
    written = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
    with clock.frozen_at(written), worker_db.transaction() as session:
        record_event(session, "probe.one", {"id": "a"}, producer="probe")  # a test producer: no schema
        record_event(session, "probe.two", {"id": "b"}, producer="probe")
    for outcome, times in zip(WORKER_EVENT_OUTCOMES, (3, 1, 2, 1, 1), strict=False):
        for _ in range(times):
            stats.count(outcome)

    with clock.frozen_at(written + timedelta(seconds=90)):
        families = parse(generate_latest(registry).decode())
    totals = {family: samples[0].value for family, samples in families.items()}
    assert totals["worker_events_consumed"] == 3
    assert totals["worker_events_duplicates"] == 1
    assert totals["worker_events_failed"] == 2
    assert totals["worker_events_retried"] == 1
    assert totals["worker_events_dead_lettered"] == 1
    assert totals["outbox_backlog"] == 2
    assert totals["outbox_oldest_unsent_age_seconds"] == 90
    assert totals["worker_consumer_connected"] == 0
    ready.set()
    assert parse(generate_latest(registry).decode())["worker_consumer_connected"][0].value == 1


def test_an_empty_outbox_reads_as_no_backlog_and_no_age(worker_db):
    registry = CollectorRegistry()
    register_worker_metrics(registry, ConsumerStats(), worker_db, None)
    families = parse(generate_latest(registry).decode())
    assert families["outbox_backlog"][0].value == 0
    assert families["outbox_oldest_unsent_age_seconds"][0].value == 0
    assert "worker_consumer_connected" not in families  # a worker without handlers has no consumer


def test_a_lost_database_reads_as_unknown_and_the_scrape_still_answers(tmp_path):
    registry = CollectorRegistry()
    register_worker_metrics(
        registry, ConsumerStats(), Database(f"sqlite:///{tmp_path / 'missing' / 'x.db'}"), threading.Event()
    )
    families = parse(generate_latest(registry).decode())
    assert math.isnan(families["outbox_backlog"][0].value)
    assert math.isnan(families["outbox_oldest_unsent_age_seconds"][0].value)
