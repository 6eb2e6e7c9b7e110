"""Waking a service's worker on SQLite when its API (or the worker itself) commits an outbox row.

On PostgreSQL the relay is woken at commit by ``NOTIFY``. SQLite has no such thing, and its relay used to poll
every 20 ms: five idle workers spent about half a core polling (issue 18). Here a transaction that recorded an
event sends, after it commits, one datagram to the worker of the same database on a Linux abstract Unix socket
named after the database file (nothing on disk); the relay's listener receives it and wakes the relay. It is
a hint, never a promise: a datagram nobody receives (no worker yet, another OS) is dropped, and the relay's
slow poll (``RELAY_SQLITE_POLL_INTERVAL_SECONDS``) still publishes every row, so no event is ever lost.

On PostgreSQL a periodic job's wake is a ``pg_notify`` in the transaction that gives it work (delivered at
commit only, to the listeners of the same database), received by a :class:`NotifyListener`; the relay's own
wake is ``record_event``'s ``pg_notify``, received the same way. The job's poll stays as the backstop.
"""

from __future__ import annotations

import hashlib
import logging
import re
import socket
import sys
import threading
from collections.abc import Callable

from sqlalchemy import event, text
from sqlalchemy.orm import Session

log = logging.getLogger(__name__)
_SUPPORTED = sys.platform.startswith("linux")


def address(database_url: str, topic: str = "outbox") -> str:
    """The abstract socket name of a database's worker for ``topic`` (the relay's ``outbox``, or a periodic
    job's name), a leading NUL: Linux's abstract namespace."""
    return f"\0platform-wake-{topic}-" + hashlib.sha256(database_url.encode()).hexdigest()[:24]


def send_wake(database_url: str, topic: str = "outbox") -> None:
    """One datagram to the worker of ``database_url``; silently nothing when none listens."""
    if not _SUPPORTED:
        return
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as sender:
            sender.setblocking(False)
            sender.sendto(b"w", address(database_url, topic))
    except OSError:
        pass  # no worker listening, or its queue is full (it is waking anyway)


def notify_channel_of(topic: str) -> str:
    """The PostgreSQL ``NOTIFY`` channel of a periodic job's wake (channels are per database already)."""
    return "wake_" + re.sub(r"\W", "_", topic)


def wake_after_commit(session: Session, topic: str = "outbox") -> None:
    """Wake ``topic``'s listener once the session's transaction commits (a rollback wakes nobody): on SQLite a
    datagram after the commit, on PostgreSQL a ``pg_notify`` now (one per topic and transaction), which the
    server delivers at commit."""
    engine = session.get_bind().engine
    if engine.dialect.name == "sqlite":
        session.info.setdefault("wake_topics", set()).add((engine.url.render_as_string(hide_password=True), topic))
    elif engine.dialect.name == "postgresql":
        notified = session.info.setdefault("notified_topics", set())
        if topic not in notified:
            notified.add(topic)
            session.execute(text("SELECT pg_notify(:channel, '')"), {"channel": notify_channel_of(topic)})


@event.listens_for(Session, "after_commit")
def _after_commit(session: Session) -> None:
    session.info.pop("notified_topics", None)
    for url, topic in session.info.pop("wake_topics", ()):
        send_wake(url, topic)


@event.listens_for(Session, "after_rollback")
def _after_rollback(session: Session) -> None:
    session.info.pop("wake_topics", None)
    session.info.pop("notified_topics", None)


class NotifyListener:
    """Calls ``on_wake`` at each ``NOTIFY`` on ``channel`` of a PostgreSQL database, from a daemon thread, until
    ``stop_event``; a lost connection is opened again a second later (the caller's poll covers the gap)."""

    def __init__(self, engine_url, channel: str, on_wake: Callable[[], None], stop_event: threading.Event):
        self.url = engine_url.set(drivername="postgresql").render_as_string(hide_password=False)
        self.channel = channel
        self.on_wake = on_wake
        self.stop_event = stop_event

    def start(self) -> threading.Thread:
        thread = threading.Thread(target=self._run, name=f"listen-{self.channel}", daemon=True)
        thread.start()
        return thread

    def _run(self) -> None:
        import psycopg

        while not self.stop_event.is_set():
            try:
                with psycopg.connect(self.url, autocommit=True) as connection:
                    connection.execute(f'LISTEN "{self.channel}"')
                    while not self.stop_event.is_set():
                        for _ in connection.notifies(timeout=1.0, stop_after=1):
                            self.on_wake()
            except Exception as error:
                log.warning("listener of %s lost its connection: %s", self.channel, error)
                self.stop_event.wait(1.0)


class WakeListener:
    """Receives the wakes of one database and calls ``on_wake`` for each; ``start()`` is False when it cannot
    listen (another OS, or another process of the same database already listens): the caller then polls."""

    def __init__(
        self, database_url: str, on_wake: Callable[[], None], stop_event: threading.Event, topic: str = "outbox"
    ):
        self.name = address(database_url, topic)
        self.on_wake = on_wake
        self.stop_event = stop_event
        self._socket: socket.socket | None = None

    def start(self) -> bool:
        if not _SUPPORTED:
            return False
        receiver = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        try:
            receiver.bind(self.name)
        except OSError as error:
            receiver.close()
            log.info("outbox wake not available (%s): the relay polls", error)
            return False
        receiver.settimeout(1.0)
        self._socket = receiver
        threading.Thread(target=self._run, name="outbox-wake", daemon=True).start()
        return True

    def _run(self) -> None:
        receiver = self._socket
        try:
            while not self.stop_event.is_set():
                try:
                    receiver.recv(16)
                except TimeoutError:
                    continue
                except OSError:
                    return
                self.on_wake()
        finally:
            receiver.close()
            self.on_wake()  # whoever waits for a wake sees the stop at once
