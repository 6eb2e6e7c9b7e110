"""Waking a service's worker on SQLite when its API (or the worker itself) commits an outbox row.

On PostgreSQL the relay is woken at commit by ``NOTIFY``. SQLite has no such thing, and its relay used to poll
every 20 ms: five idle workers spent about half a core polling (issue 18). Here a transaction that recorded an
event sends, after it commits, one datagram to the worker of the same database on a Linux abstract Unix socket
named after the database file (nothing on disk); the relay's listener receives it and wakes the relay. It is
a hint, never a promise: a datagram nobody receives (no worker yet, another OS) is dropped, and the relay's
slow poll (``RELAY_SQLITE_POLL_INTERVAL_SECONDS``) still publishes every row, so no event is ever lost.
"""

from __future__ import annotations

import hashlib
import logging
import socket
import sys
import threading
from collections.abc import Callable

from sqlalchemy import event
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


def wake_after_commit(session: Session, topic: str = "outbox") -> None:
    """On SQLite, wake ``topic``'s listener once the session's transaction commits (a rollback sends nothing)."""
    engine = session.get_bind().engine
    if engine.dialect.name == "sqlite":
        session.info.setdefault("wake_topics", set()).add((engine.url.render_as_string(hide_password=True), topic))


@event.listens_for(Session, "after_commit")
def _after_commit(session: Session) -> None:
    for url, topic in session.info.pop("wake_topics", ()):
        send_wake(url, topic)


@event.listens_for(Session, "after_rollback")
def _after_rollback(session: Session) -> None:
    session.info.pop("wake_topics", None)


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
