"""The README's first API example, run as written on what ``make run`` gives: empty databases, then the demo
data loaded by the same loader (``web-ctl demo-data``), then the shell block of the README.

It starts a platform of its own: the demo loader only loads into databases that hold nothing but the demo.
"""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest
from harness import Platform

from platform_shared.testing import infra
from web.config import load as load_web_settings
from web.demo.loader import DemoLoader

ROOT = Path(__file__).resolve().parents[2]
# a platform of its own and the demo data (documents rendered by LibreOffice): longer than one test
pytestmark = pytest.mark.timeout(900)
SERVICE_URL_SETTINGS = {
    "dossier": "DOSSIER_URL",
    "partner-gateway": "PARTNER_GATEWAY_URL",
    "attestation": "ATTESTATION_URL",
    "notification": "NOTIFICATION_URL",
    "documents": "DOCUMENTS_URL",
}


def readme_example() -> str:
    """The shell block that creates a dossier (the first one calling ``POST /api/v1/dossiers``)."""
    blocks = re.findall(r"```sh\n(.*?)```", (ROOT / "README.md").read_text(), re.S)
    return next(block for block in blocks if "/api/v1/dossiers" in block and "-X POST" in block)


@pytest.fixture(scope="module")
def fresh_platform(tmp_path_factory):
    try:
        running = Platform(tmp_path_factory.mktemp("readme")).start()
    except infra.InfraUnavailable as error:
        pytest.skip(str(error))
    try:
        environ = {name: running.url(service) for service, name in SERVICE_URL_SETTINGS.items()}
        report = DemoLoader(load_web_settings(environ=environ)).run(wait_seconds=60)
        assert any(line.startswith("created dossier model") for line in report), report
        yield running
    finally:
        running.stop()


def test_the_readmes_first_example_creates_a_dossier_on_a_fresh_make_run(fresh_platform):
    script = readme_example().replace("localhost:8001", fresh_platform.url("dossier").removeprefix("http://"))
    result = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", script.rstrip() + ' -w "\\n%{http_code}"'],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    body, status = result.stdout.rsplit("\n", 1)
    assert status == "201", body
    dossier = json.loads(body)
    assert dossier["title"] == "Roof repair" and dossier["reference"]
    assert dossier["fields"]["address"] == "12 rue des Lilas, Lyon"


def test_an_error_of_the_example_is_a_problem_a_client_can_read(fresh_platform):
    script = readme_example().replace("localhost:8001", fresh_platform.url("dossier").removeprefix("http://"))
    script = script.replace('"title": "Roof repair", ', "")  # the title is required
    result = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", script.replace("curl -X POST", "curl -i -X POST")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    head, _, body = result.stdout.replace("\r\n", "\n").partition("\n\n")
    assert head.startswith("HTTP/1.1 422")
    assert re.search(r"^content-type: application/problem\+json", head, re.I | re.M)
    problem = json.loads(body)
    assert problem["status"] == 422 and problem["errors"] == {"title": ["Missing data for required field."]}
