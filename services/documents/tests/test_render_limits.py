"""Renders run outside any transaction, in a child process with time, memory and output limits (issue 19).

A template is code its author wrote: whatever it does, it answers a clear 422 within the limits, and
while it renders every other write of the service goes on (SQLite has one writer).
"""

import io
import threading

import pytest

from documents import config

from .conftest import PDF_BYTES
from .test_templates import _render, _upload_template

NESTED_LOOPS = "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}"  # time, no output


@pytest.fixture
def settings(tmp_path, database_url, gateway):
    gateway.grants.clear()
    return config.load(
        database_url=database_url,
        amqp_url="amqp://guest:guest@127.0.0.1:1/%2F",
        log_json=False,
        data_dir=str(tmp_path / "data"),
        converter="none",
        max_upload_bytes=64 * 1024,
        partner_gateway_url=gateway.url,
        render_timeout_seconds=30.0,  # generous on a loaded machine; the slow template's test sets 2 s
        render_memory_bytes=256 * 1024 * 1024,
        render_output_bytes=200 * 1024,
    )


def _template(client, as_admin, samples, text: str) -> str:
    response = _upload_template(client, as_admin, samples.build_docx([text]), entity="dossier")
    assert response.status_code == 201, response.get_json()
    return response.get_json()["id"]


def _refused(response, words: str) -> None:
    assert response.status_code == 422, response.get_json()
    problem = response.get_json()
    assert words in problem["detail"] and list(problem["errors"]) == ["template"]


def test_a_template_that_renders_too_long_is_a_422_and_writes_go_on_meanwhile(
    settings, db, as_admin, samples, service_under_test
):
    app = service_under_test.create_app(settings.replace(render_timeout_seconds=2.0), db)
    client = app.test_client()
    template_id = _template(client, as_admin, samples, NESTED_LOOPS)
    answer: dict = {}
    rendering = threading.Thread(
        target=lambda: answer.setdefault(
            "render", _render(app.test_client(), as_admin, template_id, owner_type="dossier", owner_id="dos-9")
        ),
        daemon=True,
    )
    rendering.start()
    uploaded = client.post(  # while the template renders
        "/api/v1/documents",
        data={"owner_type": "dossier", "owner_id": "dos-1", "file": (io.BytesIO(PDF_BYTES), "report.pdf")},
        headers=as_admin,
        content_type="multipart/form-data",
    )
    assert uploaded.status_code == 201, uploaded.get_json()
    assert rendering.is_alive()  # the upload did not wait for the render
    rendering.join(30)
    assert not rendering.is_alive()
    _refused(answer["render"], "took longer than 2 s")
    listed = client.get("/api/v1/documents?owner_type=dossier&owner_id=dos-9", headers=as_admin).get_json()
    assert listed["items"] == []  # nothing written for the refused render


@pytest.mark.parametrize(
    "text,words",
    [
        ("{% for i in range(10**7) %}x{% endfor %}", "OverflowError"),
        ("{{ 'x' * 10**9 }}", "more than 256 MiB of memory"),
        ("{% for i in range(100000) %}{{ i * 7919 % 100003 }} {% endfor %}", "larger than 204800 bytes"),
        ("{{ 1 / 0 }}", "ZeroDivisionError"),
    ],
)
def test_a_template_beyond_the_limits_or_failing_as_it_renders_is_a_422(client, as_admin, samples, text, words):
    template_id = _template(client, as_admin, samples, text)
    response = _render(
        client, as_admin, template_id, owner_type="dossier", owner_id="dos-9", context={"dossier": {"title": "T" * 50}}
    )
    _refused(response, words)


def test_a_template_within_the_limits_renders_in_its_child_process(client, as_admin, samples):
    template_id = _template(client, as_admin, samples, "Dossier {{ dossier.title }}")
    response = _render(
        client, as_admin, template_id, owner_type="dossier", owner_id="dos-9", context={"dossier": {"title": "Roof"}}
    )
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["state"] == "ready"
