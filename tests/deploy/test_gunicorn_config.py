"""deploy/gunicorn.conf.py: two APIs started with it on one machine do not fight over a control socket."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
GUNICORN = Path(sys.executable).with_name("gunicorn")


def test_two_servers_with_the_deploy_config_start_without_a_control_socket(tmp_path):
    env = {**os.environ, "HOME": str(tmp_path), "XDG_RUNTIME_DIR": ""}
    servers = [
        subprocess.Popen(
            [
                str(GUNICORN),
                "-c",
                str(ROOT / "deploy/gunicorn.conf.py"),
                "--bind",
                "127.0.0.1:0",
                "--chdir",
                str(ROOT / "tests/perf"),
                "bare_apps:hello()",
            ],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )
        for _ in range(2)
    ]
    time.sleep(4)
    outputs = []
    for server in servers:
        os.killpg(server.pid, signal.SIGTERM)
        outputs.append(server.communicate(timeout=30)[0])
    for output in outputs:
        assert "Booting worker" in output, output
        assert "Control server" not in output and "already in use" not in output, output
    assert not (tmp_path / ".gunicorn").exists()
