"""Notification sender throughput, next to a bare smtplib loop to the same SMTP sink in the same run.

1. 10,000 ``attestation.issued`` events handed to the notification handlers (inbox included),
   which record 10,000 email deliveries (and in-app notifications).
2. The worker's sender (``sender_job``: claim -> SMTP -> outcome (``notification.failed`` when it fails), one
   connection reused) drains them to a local aiosmtpd sink: emails/s.
3. Baseline: a bare ``smtplib`` loop sending 10,000 equivalent messages over one connection
   to the same sink.

Run: ``.venv/bin/python services/notification/perf/notification_perf.py [--events 10000] [--postgres]
[--claim-size N]``.
Prints figures; asserts nothing. Not collected by pytest.
"""

from __future__ import annotations

import argparse
import smtplib
import socket
import tempfile
import threading
import time
from email.message import EmailMessage
from pathlib import Path

from aiosmtpd.controller import Controller
from sqlalchemy import func, select

from notification import config
from notification.cli import MIGRATIONS_DIR
from notification.db import Delivery
from notification.handlers import handlers
from notification.jobs import sender_job
from platform_shared.db import Database
from platform_shared.messaging.envelope import new_envelope
from platform_shared.messaging.inbox import handle_once
from platform_shared.migrations import upgrade
from platform_shared.testing import infra


class CountingSink:
    """An SMTP sink that only counts what it accepts."""

    def __init__(self):
        self.count = 0
        self._lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        with self._lock:
            self.count += 1
        return "250 OK"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def database_url(use_postgres: bool, work_dir: Path) -> tuple[str, str | None]:
    """The database URL, and the PostgreSQL database name to drop afterwards."""
    if use_postgres:
        name = infra.unique_name("perf_notification")
        return infra.create_postgres_database(infra.postgres_url(), name), name
    return f"sqlite:///{work_dir / 'notification.db'}", None


def queue_events(db: Database, settings, count: int) -> float:
    table = handlers(settings)
    started = time.perf_counter()
    for number in range(count):
        envelope = new_envelope(
            "attestation.issued",
            {
                "request_id": f"r-{number}",
                "contract_id": f"k-{number}",
                "document_id": f"doc-{number}",
                "template_id": "t",
                "title": "Attestation d'assurance",
                "client_sub": f"client-{number}",
                "client_org": None,
                "client_email": f"client{number}@perf.test",
            },
            producer="attestation",
            actor={"sub": "agent-1", "role": "agent"},
        )
        handle_once(db, "notification", table, envelope)
    return time.perf_counter() - started


def drain(db: Database, settings, sink: CountingSink, count: int) -> float:
    started = time.perf_counter()
    while sink.count < count:
        sender_job(db, settings)
    elapsed = time.perf_counter() - started
    with db.read_only() as session:
        sent = session.execute(select(func.count()).select_from(Delivery).where(Delivery.status == "sent")).scalar_one()
    assert sent == count, f"{sent} deliveries marked sent, {count} expected"
    return elapsed


def bare_smtplib(port: int, count: int) -> float:
    started = time.perf_counter()
    with smtplib.SMTP("127.0.0.1", port) as smtp:
        for number in range(count):
            message = EmailMessage()
            message["From"] = "no-reply@perf.test"
            message["To"] = f"client{number}@perf.test"
            message["Subject"] = "Votre attestation est disponible"
            message.set_content("Bonjour,\n\nVotre attestation est disponible.\n")
            message.add_alternative("<p>Bonjour,</p><p>Votre attestation est disponible.</p>", subtype="html")
            smtp.send_message(message)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--postgres", action="store_true", help="use the local PostgreSQL instead of SQLite")
    parser.add_argument(
        "--claim-size",
        type=int,
        default=None,
        help="SENDER_CLAIM_SIZE: emails claimed per transaction (the service's default)",
    )
    args = parser.parse_args()

    sink = CountingSink()
    port = free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    with tempfile.TemporaryDirectory() as work:
        url, postgres_name = database_url(args.postgres, Path(work))
        upgrade(MIGRATIONS_DIR, url)
        settings = config.load(
            database_url=url,
            smtp_port=port,
            sender_batch_size=500,
            log_json=False,
            **({} if args.claim_size is None else {"sender_claim_size": args.claim_size}),
        )
        db = Database(url)
        try:
            queued = queue_events(db, settings, args.events)
            sent = drain(db, settings, sink, args.events)
            sink.count = 0
            bare = bare_smtplib(port, args.events)
        finally:
            db.dispose()
            controller.stop()
            if postgres_name:
                infra.drop_postgres_database(infra.postgres_url(), postgres_name)
    backend = "PostgreSQL" if args.postgres else "SQLite"
    print(f"database: {backend}; {args.events} events; {settings.sender_claim_size} email(s) claimed per transaction")
    print(f"queue (handlers record deliveries): {args.events / queued:8.0f} events/s ({queued:.1f} s)")
    print(f"notification sender -> SMTP sink:   {args.events / sent:8.0f} emails/s ({sent:.1f} s)")
    print(f"bare smtplib loop -> same sink:     {args.events / bare:8.0f} emails/s ({bare:.1f} s)")


if __name__ == "__main__":
    main()
