"""Rendering and PDF conversion figures of the documents service (run by hand, not collected by pytest).

    .venv/bin/python services/documents/perf/documents_perf.py [--renders 50] [--conversions 20]

Prints: render .docx p50, .docx->PDF p50 with the warm unoserver pool, a cold
``soffice --headless --convert-to pdf`` of the same file measured in the same run, and
conversions per minute with 2 concurrent requests on a 2-slot pool.
"""

from __future__ import annotations

import argparse
import io
import statistics
import subprocess
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import docx

from documents.conversion.converters import ColdSofficeConverter, UnoserverPool
from documents.domain.templates import build_context, discover_tags, render_docx


def sample_template() -> bytes:
    """A one-page attestation: header, footer, a tag split across runs, a table, a loop."""
    document = docx.Document()
    section = document.sections[0]
    section.header.paragraphs[0].text = "{{ contract.product_name }} — attestation"
    section.footer.paragraphs[0].text = "Issued on {{ today }}"
    document.add_heading("Certificate of insurance", level=1)
    paragraph = document.add_paragraph("We certify that ")
    paragraph.add_run("{{ client.").bold = True
    paragraph.add_run("name }}")
    paragraph.add_run(
        " holds contract {{ contract.number }} from {{ contract.start_date }} to {{ contract.end_date }}."
    )
    table = document.add_table(rows=1, cols=2)
    table.rows[0].cells[0].text = "Vehicle"
    table.rows[0].cells[1].text = "{{ vehicle.plate }}"
    document.add_paragraph("{% for item in guarantees %}- {{ item }}\n{% endfor %}")
    for _ in range(8):
        document.add_paragraph(
            "Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor "
            "incididunt ut labore et dolore magna aliqua. {{ remark }}"
        )
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


CONTEXT = {
    "contract": {
        "number": "CTR-2026-000042",
        "product_name": "Auto+ <premium> & co",
        "start_date": "01/01/2026",
        "end_date": "31/12/2026",
    },
    "client": {"name": "Zoé Martin"},
}
INPUTS = {"vehicle.plate": "AB-123-CD", "guarantees": ["Third party", "Theft", "Glass"], "remark": ""}


def p50(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--renders", type=int, default=50)
    parser.add_argument("--conversions", type=int, default=20)
    parser.add_argument("--cold", type=int, default=3)
    args = parser.parse_args()

    template = sample_template()
    tags = discover_tags(template)
    render_times = []
    for _ in range(args.renders):
        started = time.perf_counter()
        values = build_context(
            entity="contract", tags=tags, context=CONTEXT, inputs=INPUTS, fields={}, today="23/11/2026"
        )
        rendered = render_docx(template, values.values)
        render_times.append(time.perf_counter() - started)
    print(f"render .docx p50: {p50(render_times):.1f} ms over {args.renders} renders ({len(rendered)} bytes)")

    with tempfile.TemporaryDirectory(prefix="documents-perf-") as work:
        work_dir = Path(work)
        pool = UnoserverPool(
            slots=2,
            python="/usr/bin/python3",
            soffice="soffice",
            data_dir=work_dir,
            timeout=60,
            start_timeout=60,
            stop_grace=2,
        )
        started = time.perf_counter()
        pool.start()
        print(f"warm pool start (2 LibreOffice): {time.perf_counter() - started:.1f} s")
        try:
            for _ in range(2):
                pool.convert_to_pdf(rendered)
            warm_times = []
            for _ in range(args.conversions):
                started = time.perf_counter()
                pool.convert_to_pdf(rendered)
                warm_times.append(time.perf_counter() - started)
            print(f".docx->PDF p50, warm unoserver: {p50(warm_times):.0f} ms over {args.conversions} conversions")

            cold = ColdSofficeConverter("soffice", work_dir / "cold", timeout=120)
            cold_times = []
            for _ in range(args.cold):
                started = time.perf_counter()
                cold.convert_to_pdf(rendered)
                cold_times.append(time.perf_counter() - started)
            print(
                f".docx->PDF p50, cold soffice --headless --convert-to pdf: {p50(cold_times):.0f} ms "
                f"over {args.cold} runs (each with a fresh profile, as a one-off command would)"
            )

            profile = (work_dir / "cold-profile").as_uri()
            source = work_dir / "same.docx"
            source.write_bytes(rendered)
            reused_times = []
            for run in range(args.cold + 1):
                started = time.perf_counter()
                subprocess.run(
                    [
                        "soffice",
                        "--headless",
                        "--norestore",
                        f"-env:UserInstallation={profile}",
                        "--convert-to",
                        "pdf",
                        "--outdir",
                        str(work_dir / "cold-out"),
                        str(source),
                    ],
                    check=True,
                    capture_output=True,
                    timeout=120,
                )
                if run:  # the first run only creates the profile
                    reused_times.append(time.perf_counter() - started)
            print(
                f".docx->PDF p50, cold soffice with an existing profile: {p50(reused_times):.0f} ms "
                f"over {args.cold} runs"
            )

            with ThreadPoolExecutor(max_workers=2) as clients:
                started = time.perf_counter()
                list(clients.map(lambda _: pool.convert_to_pdf(rendered), range(args.conversions * 2)))
                elapsed = time.perf_counter() - started
            print(f"conversions/minute, 2 concurrent requests on 2 slots: {args.conversions * 2 / elapsed * 60:.0f}")
        finally:
            pool.close()


if __name__ == "__main__":
    main()
