"""What one live stream's poll costs: the keyset read of a person's new lines (``services/live.lines_after``).

Fills ``live_events`` with ``--lines`` lines spread over ``--people`` audiences plus the staff's, then times the
read a quiet stream makes every ``LIVE_STREAM_POLL_SECONDS`` (nothing new after the newest id), and a replay of
100 lines after a ``Last-Event-ID``, each on its own pooled session as the stream does.

Run: ``.venv/bin/python services/notification/perf/live_stream_perf.py [--lines 100000] [--people 1000] [--postgres]``
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from sqlalchemy import insert, text

from notification.cli import MIGRATIONS_DIR
from notification.db import LiveEvent
from notification.services import live
from platform_shared import clock
from platform_shared.db import Database
from platform_shared.migrations import upgrade
from platform_shared.testing import infra

READS = 500


def fill(db: Database, lines: int, people: int) -> None:
    now = clock.now()
    rows = [
        {
            "audience": "staff" if number % 5 == 0 else f"sub:person-{number % people}",
            "kind": "dossier",
            "event_id": f"e-{number}",
            "event_type": "dossier.note_added",
            "dossier_id": f"d-{number % (people * 2)}",
            "data": {"type": "dossier.note_added", "dossier_id": f"d-{number % (people * 2)}"},
            "created_at": now,
        }
        for number in range(lines)
    ]
    with db.transaction() as session:
        for start in range(0, lines, 5000):
            session.execute(insert(LiveEvent), rows[start : start + 5000])


def timed(db: Database, audiences: tuple[str, ...] | None, after: int) -> list[float]:
    """Milliseconds per read; ``audiences`` None: the baseline, ``SELECT 1`` on the same kind of session."""
    timings = []
    for _ in range(READS):
        started = time.perf_counter()
        with db.read_only() as session:
            if audiences is None:
                session.execute(text("SELECT 1")).scalar_one()
            else:
                live.lines_after(session, audiences, after, limit=200)
        timings.append((time.perf_counter() - started) * 1000)
    return timings


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--lines", type=int, default=100_000)
    parser.add_argument("--people", type=int, default=1000)
    parser.add_argument("--postgres", action="store_true")
    args = parser.parse_args()
    name = infra.unique_name("perf_live")
    with tempfile.TemporaryDirectory() as work_dir:
        if args.postgres:
            url = infra.create_postgres_database(infra.postgres_url(), name)
        else:
            url = f"sqlite:///{Path(work_dir) / 'notification.db'}"
        upgrade(MIGRATIONS_DIR, url)
        db = Database(url)
        fill(db, args.lines, args.people)
        with db.read_only() as session:
            newest = live.last_id(session)
        for label, audiences, after in (
            ("baseline: SELECT 1", None, 0),
            ("quiet poll, a client", ("sub:person-7",), newest),
            ("quiet poll, staff", ("sub:person-7", "staff"), newest),
            ("replay of ~100 lines, staff", ("sub:person-7", "staff"), newest - 500),
        ):
            timings = timed(db, audiences, after)
            print(
                f"{label:32} median {statistics.median(timings):.3f} ms, "
                f"p95 {statistics.quantiles(timings, n=20)[18]:.3f} ms ({READS} reads, {args.lines} lines)"
            )
        db.dispose()
        if args.postgres:
            infra.drop_postgres_database(infra.postgres_url(), name)


if __name__ == "__main__":
    main()
