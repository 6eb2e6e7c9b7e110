"""The worker's PDF conversions: claim queued jobs, convert them on the converter's slots, record the outcome."""

from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

from sqlalchemy import or_, select

from platform_shared import clock
from platform_shared.db import Database
from platform_shared.worker import PeriodicJob

from .conversion.converters import (
    ConversionFailed,
    Converter,
    ConverterUnavailable,
    make_converter,
    resolve_converter_name,
)
from .db import ConversionJob, Document
from .services.documents import add_rendition, rendition_filename, unreferenced_keys
from .services.templates import CONVERSIONS_TOPIC, record_render_failed, record_rendered
from .storage import Storage, make_storage, read_all, spool_bytes, tmp_dir

log = logging.getLogger(__name__)
WORKER_ACTOR = {"sub": "service:documents", "role": "service"}


class ConversionRunner:
    """Everything a conversion needs, built once per worker process."""

    def __init__(self, db: Database, settings, storage: Storage, converter: Converter):
        self.db = db
        self.settings = settings
        self.storage = storage
        self.converter = converter
        self.slots = max(1, settings.converter_slots if converter.name == "unoserver" else 1)
        self.lease = timedelta(seconds=settings.converter_timeout_seconds * 3 + 60)

    def claim(self, limit: int | None = None) -> list[tuple[str, str, int]]:
        """Take up to ``limit`` jobs (one per slot); a job claimed by a worker that died is taken again after its
        lease."""
        now = clock.now()
        with self.db.transaction() as session:
            jobs = (
                session.execute(
                    select(ConversionJob)
                    .where(
                        or_(
                            ConversionJob.state == "pending",
                            (ConversionJob.state == "running") & (ConversionJob.claimed_at < now - self.lease),
                        )
                    )
                    .order_by(ConversionJob.created_at)
                    .limit(limit or self.slots)
                    .with_for_update(skip_locked=True)
                )
                .scalars()
                .all()
            )
            for job in jobs:
                job.state, job.claimed_at, job.attempts = "running", now, job.attempts + 1
            return [(job.id, job.document_id, job.attempts) for job in jobs]

    def run_pending(self) -> int:
        """Convert until nothing is queued; returns how many jobs were handled. Each slot claims its next job as
        soon as its own is done (issue 18: the slots ran in lockstep, a quick conversion waiting for a slow one);
        claims never overlap (``SKIP LOCKED`` on PostgreSQL, SQLite's ``BEGIN IMMEDIATE``)."""

        def slot(_index: int) -> int:
            handled = 0
            while jobs := self.claim(1):
                self.convert_one(*jobs[0])
                handled += 1
            return handled

        with ThreadPoolExecutor(max_workers=self.slots, thread_name_prefix="convert") as pool:
            return sum(pool.map(slot, range(self.slots)))

    def convert_one(self, job_id: str, document_id: str, attempts: int) -> None:
        with self.db.read_only() as session:
            document = session.get(Document, document_id)
            docx = next((r for r in document.renditions if r.kind == "docx"), None) if document else None
            key = docx.storage_key if docx else None
        if key is None:
            self._finish(job_id)
            return
        try:
            pdf = self.converter.convert_to_pdf(read_all(self.storage, key))
        except ConverterUnavailable as error:
            if attempts < self.settings.conversion_max_attempts:
                log.warning("conversion of %s postponed: %s", document_id, error)
                self._release(job_id)
                return
            self._fail(job_id, document_id, f"The PDF converter is unavailable: {error}")
        except ConversionFailed as error:
            self._fail(job_id, document_id, str(error))
        else:
            self._succeed(job_id, document_id, pdf)

    def _finish(self, job_id: str) -> None:
        with self.db.transaction() as session:
            job = session.get(ConversionJob, job_id)
            if job is not None:
                session.delete(job)

    def _release(self, job_id: str) -> None:
        with self.db.transaction() as session:
            job = session.get(ConversionJob, job_id)
            if job is not None:
                job.state = "pending"

    def _fail(self, job_id: str, document_id: str, error: str) -> None:
        log.error("conversion of document %s failed: %s", document_id, error)
        with self.db.transaction() as session:
            document = session.get(Document, document_id)
            if document is not None:
                document.state, document.error, document.updated_at = "pdf_failed", error, clock.now()
                # Named for the PDF it was to become; what exists is the .docx.
                document.filename = rendition_filename(document.filename, "docx")
                record_render_failed(session, document, error, WORKER_ACTOR)
            job = session.get(ConversionJob, job_id)
            if job is not None:
                session.delete(job)

    def _succeed(self, job_id: str, document_id: str, pdf: bytes) -> None:
        spooled = spool_bytes(pdf, tmp_dir(self.settings))
        size, sha256 = spooled.size, spooled.sha256
        key = self.storage.put(spooled)
        with self.db.transaction() as session:
            document = session.get(Document, document_id)
            if document is not None:
                add_rendition(session, document, kind="pdf", key=key, size=size, sha256=sha256)
                document.state, document.error, document.updated_at = "ready", None, clock.now()
                session.flush()
                record_rendered(session, document, WORKER_ACTOR)
            job = session.get(ConversionJob, job_id)
            if job is not None:
                session.delete(job)
        if document is None:  # deleted while converting: do not leave its PDF behind
            with self.db.read_only() as session:
                for unused in unreferenced_keys(session, [key]):
                    self.storage.delete(unused)


def periodic_jobs(settings) -> list[PeriodicJob]:
    """The conversion loop. Its converter (the LibreOffice instances) starts on the loop's first turn,
    once the worker's signal handlers are in place, so a SIGTERM during start-up still stops it cleanly."""
    converter = make_converter(settings, resolve_converter_name(settings))
    storage = make_storage(settings)
    runners: dict[int, ConversionRunner] = {}

    def convert_queued(db: Database, job_settings) -> None:
        if id(db) not in runners:
            if hasattr(converter, "start"):
                converter.start()
            runners[id(db)] = ConversionRunner(db, job_settings, storage, converter)
        runners[id(db)].run_pending()

    return [
        PeriodicJob(
            "pdf-conversions",
            settings.conversion_poll_interval_seconds,
            convert_queued,
            wake_topic=CONVERSIONS_TOPIC,
        )
    ]
