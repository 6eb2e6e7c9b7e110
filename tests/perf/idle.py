"""Idle figures of issue 18: the ``make run`` platform's own CPU time while nobody uses it, and its memory.

Starts ``scripts/run.sh`` (the processes of ``make run``: five APIs and workers, the web application, the
SMTP catcher, on their usual ports) with its data in a temporary directory, waits until it answers, rests
``rest`` seconds, then reads every process's user + system CPU time (from /proc) over ``window`` seconds,
and each process's PSS (proportional set size: shared pages split between the processes sharing them).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(Path(__file__).resolve().parent))

from report import Figure, command_line, cpu_seconds, descendants, pss_bytes  # noqa: E402

PORTS = (8000, 8001, 8002, 8003, 8004, 8005)
MIB = 1024 * 1024


def _up() -> bool:
    try:
        return all(requests.get(f"http://127.0.0.1:{port}/healthz", timeout=1).ok for port in PORTS)
    except requests.RequestException:
        return False


def _label(pid: int) -> str:
    line = command_line(pid)
    for word in ("dossier", "partner-gateway", "partner_gateway", "attestation", "notification", "documents", "web"):
        if word in line:
            kind = "api" if "gunicorn" in line else "worker" if "worker" in line else "other"
            if "smtp_catcher" in line:
                return "smtp-catcher"
            return f"{word.replace('_', '-')} {kind}"
    return line[:40] or "?"


def idle_figures(*, rest: float = 30.0, window: float = 60.0) -> tuple[list[Figure], list[str]]:
    with tempfile.TemporaryDirectory() as data_dir:
        log = open(Path(data_dir) / "run.log", "wb")  # noqa: SIM115 (closed below)
        env = {**os.environ, "DATA_DIR": data_dir, "LOG_LEVEL": "WARNING"}
        process = subprocess.Popen(
            ["bash", "scripts/run.sh"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        try:
            deadline = time.monotonic() + 300
            while not _up():
                if time.monotonic() > deadline or process.poll() is not None:
                    raise RuntimeError("make run did not come up: " + (Path(data_dir) / "run.log").read_text()[-3000:])
                time.sleep(1)
            while (
                b"The platform is up" not in (Path(data_dir) / "run.log").read_bytes() and time.monotonic() < deadline
            ):
                time.sleep(1)
            time.sleep(rest)
            pids = [pid for pid in descendants(process.pid) if pid != process.pid]
            before = {pid: cpu_seconds([pid]) for pid in pids}
            started = time.monotonic()
            time.sleep(window)
            elapsed = time.monotonic() - started
            used = {pid: cpu_seconds([pid]) - before[pid] for pid in pids}
            memory = {pid: pss_bytes(pid) for pid in pids}
            labels = {pid: _label(pid) for pid in pids}
        finally:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
            log.close()
    by_label: dict[str, list[float]] = {}
    for pid in pids:
        entry = by_label.setdefault(labels[pid], [0.0, 0.0, 0])
        entry[0] += used[pid]
        entry[1] += memory[pid]
        entry[2] += 1
    lines = [
        f"    {label:28} {values[0] / elapsed * 100:6.2f} % of a core  PSS {values[1] / MIB:7.1f} MiB"
        f"  ({values[2]} process{'es' if values[2] > 1 else ''})"
        for label, values in sorted(by_label.items(), key=lambda item: -item[1][1])
    ]
    total_cpu = sum(used.values()) / elapsed * 100
    total_pss = sum(memory.values()) / MIB
    figures = [
        Figure(
            f"idle make run: CPU over {window:.0f} s after {rest:.0f} s rest",
            total_cpu,
            f"{total_cpu:.2f} % of a core ({len(pids)} processes)",
            2.0,
            "goal 2 % of one core",
            1.0,
            False,
            "<= 2 %",
        ),
        Figure(
            "make run memory (PSS, all processes)",
            total_pss,
            f"{total_pss:.0f} MiB",
            0.9 * 1024,
            "goal 0.9 GiB",
            1.0,
            False,
            "<= 0.9 GiB",
        ),
    ]
    return figures, lines


if __name__ == "__main__":
    from report import print_table

    figures, lines = idle_figures()
    print_table(figures)
    print("  per process kind (CPU while idle, PSS):")
    print("\n".join(lines))
