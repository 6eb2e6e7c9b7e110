"""A client generated from the service's own ``/openapi.json`` (openapi-python-client) creates a dossier over
HTTP and reads the service's errors as typed problems: the OpenAPI is usable as a contract."""

from __future__ import annotations

import importlib
import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

BIN = Path(sys.executable).parent


@pytest.fixture
def generated(app, client, tmp_path, monkeypatch):
    spec = tmp_path / "openapi.json"
    spec.write_text(json.dumps(client.get("/openapi.json").get_json()))
    result = subprocess.run(
        [str(BIN / "openapi-python-client"), "generate", "--path", str(spec), "--meta", "none"]
        + ["--output-path", str(tmp_path / "dossier_api_client")],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"},
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Unable to parse" not in result.stdout, result.stdout  # every operation and schema was understood
    monkeypatch.syspath_prepend(str(tmp_path))
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield importlib.import_module("dossier_api_client"), f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        for name in [name for name in sys.modules if name.startswith("dossier_api_client")]:
            del sys.modules[name]


def test_a_generated_client_creates_a_dossier_and_reads_problems(generated, model_id, as_agent):
    package, base_url = generated
    post_dossiers = importlib.import_module("dossier_api_client.api.dossiers.post_dossiers")
    models = importlib.import_module("dossier_api_client.models")
    token = as_agent["Authorization"].removeprefix("Bearer ")
    agent = package.AuthenticatedClient(base_url=base_url, token=token)
    body = models.DossierCreate.from_dict(
        {"model_id": model_id, "title": "Roof repair", "client_sub": "client-bob", "fields": {"site_name": "Main"}}
    )
    created = post_dossiers.sync_detailed(client=agent, body=body)
    assert created.status_code == 201, created.content
    assert isinstance(created.parsed, models.Dossier)
    assert created.parsed.title == "Roof repair" and created.parsed.id

    unknown = post_dossiers.sync_detailed(
        client=agent, body=models.DossierCreate.from_dict({"model_id": "no-such-model", "title": "x"})
    )
    assert unknown.status_code == 404 and isinstance(unknown.parsed, models.Problem)
    assert unknown.parsed.status == 404 and unknown.parsed.detail

    anonymous = post_dossiers.sync_detailed(client=package.Client(base_url=base_url), body=body)
    assert anonymous.status_code == 401 and isinstance(anonymous.parsed, models.Problem)
    assert anonymous.parsed.title == "Unauthenticated"

    invalid = post_dossiers.sync_detailed(
        client=agent, body=models.DossierCreate.from_dict({"model_id": model_id, "title": ""})
    )
    assert invalid.status_code == 422 and isinstance(invalid.parsed, models.Problem)
    assert "title" in invalid.parsed.errors
