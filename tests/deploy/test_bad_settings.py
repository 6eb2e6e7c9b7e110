"""A bad setting stops the API (gunicorn) and the worker (``<service>-ctl``) at once, with one message naming it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from platform_model import DEPLOY

BIN = Path(sys.executable).parent
BAD = {"CONVERTER": "libreoffice", "CONSUMER_RETRY_DELAYS_MS": "abc"}
EXPECTED = [
    "documents: refusing to start with invalid settings:",
    "  CONSUMER_RETRY_DELAYS_MS='abc': item 1 ('abc') must be a valid integer, unable to parse string as an integer",
    "  CONVERTER='libreoffice' must be 'auto', 'unoserver', 'gotenberg', 'soffice' or 'none'",
]


def _run(command: list[str], tmp_path: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, **BAD, "DATA_DIR": str(tmp_path), "DATABASE_URL": f"sqlite:///{tmp_path / 'd.db'}"}
    return subprocess.run(command, env=env, cwd=tmp_path, capture_output=True, text=True, timeout=60)


def test_gunicorn_stops_before_booting_a_worker(tmp_path):
    config = str(DEPLOY / "gunicorn.conf.py")
    result = _run(
        [str(BIN / "gunicorn"), "-c", config, "--bind", "127.0.0.1:0", "documents.app:create_app()"], tmp_path
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "Booting worker" not in result.stderr
    message = result.stderr[result.stderr.index(EXPECTED[0]) :].splitlines()
    assert message == EXPECTED


def test_the_worker_command_stops_with_the_same_message(tmp_path):
    result = _run([str(BIN / "documents-ctl"), "worker"], tmp_path)
    assert result.returncode == 1
    assert result.stderr.splitlines() == ["Error: " + EXPECTED[0], *EXPECTED[1:]]
