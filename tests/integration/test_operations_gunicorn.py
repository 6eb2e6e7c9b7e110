"""deploy/gunicorn.conf.py with real gunicorn processes: the proxy's prefix contract and graceful stops
(no broker or PostgreSQL needed)."""

from __future__ import annotations

import os
import signal
import subprocess
import threading
import time

import pytest
import requests
from harness import BIN, ROOT, free_port

from platform_shared.migrations import upgrade

DEPLOY = ROOT / "deploy"


def _wait_for(url: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            requests.get(url, timeout=1)
            return
        except requests.RequestException:
            time.sleep(0.1)
    raise AssertionError(f"{url} never answered")


def _gunicorn(app: str, port: int, env: dict[str, str]) -> subprocess.Popen:
    return subprocess.Popen(
        [str(BIN / "gunicorn"), "-c", str(DEPLOY / "gunicorn.conf.py"), "--bind", f"127.0.0.1:{port}", app],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


@pytest.fixture
def stopped_at_the_end():
    processes: list[subprocess.Popen] = []
    yield processes
    for process in processes:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=10)


def test_behind_the_proxy_the_swagger_ui_loads_the_openapi_document_under_the_service_prefix(
    tmp_path, stopped_at_the_end
):
    from dossier.cli import MIGRATIONS_DIR

    url = f"sqlite:///{tmp_path / 'dossier.db'}"
    upgrade(MIGRATIONS_DIR, url)
    port = free_port()
    env = {**os.environ, "DATABASE_URL": url, "DATA_DIR": str(tmp_path), "LOG_JSON": "false"}
    stopped_at_the_end.append(_gunicorn("dossier.app:create_app()", port, env))
    base = f"http://127.0.0.1:{port}"
    _wait_for(base + "/healthz")
    proxied = {"SCRIPT_NAME": "/api/dossier"}  # what deploy/nginx/nginx.conf sends

    docs = requests.get(base + "/api/dossier/docs", headers=proxied, timeout=5)
    assert docs.status_code == 200
    assert 'url: "/api/dossier/openapi.json"' in docs.text
    spec = requests.get(base + "/api/dossier/openapi.json", headers=proxied, timeout=5)
    assert spec.status_code == 200 and "/api/v1/dossiers" in spec.json()["paths"]
    assert requests.get(base + "/healthz", timeout=5).status_code == 200  # probes and services: no prefix


def test_sigterm_lets_a_request_in_flight_finish_before_gunicorn_exits(tmp_path, stopped_at_the_end):
    marker = tmp_path / "inside"
    (tmp_path / "slow_app.py").write_text(
        "import pathlib, time\n\n"
        "def app(environ, start_response):\n"
        "    if environ['PATH_INFO'] == '/slow':\n"
        f"        pathlib.Path({str(marker)!r}).touch()\n"
        "        time.sleep(2)\n"
        "    start_response('200 OK', [('Content-Type', 'text/plain')])\n"
        "    return [b'finished']\n"
    )
    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(tmp_path)}
    server = _gunicorn("slow_app:app", port, env)
    stopped_at_the_end.append(server)
    base = f"http://127.0.0.1:{port}"
    _wait_for(base + "/")
    answers: list[requests.Response] = []
    client = threading.Thread(target=lambda: answers.append(requests.get(base + "/slow", timeout=30)))
    client.start()
    deadline = time.monotonic() + 20
    while not marker.exists() and time.monotonic() < deadline:
        time.sleep(0.02)
    assert marker.exists()  # the request is inside the application
    server.send_signal(signal.SIGTERM)
    client.join(timeout=30)
    assert [(answer.status_code, answer.text) for answer in answers] == [(200, "finished")]
    assert server.wait(timeout=30) == 0
    with pytest.raises(requests.ConnectionError):  # and it no longer accepts work
        requests.get(base + "/", timeout=2)
