"""The figures of issue 18 that follow one piece of work across services, each next to its baseline in the same run.

* ``gateway``: a dossier status change (the transition's HTTP response) -> the partner-gateway's copy of the
  status updated (its ``dossier_states`` row, read in PostgreSQL every ms), p50/p99, vs a bare pika
  publish+confirm -> consume round trip to the same broker.
* ``attestation``: a client's ``POST /attestation-requests`` -> the PDF downloadable by the client (request
  ``issued``, ``GET /documents/{id}`` 200), p50, vs the documents library's docxtpl render + one conversion on
  a warm converter pool (p50 of each, summed; sampled alternately with ours); and the POST alone.
* ``burst``: 40 attestation requests at once -> all downloadable, documents/s, vs the same number of
  conversions on a warm converter pool alone (as many slots as the documents service, as many clients).
* ``emails``: 1,000 ``attestation.issued`` events -> their emails sent by the notification sender (its own
  settings: each email claimed and committed before its SMTP call), emails/s, vs a bare smtplib loop over one
  connection to the same sink.

Reuses the per-service scripts (``services/*/perf``). Needs the local PostgreSQL, RabbitMQ and LibreOffice.
Prints figures; asserts nothing.
"""

from __future__ import annotations

import importlib.util
import statistics
import sys
import tempfile
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import psycopg
import requests

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests" / "integration"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from backbone import bare_round_trip, percentile  # noqa: E402
from harness import Platform  # noqa: E402
from report import Figure  # noqa: E402

from platform_shared.testing import infra  # noqa: E402

MS = 1000.0


def _script(relative: str):
    """A per-service perf script, imported as a module (they are not packages)."""
    path = ROOT / relative
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _bare_round_trips(count: int) -> list[float]:
    vhost = infra.create_vhost(infra.amqp_url(), prefix="bench")
    try:
        return bare_round_trip(vhost.url, count)
    finally:
        infra.delete_vhost(vhost)


# ----- (a) dossier status change -> partner-gateway copy updated ---------------------------------------------
def gateway_figures(changes: int) -> list[Figure]:
    from test_partner_gateway import move, new_dossier

    bare = _bare_round_trips(max(changes, 200))
    with tempfile.TemporaryDirectory() as work_dir:
        platform = Platform(Path(work_dir), services=["dossier", "partner-gateway"], extra_env={"LOG_LEVEL": "WARNING"})
        platform.start()
        try:
            agent = platform.headers("agent", f"bench-agent-{uuid.uuid4().hex[:6]}")
            dossier_id = new_dossier(platform, agent)
            with psycopg.connect(platform.database_url("partner-gateway"), autocommit=True) as connection:

                def copied_status() -> str | None:
                    row = connection.execute(
                        "select status from dossier_states where dossier_id = %s", (dossier_id,)
                    ).fetchone()
                    return row[0] if row else None

                platform.wait_until(lambda: copied_status() is not None, timeout=30, interval=0.01)
                delays = []
                targets = ["review", "internal_check"]
                for index in range(changes + 4):  # the first 4: warm-up
                    target = targets[index % 2]
                    move(platform, agent, dossier_id, target)
                    changed = time.perf_counter()
                    deadline = changed + 30
                    while copied_status() != target:
                        if time.perf_counter() > deadline:
                            raise TimeoutError(f"the gateway's copy never became {target}")
                        time.sleep(0.001)
                    if index >= 4:
                        delays.append(time.perf_counter() - changed)
        finally:
            platform.stop()
    bare_p50, bare_p99 = statistics.median(bare) * MS, percentile(bare, 0.99) * MS
    p50, p99 = statistics.median(delays) * MS, percentile(delays, 0.99) * MS
    return [
        Figure(
            f"status change -> gateway copy updated, p50 ({changes} changes)",
            p50,
            f"p50 {p50:.1f} ms",
            bare_p50,
            f"pika publish+confirm->consume p50 {bare_p50:.1f} ms",
            0,
            False,
            "p50 <= 8 ms",
            absolute_goal=8.0,
        ),
        Figure(
            "status change -> gateway copy updated, p99",
            p99,
            f"p99 {p99:.1f} ms",
            bare_p99,
            f"pika publish+confirm->consume p99 {bare_p99:.1f} ms",
            0,
            False,
            "p99 <= 20 ms",
            absolute_goal=20.0,
        ),
    ]


# ----- (b) and (c) attestation request -> PDF downloadable, one at a time and in a burst ---------------------
class BareDocuments:
    """The baseline: the attestation's own template rendered by the documents library (docxtpl) and converted on a
    warm pool of the documents service's slots, in this process, running beside the platform so that its samples
    interleave with the platform's (the machine's other load then weighs on both alike)."""

    def __init__(self, slots: int, work_dir: Path):
        from documents.conversion.converters import UnoserverPool
        from documents.domain.templates import discover_tags

        self.template = _script("services/attestation/perf/attestation_perf.py").template_docx()
        self.tags = discover_tags(self.template)
        self.slots = slots
        self.pool = UnoserverPool(
            slots=slots,
            python="/usr/bin/python3",
            soffice="soffice",
            data_dir=work_dir,
            timeout=60,
            start_timeout=60,
            stop_grace=2,
        )
        self.pool.start()
        self.rendered = self.render()[1]
        for _ in range(slots * 2):
            self.pool.convert_to_pdf(self.rendered)

    def render(self) -> tuple[float, bytes]:
        from documents.domain.templates import build_context, render_docx

        context = {
            "contract": {"number": "PERF-1", "product_name": "Perf product", "start_date": "01/01/2026"},
            "client": {"name": "Perf Client"},
        }
        started = time.perf_counter()
        values = build_context(
            entity="contract", tags=self.tags, context=context, inputs={}, fields={}, today="03/12/2026"
        )
        rendered = render_docx(self.template, values.values)
        return time.perf_counter() - started, rendered

    def convert(self) -> float:
        started = time.perf_counter()
        self.pool.convert_to_pdf(self.rendered)
        return time.perf_counter() - started

    def burst(self, count: int) -> float:
        """Conversions/s of ``count`` conversions with as many clients as slots."""
        with ThreadPoolExecutor(max_workers=self.slots) as clients:
            started = time.perf_counter()
            list(clients.map(lambda _: self.pool.convert_to_pdf(self.rendered), range(count)))
            return count / (time.perf_counter() - started)

    def close(self) -> None:
        self.pool.close()


def _burst(platform: Platform, client: dict, contract: dict, count: int) -> float:
    """``count`` attestation requests sent at once (8 client threads); documents/s until all are downloadable
    (the list of the contract's requests read every 50 ms)."""
    session = requests.Session()
    started = time.perf_counter()

    def post(_):
        response = requests.post(
            platform.api("attestation", "/attestation-requests"),
            headers=client,
            timeout=120,
            json={"contract_id": contract["id"]},
        )
        response.raise_for_status()
        return response.json()["id"]

    with ThreadPoolExecutor(max_workers=8) as clients:
        pending = set(clients.map(post, range(count)))
    # One list read per pass (not one GET per request: 40 clients polling every 20 ms would take the CPU the
    # conversions need), then one download check per newly issued request.
    listing = platform.api("attestation", f"/attestation-requests?contract_id={contract['id']}&limit=200")
    deadline = time.perf_counter() + 600
    while pending:
        if time.perf_counter() > deadline:
            raise TimeoutError(f"{len(pending)} attestation requests never issued")
        for body in session.get(listing, headers=client, timeout=10).json()["items"]:
            if body["id"] not in pending:
                continue
            if body["state"] == "failed":
                raise RuntimeError(f"request failed: {body}")
            if body["state"] == "issued":
                document = platform.api("documents", f"/documents/{body['document_id']}")
                if session.get(document, headers=client, timeout=10).status_code == 200:
                    pending.discard(body["id"])
        time.sleep(0.05)
    return count / (time.perf_counter() - started)


def attestation_figures(runs: int, burst: int, parts: set[str]) -> list[Figure]:
    from documents import config as documents_config

    attestation_perf = _script("services/attestation/perf/attestation_perf.py")
    slots = documents_config.load(database_url="sqlite://").converter_slots
    figures = []
    with tempfile.TemporaryDirectory(prefix="bench-attestation-") as work_dir:
        platform = Platform(
            Path(work_dir), services=["attestation", "documents"], extra_env={"LOG_LEVEL": "WARNING"}
        ).start()
        bare = None
        try:
            bare = BareDocuments(slots, Path(work_dir) / "bare-converter")
            _template_id, contract = attestation_perf.setup(platform)
            client = platform.headers("client", "perf-client", name="Perf Client")
            for _ in range(3):  # warm-up: the converter, and documents has consumed contract.created
                attestation_perf.attestation_once(platform, client, contract)
            if "attestation" in parts:
                samples, renders, converts = [], [], []
                for _ in range(runs):  # alternated with the baseline's samples
                    samples.append(attestation_perf.attestation_once(platform, client, contract))
                    renders.append(bare.render()[0])
                    converts.append(bare.convert())
                render, convert = statistics.median(renders), statistics.median(converts)
                baseline = (render + convert) * MS
                whole = statistics.median([sample[0] for sample in samples])
                post = statistics.median([sample[1] for sample in samples])
                post_p99 = percentile([sample[1] for sample in samples], 0.99)
                figures += [
                    Figure(
                        f"attestation request -> PDF downloadable, p50 ({runs} runs)",
                        whole,
                        f"p50 {whole:.0f} ms",
                        baseline,
                        f"render {render * MS:.0f} ms + warm convert {convert * MS:.0f} ms",
                        1.5,
                        False,
                        "<= 1.5x",
                    ),
                    Figure(
                        "POST /attestation-requests answered, p50",
                        post,
                        f"p50 {post:.0f} ms (p99 {post_p99:.0f} ms)",
                        baseline,
                        f"render + warm convert {baseline:.0f} ms",
                        0,
                        False,
                        "<= 50 ms",
                        absolute_goal=50.0,
                    ),
                ]
            if "burst" in parts:
                pool_rate = bare.burst(burst)  # right before ours, in the same conditions
                rate = _burst(platform, client, contract, burst)
                figures.append(
                    Figure(
                        f"burst of {burst} attestation requests",
                        rate,
                        f"{rate:.1f} docs/s",
                        pool_rate,
                        f"warm converter pool alone ({slots} slots) {pool_rate:.1f} docs/s",
                        0.9,
                        True,
                        ">= 0.9x",
                    )
                )
        finally:
            if bare is not None:
                bare.close()
            platform.stop()
    return figures


# ----- (d) emails sent for 1,000 events ---------------------------------------------------------------------
def email_figures(events: int) -> list[Figure]:
    from aiosmtpd.controller import Controller

    from notification import config as notification_config
    from notification.cli import MIGRATIONS_DIR
    from platform_shared.db import Database
    from platform_shared.migrations import upgrade

    notification_perf = _script("services/notification/perf/notification_perf.py")
    sink = notification_perf.CountingSink()
    port = notification_perf.free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    name = infra.unique_name("bench_notification")
    url = infra.create_postgres_database(infra.postgres_url(), name)
    try:
        upgrade(MIGRATIONS_DIR, url)
        # The service's own sending settings (SENDER_CLAIM_SIZE included); only the sink and database differ.
        settings = notification_config.load(database_url=url, smtp_host="127.0.0.1", smtp_port=port, log_json=False)
        db = Database(url)
        try:
            notification_perf.queue_events(db, settings, events)
            sent = notification_perf.drain(db, settings, sink, events)
        finally:
            db.dispose()
        sink.count = 0
        bare = notification_perf.bare_smtplib(port, events)
    finally:
        controller.stop()
        infra.drop_postgres_database(infra.postgres_url(), name)
    ours, baseline = events / sent, events / bare
    return [
        Figure(
            f"emails sent, {events} events (PostgreSQL, claim size {settings.sender_claim_size})",
            ours,
            f"{ours:.0f} emails/s",
            baseline,
            f"bare smtplib loop, same sink {baseline:.0f}/s",
            0.6,
            True,
            ">= 0.6x, each claimed first",
        )
    ]
