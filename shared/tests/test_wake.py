"""The SQLite relay is woken by the committing process (issue 18), and only by a commit."""

import socket
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pytest

from platform_shared.config import load_settings
from platform_shared.messaging import wake
from platform_shared.messaging.outbox import record_event


def _url(db) -> str:
    return db.engine.url.render_as_string(hide_password=True)


def test_a_commit_that_recorded_an_event_wakes_the_listener_of_its_database(db):
    woken, stop = threading.Event(), threading.Event()
    listener = wake.WakeListener(_url(db), woken.set, stop)
    assert listener.start()
    try:
        with db.transaction() as session:
            record_event(session, "thing.created", {"id": "1"}, producer="demo")
        assert woken.wait(10)
    finally:
        stop.set()


def test_a_rolled_back_transaction_and_a_transaction_without_events_wake_nobody(db, monkeypatch):
    sent = []
    monkeypatch.setattr(wake, "send_wake", lambda url, topic="outbox": sent.append((url, topic)))
    with pytest.raises(RuntimeError), db.transaction() as session:
        record_event(session, "thing.created", {"id": "1"}, producer="demo")
        raise RuntimeError("use case failed")
    with db.transaction() as session:
        session.info["unrelated"] = True
    assert sent == []
    with db.transaction() as session:
        record_event(session, "thing.created", {"id": "2"}, producer="demo")
    assert sent == [(_url(db), "outbox")]


def test_a_second_listener_of_the_same_database_declines_and_its_relay_polls_fast(db):
    from platform_shared.messaging.relay import SQLITE_POLL_WITHOUT_WAKE_SECONDS, OutboxRelay

    stop = threading.Event()
    assert wake.WakeListener(_url(db), lambda: None, stop).start()
    try:
        assert not wake.WakeListener(_url(db), lambda: None, stop).start()
        settings = load_settings(
            service_name="demo", database_url=db.url, amqp_url="amqp://guest:guest@127.0.0.1:1/%2F"
        )
        relay = OutboxRelay(db, settings)
        relay._start_listener()
        assert relay.poll_interval == SQLITE_POLL_WITHOUT_WAKE_SECONDS
    finally:
        stop.set()


@contextmanager
def sqlite_relay(db, on_published: Callable[[int], None]) -> Iterator[object]:
    """A connected relay of ``db`` publishing to a private vhost, its backstop poll set to 10 minutes."""
    import pika

    from platform_shared.messaging.relay import OutboxRelay
    from platform_shared.messaging.tables import messaging_metadata
    from platform_shared.messaging.topology import declare_exchange
    from platform_shared.testing import infra

    try:
        vhost = infra.create_vhost(infra.amqp_url(), prefix="wake")
    except infra.InfraUnavailable as error:
        pytest.skip(str(error))
    connection = pika.BlockingConnection(pika.URLParameters(vhost.url))
    channel = connection.channel()
    declare_exchange(channel, "domain")
    channel.queue_declare("wake.sink", durable=True)
    channel.queue_bind("wake.sink", "domain", routing_key="thing.created")
    connection.close()
    messaging_metadata.create_all(db.engine)
    settings = load_settings(
        service_name="demo", database_url=db.url, amqp_url=vhost.url, relay_sqlite_poll_interval_seconds=600
    )
    relay = OutboxRelay(db, settings, on_published=on_published)
    thread = threading.Thread(target=relay.run, daemon=True)
    thread.start()
    try:
        assert relay.connected.wait(30)
        yield relay
    finally:
        relay.stop()
        thread.join(timeout=10)
        infra.delete_vhost(vhost)


def test_on_sqlite_the_relay_publishes_a_committed_event_without_waiting_for_its_slow_poll(db):
    """The backstop poll set to 10 minutes: only the wake can have published the event."""
    published = threading.Event()
    with sqlite_relay(db, lambda count: published.set()):
        with db.transaction() as session:
            record_event(session, "thing.created", {"id": "1"}, producer="demo")
        assert published.wait(20)


def test_a_periodic_job_with_a_wake_topic_runs_at_the_commit_that_gives_it_work_and_stops_at_once(db):
    """Its poll set to 10 minutes: only the wake can make it run; the stop ends it without waiting the poll."""
    from platform_shared.worker import PeriodicJob, _periodic_loop

    settings = load_settings(service_name="demo", database_url=db.url, amqp_url="amqp://guest:guest@127.0.0.1:1/%2F")
    ran, stop = threading.Event(), threading.Event()
    job = PeriodicJob(
        "demo-job", 600, lambda _db, _settings: ran.set(), wake_topic="demo-job", idle_interval_seconds=600
    )
    thread = threading.Thread(target=_periodic_loop, args=(job, db, settings, stop), daemon=True)
    thread.start()
    try:
        for _ in range(100):  # until its listener is bound (a wake before that is a hint lost, not work lost)
            with db.transaction() as session:
                wake.wake_after_commit(session, "other-job")
            probe = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
            try:
                probe.bind(wake.address(_url(db), "demo-job"))
            except OSError:
                break  # the job's listener holds it
            finally:
                probe.close()
            threading.Event().wait(0.05)
        assert not ran.is_set()  # a wake of another topic is not this job's
        with db.transaction() as session:
            wake.wake_after_commit(session, "demo-job")
        assert ran.wait(10)
    finally:
        stop.set()
    thread.join(timeout=10)
    assert not thread.is_alive()


def test_the_relay_keeps_one_poll_pending_however_many_batches_it_publishes(db):
    """Each batch published after a wake used to leave the pending poll behind and start another one: after
    the demo data an idle relay polled several times a second. Counted in the relay's own event loop."""
    published = threading.Semaphore(0)
    with sqlite_relay(db, lambda count: published.release()) as relay:

        def pending_polls() -> int:
            counted: list[int] = []
            done = threading.Event()

            def count() -> None:  # in the loop's own thread
                heap = relay._connection.ioloop._timer._timeout_heap or []
                counted.append(sum(1 for timeout in heap if timeout.callback == relay._on_timer))
                done.set()

            relay._connection.ioloop.add_callback_threadsafe(count)
            assert done.wait(10)
            return counted[0]

        for number in range(5):
            with db.transaction() as session:
                record_event(session, "thing.created", {"id": str(number)}, producer="demo")
            assert published.acquire(timeout=20)
            assert pending_polls() == 1


@pytest.fixture
def postgres_db():
    from platform_shared.db import Database
    from platform_shared.testing.schema import scratch_database

    with scratch_database("postgresql") as url:
        database = Database(url)
        yield database
        database.dispose()


def test_on_postgresql_a_periodic_job_runs_at_the_commit_that_gives_it_work_not_at_a_rollback(postgres_db):
    """Issue 18: its poll set to 10 minutes, only the NOTIFY of a committed transaction can make it run."""
    from sqlalchemy import text

    from platform_shared.worker import PeriodicJob, _periodic_loop

    db = postgres_db
    settings = load_settings(service_name="demo", database_url=db.url, amqp_url="amqp://guest:guest@127.0.0.1:1/%2F")
    ran, stop = threading.Event(), threading.Event()
    job = PeriodicJob("demo-job", 600, lambda _db, _settings: ran.set(), wake_topic="demo-job")
    thread = threading.Thread(target=_periodic_loop, args=(job, db, settings, stop), daemon=True)
    thread.start()
    try:
        listening = text("SELECT count(*) FROM pg_stat_activity WHERE query = :query")
        for _ in range(200):  # until its listener listens (a wake before that is a hint lost, not work lost)
            with db.read_only() as session:
                if session.execute(listening, {"query": f'LISTEN "{wake.notify_channel_of("demo-job")}"'}).scalar():
                    break
            threading.Event().wait(0.05)
        with pytest.raises(RuntimeError), db.transaction() as session:
            wake.wake_after_commit(session, "demo-job")
            raise RuntimeError("the use case failed")
        with db.transaction() as session:
            wake.wake_after_commit(session, "other-job")
        assert not ran.wait(1.5)  # a rollback, or another topic's wake, is not this job's
        with db.transaction() as session:
            wake.wake_after_commit(session, "demo-job")
            wake.wake_after_commit(session, "demo-job")  # one NOTIFY per topic and transaction
        assert ran.wait(10)
    finally:
        stop.set()
    thread.join(timeout=3)
    assert not thread.is_alive()
