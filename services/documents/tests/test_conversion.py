"""PDF conversion with a real, long-lived LibreOffice (skipped only where LibreOffice/unoserver are absent)."""

import io
import os
import pathlib
import signal
import stat
import threading
import time

import pytest
from pypdf import PdfReader

from documents import config
from documents.app import create_app
from documents.conversion.converters import (
    ColdSofficeConverter,
    ConversionTimedOut,
    UnoserverPool,
    live_group_members,
    unoserver_installed,
)
from documents.jobs import ConversionRunner
from platform_shared.testing.unit import outbox_events

pytestmark = pytest.mark.skipif(
    not unoserver_installed(config.load(database_url="sqlite://")),
    reason="LibreOffice with unoserver is not installed here (.ci/run installs it)",
)


@pytest.fixture(scope="module")
def pool(tmp_path_factory):
    converter = UnoserverPool(
        slots=1,
        python="/usr/bin/python3",
        soffice="soffice",
        data_dir=tmp_path_factory.mktemp("converter"),
        timeout=60,
        start_timeout=60,
        stop_grace=1,
    )
    converter.start()
    yield converter
    converter.close()


@pytest.fixture
def pdf_settings(settings):
    return settings.replace(converter="unoserver")


@pytest.fixture
def pdf_client(pdf_settings, db):
    return create_app(pdf_settings, db).test_client()


def _pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def _pdf_template(client, headers, samples):
    data = samples.build_docx(
        ["Insured: {{ client.name }}", "Plate: {{ plate }}"], split_runs=[["Contract {{ contract", ".number }}"]]
    )
    response = client.post(
        "/api/v1/templates",
        headers=headers,
        content_type="multipart/form-data",
        data={
            "name": "Attestation",
            "type": "attestation",
            "entity": "contract",
            "pdf_auto": "true",
            "file": (io.BytesIO(data), "attestation.docx"),
        },
    )
    assert response.status_code == 201
    return response.get_json()["id"]


def _render_pdf_auto(pdf_client, as_admin, as_agent, samples):
    template_id = _pdf_template(pdf_client, as_admin, samples)
    response = pdf_client.post(
        f"/api/v1/templates/{template_id}/render",
        headers=as_agent,
        json={
            "owner_type": "contract",
            "owner_id": "ctr-7",
            "category": "attestation",
            "context": {"contract": {"number": "CTR-7"}, "client": {"name": "Smith & Sons <Ltd>"}},
            "inputs": {"plate": "A<B>&C"},
        },
    )
    assert response.status_code == 202
    return response.get_json()


def test_a_pdf_auto_render_answers_202_and_the_worker_adds_the_pdf(
    pdf_client, pdf_settings, db, storage, pool, samples, as_admin, as_agent
):
    document = _render_pdf_auto(pdf_client, as_admin, as_agent, samples)
    assert document["state"] == "rendering"
    assert ConversionRunner(db, pdf_settings, storage, pool).run_pending() == 1
    done = pdf_client.get(f"/api/v1/documents/{document['id']}", headers=as_agent).get_json()
    assert done["state"] == "ready"
    assert [rendition["kind"] for rendition in done["renditions"]] == ["docx", "pdf"]
    assert done["content_type"] == "application/pdf"
    pdf = pdf_client.get(f"/api/v1/documents/{document['id']}/content?rendition=pdf", headers=as_agent)
    assert pdf.headers["Content-Disposition"].startswith('attachment; filename="Attestation.pdf"')
    text = _pdf_text(pdf.data)
    for expected in ("Contract CTR-7", "Insured: Smith & Sons <Ltd>", "Plate: A<B>&C"):
        assert expected in text
    (rendered,) = outbox_events(db, "document.rendered")
    assert rendered.data["renditions"] == ["docx", "pdf"]


def test_deleting_a_rendered_document_removes_the_docx_and_pdf_bytes(
    pdf_client, pdf_settings, db, storage, pool, samples, as_admin, as_agent
):
    document = _render_pdf_auto(pdf_client, as_admin, as_agent, samples)
    ConversionRunner(db, pdf_settings, storage, pool).run_pending()
    renditions = pdf_client.get(f"/api/v1/documents/{document['id']}", headers=as_agent).get_json()["renditions"]
    keys = [rendition["sha256"] for rendition in renditions]
    assert len(keys) == 2 and all(storage.exists(key) for key in keys)
    assert pdf_client.delete(f"/api/v1/documents/{document['id']}", headers=as_agent).status_code == 204
    assert not any(storage.exists(key) for key in keys)


def test_a_conversion_past_its_timeout_kills_libreoffice_and_the_next_one_restarts_it(pool, samples):
    docx = samples.build_docx(["timeout test"])
    instance = pool.instances[0]
    old_pid = instance.process.pid
    pool.timeout = 0.01
    try:
        with pytest.raises(ConversionTimedOut):
            pool.convert_to_pdf(docx)
    finally:
        pool.timeout = 60
    assert not instance.alive()
    assert live_group_members(old_pid) == []
    assert pool.convert_to_pdf(docx).startswith(b"%PDF-")
    assert instance.process.pid != old_pid


def test_a_crashed_libreoffice_is_restarted_on_the_next_conversion(pool, samples):
    instance = pool.instances[0]
    os.killpg(instance.process.pid, signal.SIGKILL)
    instance.process.wait(timeout=10)
    restarts = instance.restarts
    assert pool.convert_to_pdf(samples.build_docx(["after a crash"])).startswith(b"%PDF-")
    assert instance.restarts == restarts + 1


def test_a_hung_cold_converter_is_killed_and_the_document_keeps_its_docx_with_an_error(
    pdf_client, pdf_settings, db, storage, samples, tmp_path, as_admin, as_agent
):
    hanging = tmp_path / "soffice-that-hangs"
    pid_file = tmp_path / "pid"
    hanging.write_text(f"#!/bin/sh\necho $$ > {pid_file}\nsleep 60\n")
    hanging.chmod(hanging.stat().st_mode | stat.S_IEXEC)
    document = _render_pdf_auto(pdf_client, as_admin, as_agent, samples)
    converter = ColdSofficeConverter(str(hanging), tmp_path / "work", timeout=1)
    started = time.monotonic()
    ConversionRunner(db, pdf_settings, storage, converter).run_pending()
    assert time.monotonic() - started < 30
    assert (
        not os.path.exists(f"/proc/{pid_file.read_text().strip()}/cmdline")
        or pathlib.Path(f"/proc/{pid_file.read_text().strip()}/stat").read_text().rsplit(")", 1)[1].split()[0] == "Z"
    )
    failed = pdf_client.get(f"/api/v1/documents/{document['id']}", headers=as_agent).get_json()
    assert failed["state"] == "pdf_failed"
    assert "did not finish within 1 seconds" in failed["error"]
    assert [rendition["kind"] for rendition in failed["renditions"]] == ["docx"]
    (event,) = outbox_events(db, "document.render_failed")
    assert event.data["renditions"] == ["docx"]


def test_closing_the_pool_kills_every_libreoffice_process_group(tmp_path, samples):
    converter = UnoserverPool(
        slots=1,
        python="/usr/bin/python3",
        soffice="soffice",
        data_dir=tmp_path,
        timeout=60,
        start_timeout=60,
        stop_grace=1,
    )
    converter.start()
    instance = converter.instances[0]
    group = instance.process.pid
    assert len(live_group_members(group)) >= 2  # unoserver and its LibreOffice
    converter.close()
    assert live_group_members(group) == []


WORKER_SCRIPT = """
import sys, time
from pathlib import Path
from documents.conversion.converters import UnoserverPool
pool = UnoserverPool(slots=1, python="/usr/bin/python3", soffice="soffice", data_dir=Path(sys.argv[1]),
                     timeout=60, start_timeout=60)
pool.start()
print(pool.instances[0].process.pid, flush=True)
time.sleep(120)
"""


def test_libreoffice_does_not_outlive_a_worker_killed_with_sigkill(tmp_path):
    import subprocess
    import sys

    worker = subprocess.Popen([sys.executable, "-c", WORKER_SCRIPT, str(tmp_path)], stdout=subprocess.PIPE, text=True)
    group = int(worker.stdout.readline())
    assert len(live_group_members(group)) >= 2
    worker.kill()
    worker.wait(timeout=10)
    deadline = time.monotonic() + 10
    while live_group_members(group) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert live_group_members(group) == []


class _FirstWaitsForTheOthers:
    """The real converter, whose first conversion waits until ``others`` later ones are done (a slow document)."""

    name = "unoserver"

    def __init__(self, converter, others: int):
        self.converter, self.others = converter, others
        self.lock, self.calls, self.done = threading.Lock(), 0, threading.Semaphore(0)
        self.gate_timed_out = False

    def convert_to_pdf(self, docx: bytes) -> bytes:
        with self.lock:
            self.calls += 1
            first = self.calls == 1
        if first:
            for _ in range(self.others):
                if not self.done.acquire(timeout=30):
                    self.gate_timed_out = True
                    break
            return self.converter.convert_to_pdf(docx)
        pdf = self.converter.convert_to_pdf(docx)
        self.done.release()
        return pdf


def test_a_slot_takes_the_next_job_while_another_slot_is_still_converting(
    pdf_client, pdf_settings, db, storage, pool, samples, as_admin, as_agent
):
    """Issue 18: the slots no longer run in lockstep; each job is converted once."""
    assert pdf_settings.converter_slots == 2
    documents = [_render_pdf_auto(pdf_client, as_admin, as_agent, samples) for _ in range(3)]
    converter = _FirstWaitsForTheOthers(pool, others=2)
    assert ConversionRunner(db, pdf_settings, storage, converter).run_pending() == 3
    assert not converter.gate_timed_out  # the two other jobs were done while the first one waited
    assert converter.calls == 3
    for document in documents:
        body = pdf_client.get(f"/api/v1/documents/{document['id']}", headers=as_agent).get_json()
        assert body["state"] == "ready"
    assert len(outbox_events(db, "document.rendered")) == 3
