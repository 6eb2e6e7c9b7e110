"""The outbox relay: publishes unsent outbox rows to RabbitMQ with publisher confirms.

How it keeps its promises:
- a row is marked sent only after the broker confirmed it (ack, not returned);
- rows go out in ``seq`` order on one channel, a batch at a time, and the relay
  waits for the batch's confirms together (pika's asynchronous ``SelectConnection``:
  one round trip per batch rather than per message);
- only one relay per service publishes at a time: on PostgreSQL the leader holds an
  advisory lock, the others wait as hot standbys; it reads and marks the outbox on
  the lock's own session, checking the lock before each batch and before marking,
  so when that session dies it stops publishing before a standby takes over; SQLite
  has one writer and one worker per machine, so the lock is not needed there;
- it is woken at commit by PostgreSQL ``NOTIFY`` (polling remains as a backstop), and
  on SQLite by a datagram the committing process sends after its commit (``messaging.wake``; a slow poll
  every ``RELAY_SQLITE_POLL_INTERVAL_SECONDS`` remains as the backstop, 20 ms where it cannot listen);
- when the broker goes away it reconnects with a growing delay; unconfirmed rows stay
  unsent and are published again (the consumers' inbox absorbs the duplicate).

If the broker nacks a message of a batch, the rows before it are marked sent and
the rest of the batch is published again: a later event of an aggregate may then
reach consumers twice, never be lost.
"""

from __future__ import annotations

import logging
import threading
import time
import zlib
from collections.abc import Callable

import pika
from pika.exceptions import AMQPError
from sqlalchemy import select, text, update
from sqlalchemy.exc import DBAPIError, ResourceClosedError

from .. import clock
from ..config import Settings
from ..db import Database
from .outbox import notify_channel
from .tables import outbox_table
from .topology import exchange_arguments, unrouted_name
from .wake import NotifyListener, WakeListener

log = logging.getLogger(__name__)
SQLITE_POLL_WITHOUT_WAKE_SECONDS = 0.02


def connection_parameters(settings: Settings, *, heartbeat: int | None = None) -> pika.URLParameters:
    params = pika.URLParameters(settings.amqp_url)
    params.heartbeat = settings.amqp_heartbeat_seconds if heartbeat is None else heartbeat
    params.blocked_connection_timeout = settings.amqp_blocked_timeout_seconds
    params.connection_attempts = 1
    params.socket_timeout = 5
    return params


class LeaderLost(Exception):
    """The relay's advisory lock is gone (its database session ended): it must stop publishing."""


class LeaderLock:
    """PostgreSQL advisory lock held for as long as this relay publishes.

    The lock belongs to one database session, and the relay reads and marks the outbox through that same
    session, each statement checking that the lock is still held (``HELD``, evaluated in the statement
    itself): if the session dies (a restart, a network cut, ``pg_terminate_backend``) the lock is free for a
    standby at once, and this relay's next statement fails, so it stops publishing before the standby starts.
    The session is in autocommit and each read or mark is one statement, one round trip (issue 18: a
    transaction of a lock check and a read took four before the first publish). On SQLite (one worker) there
    is no lock and the relay uses the database's ordinary sessions.
    """

    HELD = (
        "EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND granted"
        " AND pid = pg_backend_pid() AND classid = 0 AND objid = :key AND objsubid = 1)"
    )

    def __init__(self, db: Database, service_name: str):
        self.db = db
        self.key = zlib.crc32(f"outbox-relay:{service_name}".encode())
        self._connection = None

    def try_acquire(self) -> bool:
        if self.db.is_sqlite:
            return True
        if self._connection is None:
            self._connection = self.db.engine.connect().execution_options(isolation_level="AUTOCOMMIT")
        try:
            acquired = self._connection.execute(
                text("SELECT pg_try_advisory_lock(:key)"), {"key": self.key}
            ).scalar_one()
            return bool(acquired)
        except Exception:
            self.release()
            raise

    def _execute(self, statement: str, parameters: dict):
        """One statement on the lock's session; ``LeaderLost`` when the session cannot be used any more."""
        if self._connection is None:
            raise LeaderLost("the relay holds no lock")
        try:
            return self._connection.execute(text(statement), {"key": self.key, **parameters})
        except (DBAPIError, ResourceClosedError) as error:
            self.release()
            raise LeaderLost(f"the lock's database session ended: {type(error).__name__}") from error

    def _lost(self) -> LeaderLost:
        self.release()
        return LeaderLost("the advisory lock is no longer held")

    def unsent(self, limit: int) -> list[tuple[int, str, str, str]]:
        """The first ``limit`` unsent outbox rows, in ``seq`` order, read only while the lock is held."""
        if self.db.is_sqlite:
            with self.db.transaction() as session:
                return [tuple(row) for row in session.execute(_unsent_rows(limit))]
        rows = self._execute(
            f"SELECT held.ok, o.seq, o.event_id, o.event_type, o.payload FROM (SELECT {self.HELD} AS ok) AS held"
            " LEFT JOIN LATERAL (SELECT seq, event_id, event_type, payload"
            f" FROM {outbox_table.name} WHERE sent_at IS NULL ORDER BY seq LIMIT :limit) AS o ON held.ok"
            " ORDER BY o.seq",
            {"limit": limit},
        ).all()
        if not rows[0][0]:
            raise self._lost()
        return [tuple(row[1:]) for row in rows if row[1] is not None]

    def mark(self, sent: list[int], failed: dict[int, str]) -> None:
        """Mark ``sent`` rows sent and count an attempt on each of ``failed`` (with its reason), only while the
        lock is held: one statement for the sent rows, one per failed row."""
        if self.db.is_sqlite:
            with self.db.transaction() as session:
                if sent:
                    session.execute(
                        update(outbox_table)
                        .where(outbox_table.c.seq.in_(sent))
                        .values(sent_at=clock.now(), attempts=outbox_table.c.attempts + 1)
                    )
                for seq, reason in failed.items():
                    session.execute(
                        update(outbox_table)
                        .where(outbox_table.c.seq == seq)
                        .values(attempts=outbox_table.c.attempts + 1, last_error=reason)
                    )
            return
        if sent:
            marked = self._execute(
                f"UPDATE {outbox_table.name} SET sent_at = :now, attempts = attempts + 1"
                f" WHERE seq = ANY(:seqs) AND {self.HELD}",
                {"now": clock.now(), "seqs": sent},
            ).rowcount
            if marked == 0 and not self._held():
                raise self._lost()
        for seq, reason in failed.items():
            if (
                not self._execute(
                    f"UPDATE {outbox_table.name} SET attempts = attempts + 1, last_error = :reason"
                    f" WHERE seq = :seq AND {self.HELD}",
                    {"seq": seq, "reason": reason},
                ).rowcount
                and not self._held()
            ):
                raise self._lost()

    def _held(self) -> bool:
        return bool(self._execute(f"SELECT {self.HELD}", {}).scalar_one())

    def release(self) -> None:
        if self._connection is not None:
            try:
                self._connection.close()
            except Exception:  # a dead session: the pool discards it
                log.debug("closing the relay's lock session failed", exc_info=True)
            finally:
                self._connection = None


def _unsent_rows(limit: int):
    return (
        select(outbox_table.c.seq, outbox_table.c.event_id, outbox_table.c.event_type, outbox_table.c.payload)
        .where(outbox_table.c.sent_at.is_(None))
        .order_by(outbox_table.c.seq)
        .limit(limit)
    )


class _Batch:
    def __init__(self):
        self.by_tag: dict[int, tuple[int, str]] = {}  # delivery tag -> (seq, event_id)
        self.acked: set[int] = set()
        self.failed: dict[int, str] = {}  # seq -> reason
        self.returned_ids: set[str] = set()

    @property
    def pending(self) -> bool:
        return bool(self.by_tag)


class OutboxRelay:
    """Runs in its own thread of the worker process, with its own connection."""

    def __init__(
        self,
        db: Database,
        settings: Settings,
        *,
        stop_event: threading.Event | None = None,
        on_published: Callable[[int], None] | None = None,
    ):
        self.db = db
        self.settings = settings
        self.stop_event = stop_event or threading.Event()
        self.on_published = on_published or (lambda count: None)
        self.poll_interval = (
            settings.relay_sqlite_poll_interval_seconds if db.is_sqlite else settings.relay_poll_interval_seconds
        )
        self._connection: pika.SelectConnection | None = None
        self._channel = None
        self._next_tag = 0
        self._batch: _Batch | None = None
        self._timer = None
        self._leader = LeaderLock(db, settings.service_name)
        self._listener: threading.Thread | None = None
        self.connected = threading.Event()

    # ----- lifecycle -------------------------------------------------------------
    def run(self) -> None:
        """Publish until :meth:`stop`; reconnect with a growing delay after failures."""
        delay = 0.5
        self._start_listener()
        while not self.stop_event.is_set():
            if not self._wait_for_leadership():
                break
            try:
                self._connection = pika.SelectConnection(
                    connection_parameters(self.settings),
                    on_open_callback=self._on_connection_open,
                    on_open_error_callback=self._on_connection_open_error,
                    on_close_callback=self._on_connection_closed,
                )
                self._connection.ioloop.start()
            except (AMQPError, OSError) as error:
                log.warning("relay connection failed: %s", error)
            self.connected.clear()
            self._channel = None
            self._batch = None
            self._timer = None
            if self._was_ready:  # it worked for a while: start the backoff again
                delay, self._was_ready = 0.5, False
            if self.stop_event.wait(delay):
                break
            delay = min(delay * 2, 15.0)
        self._leader.release()

    _was_ready = False

    def stop(self) -> None:
        self.stop_event.set()
        connection = self._connection
        if connection is not None:
            try:
                connection.ioloop.add_callback_threadsafe(self._close)
            except Exception:  # the loop is already gone
                pass

    def wake(self) -> None:
        """Ask the relay to look at the outbox now (thread-safe)."""
        connection = self._connection
        if connection is not None and self.connected.is_set():
            try:
                connection.ioloop.add_callback_threadsafe(self._on_wake)
            except Exception:
                pass

    def _wait_for_leadership(self) -> bool:
        logged = False
        while not self.stop_event.is_set():
            try:
                if self._leader.try_acquire():
                    return True
            except Exception as error:
                log.warning("relay cannot reach its database: %s", error)
            if not logged:
                log.info("another relay of %s is active; standing by", self.settings.service_name)
                logged = True
            self.stop_event.wait(self.settings.relay_standby_poll_seconds)
        return False

    def _start_listener(self) -> None:
        if self._listener is not None:
            return
        if self.db.is_sqlite:
            # Woken by the committing process (messaging.wake); without it, the fast poll of before.
            url = self.db.engine.url.render_as_string(hide_password=True)
            self._listener = WakeListener(url, self.wake, self.stop_event)
            if not self._listener.start():
                self.poll_interval = min(self.poll_interval, SQLITE_POLL_WITHOUT_WAKE_SECONDS)
            return
        self._listener = NotifyListener(
            self.db.engine.url, notify_channel(self.settings.service_name), self.wake, self.stop_event
        ).start()

    # ----- connection callbacks ----------------------------------------------------
    def _on_connection_open(self, connection) -> None:
        connection.channel(on_open_callback=self._on_channel_open)

    def _on_connection_open_error(self, connection, error) -> None:
        log.warning("relay cannot reach the broker: %s", error)
        connection.ioloop.stop()

    def _on_connection_closed(self, connection, reason) -> None:
        if not self.stop_event.is_set():
            log.warning("relay connection closed: %s", reason)
        connection.ioloop.stop()

    def _on_channel_open(self, channel) -> None:
        self._channel = channel
        channel.add_on_close_callback(self._on_channel_closed)
        channel.add_on_return_callback(self._on_return)
        declare_exchange_async(channel, self.settings.amqp_exchange, self._on_exchange_ready)

    def _on_channel_closed(self, channel, reason) -> None:
        if not self.stop_event.is_set():
            log.warning("relay channel closed: %s", reason)
        if self._connection and self._connection.is_open:
            self._connection.close()

    def _on_exchange_ready(self, _frame) -> None:
        self._channel.confirm_delivery(ack_nack_callback=self._on_confirm, callback=self._on_confirm_mode)

    def _on_confirm_mode(self, _frame) -> None:
        self._next_tag = 0
        self.connected.set()
        self._was_ready = True
        log.info("outbox relay connected")
        self._pump()

    def _close(self) -> None:
        if self._connection is not None and self._connection.is_open:
            self._connection.close()
        elif self._connection is not None:
            self._connection.ioloop.stop()

    # ----- publishing --------------------------------------------------------------
    def _on_wake(self) -> None:
        if self._batch is None:
            self._pump()

    def _schedule(self, delay: float) -> None:
        if self._timer is not None:
            self._connection.ioloop.remove_timeout(self._timer)
        self._timer = self._connection.ioloop.call_later(delay, self._on_timer)

    def _on_timer(self) -> None:
        self._timer = None
        if self._batch is None:
            self._pump()

    def _pump(self) -> None:
        if self.stop_event.is_set() or self._channel is None or not self._channel.is_open:
            return
        try:
            rows = self._load_unsent()
        except LeaderLost as lost:
            self._lose_leadership(lost)
            return
        except Exception as error:
            log.warning("relay cannot read the outbox: %s", error)
            self._schedule(1.0)
            return
        if not rows:
            self._schedule(self.poll_interval)
            return
        batch = _Batch()
        self._batch = batch
        for seq, event_id, event_type, payload in rows:
            self._next_tag += 1
            batch.by_tag[self._next_tag] = (seq, event_id)
            self._channel.basic_publish(
                exchange=self.settings.amqp_exchange,
                routing_key=event_type,
                body=payload.encode(),
                properties=pika.BasicProperties(
                    delivery_mode=pika.DeliveryMode.Persistent,
                    content_type="application/json",
                    message_id=event_id,
                    type=event_type,
                    app_id=self.settings.service_name,
                    timestamp=int(time.time()),
                ),
                mandatory=True,
            )

    def _lose_leadership(self, lost: LeaderLost) -> None:
        """Stop publishing now: a standby may already hold the lock. Unconfirmed rows stay unsent."""
        log.warning("relay of %s lost its leadership (%s): it stops publishing", self.settings.service_name, lost)
        self._batch = None
        self._close()

    def _load_unsent(self) -> list[tuple[int, str, str, str]]:
        return self._leader.unsent(self.settings.relay_batch_size)

    def _on_return(self, _channel, method, properties, _body) -> None:
        if self._batch is not None and properties.message_id:
            self._batch.returned_ids.add(properties.message_id)
            log.error("event %s returned by the broker: %s", properties.message_id, method.reply_text)

    def _on_confirm(self, frame) -> None:
        batch = self._batch
        if batch is None:
            return
        method = frame.method
        acked = method.NAME.endswith("Ack")
        tags = [tag for tag in batch.by_tag if tag <= method.delivery_tag] if method.multiple else [method.delivery_tag]
        for tag in tags:
            entry = batch.by_tag.pop(tag, None)
            if entry is None:
                continue
            seq, event_id = entry
            if acked and event_id not in batch.returned_ids:
                batch.acked.add(seq)
            else:
                batch.failed[seq] = "returned (unroutable)" if acked else "nacked by the broker"
        if not batch.pending:
            self._finish_batch(batch)

    def _finish_batch(self, batch: _Batch) -> None:
        self._batch = None
        first_failure = min(batch.failed) if batch.failed else None
        sent = sorted(seq for seq in batch.acked if first_failure is None or seq < first_failure)
        try:
            self._leader.mark(sent, batch.failed)
        except LeaderLost as lost:
            self._lose_leadership(lost)  # the new leader publishes these rows again: duplicates, never losses
            return
        except Exception as error:
            # Rows stay unsent and are published again: duplicates, never losses.
            log.warning("relay could not mark rows sent: %s", error)
            self._schedule(1.0)
            return
        if sent:
            self.on_published(len(sent))
        # Through _schedule, which replaces the pending poll: a second timer here would start a second poll
        # chain at every batch that began while a poll was pending (issue 18: after the demo data, a relay
        # polled five times a second instead of once).
        self._schedule(1.0 if batch.failed else 0)


def declare_exchange_async(channel, exchange: str, callback) -> None:
    """The exchanges of :func:`topology.declare_exchange` (same arguments, or the broker refuses).

    Not the ``domain.unrouted`` queue: ``setup-broker`` and every consumer declare it, with its limits,
    before any event is published; were it missing, an unroutable event would come back to the relay
    (``mandatory``) and stay unsent until it exists.
    """
    unrouted = unrouted_name(exchange)
    steps = [
        lambda done: channel.exchange_declare(exchange=unrouted, exchange_type="fanout", durable=True, callback=done),
        lambda done: channel.exchange_declare(
            exchange=exchange,
            exchange_type="topic",
            durable=True,
            arguments=exchange_arguments(exchange),
            callback=done,
        ),
    ]

    def run(index: int, frame=None):
        if index == len(steps):
            callback(frame)
        else:
            steps[index](lambda next_frame: run(index + 1, next_frame))

    run(0)
