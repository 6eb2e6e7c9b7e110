"""Read figures of issue 18, each next to its baseline measured in the same run.

1. ``GET /dossiers/{id}`` on PostgreSQL under gunicorn with the deploy config (deploy/gunicorn.conf.py, its
   default workers and threads), 16 connections (wrk), vs a bare Flask + SQLAlchemy + PostgreSQL app reading
   the same row and a bare Flask hello, both under the same gunicorn config.
2. A list page at position 50,000 of 100,000 dossiers (``--rows``; 1,000,000 works too) vs the first page,
   one request at a time, p50 over ``--samples`` requests each.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psycopg
import requests

ROOT = Path(__file__).resolve().parents[2]
BIN = ROOT / ".venv" / "bin"
sys.path.insert(0, str(ROOT / "tests" / "integration"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import Platform, free_port, wait_until  # noqa: E402
from minimal_model import create_minimal_model  # noqa: E402
from report import Figure, cpu_seconds, descendants, wrk  # noqa: E402

from platform_shared.pagination import encode_cursor  # noqa: E402

# The deploy config's own defaults (the harness raises the threads for the integration tests).
ROUNDS = 3
DEPLOY_ENV = {"GUNICORN_THREADS": "4", "GUNICORN_WORKERS": "1", "LOG_LEVEL": "INFO"}


def _gunicorn(app_uri: str, port: int, env: dict[str, str], log: Path) -> subprocess.Popen:
    handle = open(log, "ab")  # noqa: SIM115 (the process owns it until it ends)
    return subprocess.Popen(
        [str(BIN / "gunicorn"), "-c", str(ROOT / "deploy/gunicorn.conf.py"), "--bind", f"127.0.0.1:{port}", app_uri],
        env=env,
        cwd=Path(__file__).resolve().parent,
        stdout=handle,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def _answers(url: str) -> bool:
    try:
        return requests.get(url, timeout=1).status_code < 500
    except requests.RequestException:
        return False


def _stop(process: subprocess.Popen) -> None:
    os.killpg(process.pid, 15)
    process.wait(timeout=30)


def _insert_dossiers(url: str, model_id: str, count: int, start: int = 0) -> None:
    with psycopg.connect(url) as connection:
        connection.execute(
            """
            insert into dossiers (id, reference, title, description, model_id, model_version, category, kind,
                origin, status, client_status, client_sub, client_org, field_values, created_by, created_at,
                updated_at)
            select 'bench-' || lpad(n::text, 8, '0'), 'B-' || n, 'bench dossier ' || n, '', %(model)s, 1,
                'corporate', 'dossier', 'crm', case when n %% 2 = 0 then 'open' else 'done' end, 'open',
                'client-' || (n %% 1000), 'org-' || (n %% 100), '{"summary": "x"}', 'bench',
                timestamptz '2020-01-01' + n * interval '1 second', timestamptz '2020-01-01' + n * interval '1 second'
            from generate_series(%(start)s + 1, %(start)s + %(count)s) n
            """,
            {"model": model_id, "start": start, "count": count},
        )
        connection.execute("analyze dossiers")


def _p50(session: requests.Session, url: str, headers: dict, samples: int) -> float:
    timings = []
    for _ in range(samples):
        started = time.perf_counter()
        response = session.get(url, headers=headers, timeout=30)
        timings.append((time.perf_counter() - started) * 1000)
        response.raise_for_status()
    return statistics.median(timings)


def read_figures(*, seconds: int, rows: int, samples: int) -> list[Figure]:
    figures = []
    with tempfile.TemporaryDirectory() as work_dir:
        platform = Platform(Path(work_dir), services=["dossier"], extra_env=DEPLOY_ENV).start()
        bare = []
        try:
            model_id = create_minimal_model(platform)
            database_url = platform.database_url("dossier")
            _insert_dossiers(database_url, model_id, rows)
            agent = platform.headers("agent", "bench-agent")
            session = requests.Session()
            one = session.get(platform.api("dossier", "/dossiers?limit=1"), headers=agent, timeout=10).json()
            dossier_id = one["items"][0]["id"]
            env = {**os.environ, **DEPLOY_ENV, "BARE_DATABASE_URL": database_url}
            ports = {"one_row": free_port(), "hello": free_port()}
            for name, port in ports.items():
                bare.append(_gunicorn(f"bare_apps:{name}()", port, env, Path(work_dir) / f"bare-{name}.log"))
            for port in ports.values():
                wait_until(lambda port=port: _answers(f"http://127.0.0.1:{port}/"), timeout=30)

            # 1. the hot read: the three apps in interleaved rounds (the load of the shared machine drifts), and
            # each server's own CPU time per request (which the other processes' load hardly changes)
            url = platform.api("dossier", f"/dossiers/{dossier_id}")
            targets = {
                "ours": (url, agent, descendants(platform.processes["dossier"].api.pid)),
                "one_row": (f"http://127.0.0.1:{ports['one_row']}/dossiers/{dossier_id}", {}, descendants(bare[0].pid)),
                "hello": (f"http://127.0.0.1:{ports['hello']}/hello/{dossier_id}", {}, descendants(bare[1].pid)),
            }
            for target, headers, _pids in targets.values():
                wrk(target, headers=headers, seconds=1)  # warm up
            runs: dict[str, list[dict]] = {name: [] for name in targets}
            for _round in range(ROUNDS):
                for name, (target, headers, pids) in targets.items():
                    before = cpu_seconds(pids)
                    result = wrk(target, headers=headers, seconds=max(1, seconds // ROUNDS))
                    spent = cpu_seconds(pids) - before
                    result["cpu_ms"] = spent * 1000 / max(1, result["requests"])
                    runs[name].append(result)
            measured = {
                name: {key: statistics.median(run[key] for run in results) for key in results[0]}
                for name, results in runs.items()
            }
            ours, one_row, hello = measured["ours"], measured["one_row"], measured["hello"]

            def text(result: dict) -> str:
                return (
                    f"{result['rate']:.0f} req/s, p50 {result['p50']:.1f} ms, p99 {result['p99']:.1f} ms,"
                    f" {result['cpu_ms']:.2f} ms CPU/req"
                )

            figures.append(
                Figure(
                    "GET /dossiers/{id} vs bare one-row app",
                    ours["rate"],
                    text(ours),
                    one_row["rate"],
                    text(one_row),
                    0.8,
                    True,
                    ">= 0.8x",
                    extra=f"non-2xx: ours {ours['errors']:.0f}, one-row {one_row['errors']:.0f}; median of {ROUNDS}"
                    " interleaved wrk rounds, 16 connections",
                )
            )
            figures.append(
                Figure(
                    "GET /dossiers/{id} vs bare hello",
                    ours["rate"],
                    text(ours),
                    hello["rate"],
                    text(hello),
                    0.3,
                    True,
                    ">= 0.3x",
                )
            )
            figures.append(
                Figure(
                    "GET /dossiers/{id} server CPU per request vs one-row app (1/x)",
                    1 / ours["cpu_ms"],
                    f"{ours['cpu_ms']:.2f} ms",
                    1 / one_row["cpu_ms"],
                    f"{one_row['cpu_ms']:.2f} ms",
                    0.8,
                    True,
                    ">= 0.8x",
                )
            )

            # 2. the deep page: the cursor of the row at position rows/2, newest first
            position = rows // 2
            with psycopg.connect(database_url) as connection:
                created_at, ident = connection.execute(
                    "select created_at, id from dossiers order by created_at desc, id desc offset %s limit 1",
                    (position - 1,),
                ).fetchone()
            cursor = encode_cursor([created_at, ident])
            for label, query in (("", ""), (", status filter", "&status=open")):
                first_url = platform.api("dossier", f"/dossiers?limit=50{query}")
                deep_url = f"{first_url}&cursor={cursor}"
                _p50(session, deep_url, agent, 5)  # warm up
                first = _p50(session, first_url, agent, samples)
                deep = _p50(session, deep_url, agent, samples)
                figures.append(
                    Figure(
                        f"list page at {position:,} of {rows:,}{label}",
                        deep,
                        f"p50 {deep:.1f} ms",
                        first,
                        f"first page p50 {first:.1f} ms",
                        1.5,
                        False,
                        "<= 1.5x",
                    )
                )
        finally:
            for process in bare:
                _stop(process)
            platform.stop()
    return figures


if __name__ == "__main__":
    from report import print_table

    print_table(read_figures(seconds=10, rows=int(sys.argv[1]) if len(sys.argv) > 1 else 100_000, samples=50))
