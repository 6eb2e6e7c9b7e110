"""A service's worker process: the event consumer, the outbox relay and periodic jobs, stopped cleanly."""

from __future__ import annotations

import logging
import signal
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from prometheus_client import CollectorRegistry, Counter, Gauge

from .config import Settings
from .db import Database
from .logs import configure_logging
from .messaging.consumer import ConsumerStats, EventConsumer
from .messaging.inbox import HandlerTable
from .messaging.outbox import oldest_unsent_age_seconds, unsent_count
from .messaging.relay import OutboxRelay
from .messaging.retention import purge_messaging_tables
from .messaging.wake import NotifyListener, WakeListener, notify_channel_of
from .worker_health import WorkerHealth, serve_worker_http

log = logging.getLogger(__name__)


@dataclass
class PeriodicJob:
    """``run(db, settings)`` every ``interval_seconds`` (e.g. the automatic partner reminder).

    With a ``wake_topic``, on SQLite, the job also runs as soon as a transaction that gave it work commits
    (``messaging.wake.wake_after_commit(session, topic)``), and polls every ``interval_seconds`` for
    ``HOT_SECONDS`` after such a wake, then only every ``idle_interval_seconds`` while nobody gives it work
    (issue 18: an idle platform sleeps). Work the wake does not announce (a retry falling due) waits at most
    ``idle_interval_seconds``.

    On PostgreSQL the same ``wake_after_commit`` is a ``NOTIFY`` the job listens to: it runs at the commit that
    gave it work, and otherwise keeps polling every ``interval_seconds`` (issue 18: a conversion waited for the
    documents worker's next poll, 0.15 s on average).
    """

    name: str
    interval_seconds: float
    run: Callable[[Database, Settings], None]
    wake_topic: str | None = None
    idle_interval_seconds: float = 5.0


HOT_SECONDS = 10.0


def _periodic_loop(job: PeriodicJob, db: Database, settings: Settings, stop: threading.Event) -> None:
    woken = stop  # without a wake listener: every interval, as soon as stopped
    idle_interval = job.interval_seconds
    if job.wake_topic and db.is_sqlite:
        url = db.engine.url.render_as_string(hide_password=True)
        listening = threading.Event()
        if WakeListener(url, listening.set, stop, topic=job.wake_topic).start():  # it also wakes on stop
            woken, idle_interval = listening, max(job.interval_seconds, job.idle_interval_seconds)
    elif job.wake_topic and db.engine.dialect.name == "postgresql":
        woken = threading.Event()
        stop_wakes = threading.Thread(target=lambda: (stop.wait(), woken.set()), daemon=True)  # stop: at once
        stop_wakes.start()
        NotifyListener(db.engine.url, notify_channel_of(job.wake_topic), woken.set, stop).start()
    hot_until = 0.0
    while not stop.is_set():
        interval = job.interval_seconds if time.monotonic() < hot_until else idle_interval
        if woken.wait(interval) and woken is not stop:
            woken.clear()
            hot_until = time.monotonic() + HOT_SECONDS
        if stop.is_set():
            break
        try:
            job.run(db, settings)
        except Exception:
            log.exception("periodic job %s failed", job.name)


WORKER_EVENT_OUTCOMES = ("consumed", "duplicates", "failed", "retried", "dead_lettered")


def register_worker_metrics(
    registry: CollectorRegistry, stats: ConsumerStats, db: Database, consumer_ready: threading.Event | None
) -> None:
    """The worker's figures: ``worker_events_<outcome>_total``, the outbox backlog and its age,
    and (when the service consumes events) whether the consumer holds a broker connection.
    Gauges read the database when scraped; an unreachable database reads as NaN (the scrape
    itself still succeeds)."""
    counters = {
        name: Counter(
            f"worker_events_{name}_total", f"Events {name.replace('_', ' ')} by the consumer", registry=registry
        )
        for name in WORKER_EVENT_OUTCOMES
    }
    stats.listeners.append(lambda what: counters[what].inc())

    def _read(query: Callable) -> Callable[[], float]:
        def read() -> float:
            try:
                with db.read_only() as session:
                    return float(query(session))
            except Exception as error:  # the metric says "unknown" rather than failing the scrape
                log.warning("metrics: database unreadable: %s", type(error).__name__)
                return float("nan")

        return read

    Gauge("outbox_backlog", "Unsent outbox rows", registry=registry).set_function(_read(unsent_count))
    Gauge("outbox_oldest_unsent_age_seconds", "Age of the oldest unsent outbox row", registry=registry).set_function(
        _read(oldest_unsent_age_seconds)
    )
    if consumer_ready is not None:
        Gauge(
            "worker_consumer_connected",
            "1 while the consumer is connected to the broker and consuming",
            registry=registry,
        ).set_function(lambda: 1.0 if consumer_ready.is_set() else 0.0)


def run_worker(
    settings: Settings,
    db: Database,
    handlers: HandlerTable,
    *,
    periodic_jobs: list[PeriodicJob] | None = None,
    metrics_port: int | None = None,
) -> None:
    """Run until SIGTERM/SIGINT, then let the handler in progress finish and exit."""
    configure_logging(settings.service_name, settings.log_level, settings.log_json)
    stop = threading.Event()
    stats = ConsumerStats()
    health = WorkerHealth(db, settings.worker_stall_seconds)
    relay = OutboxRelay(db, settings, stop_event=stop)
    consumer = EventConsumer(db, settings, handlers, stop_event=stop, stats=stats, health=health)

    def _shutdown(signum, _frame):
        log.info("worker received signal %s: finishing the message in progress", signum)
        stop.set()
        relay.stop()

    signal.signal(signal.SIGTERM, _shutdown)
    signal.signal(signal.SIGINT, _shutdown)
    threads = [threading.Thread(target=relay.run, name="outbox-relay", daemon=True)]
    retention = PeriodicJob("messaging-retention", settings.retention_interval_seconds, purge_messaging_tables)
    for job in [*(periodic_jobs or []), retention]:
        threads.append(
            threading.Thread(target=_periodic_loop, args=(job, db, settings, stop), name=f"job-{job.name}", daemon=True)
        )
    for thread in threads:
        health.watch_thread(thread)
    if handlers:
        health.needs_connection("broker", consumer.ready)
    for thread in threads:
        thread.start()
    if metrics_port:
        registry = CollectorRegistry()
        register_worker_metrics(registry, stats, db, consumer.ready if handlers else None)
        serve_worker_http(metrics_port, registry, health)
    log.info("worker of %s started", settings.service_name)
    if handlers:
        consumer.run()
    else:
        stop.wait()
    relay.stop()
    for thread in threads:
        thread.join(timeout=10)
    log.info("worker of %s stopped", settings.service_name)
