"""The worker's periodic generation job: retry failed renders, delete discarded documents,
and ask the documents service about renders whose outcome event has not come."""

from __future__ import annotations

import logging
from datetime import timedelta

from sqlalchemy import select

from platform_shared import clock
from platform_shared.db import Database
from platform_shared.errors import DomainError, NotFound
from platform_shared.worker import PeriodicJob

from .clients import DocumentsGateway
from .config import AttestationSettings
from .db import AttestationRequest
from .services import requests, verification
from .services.requests import GENERATION_TOPIC

log = logging.getLogger(__name__)
BATCH = 50


def purge_discarded_documents(db: Database, gateway: DocumentsGateway) -> None:
    with db.read_only() as session:
        rows = session.execute(
            select(AttestationRequest.id, AttestationRequest.discarded_document_id)
            .where(AttestationRequest.discarded_document_id.is_not(None))
            .limit(BATCH)
        ).all()
    for request_id, document_id in rows:
        gateway.destroy(document_id)
        with db.transaction() as session:
            request = session.get(AttestationRequest, request_id)
            if request.discarded_document_id == document_id:
                request.discarded_document_id = None


def retry_due_generations(db: Database, gateway: DocumentsGateway, settings: AttestationSettings) -> None:
    with db.read_only() as session:
        due = session.scalars(
            select(AttestationRequest.id)
            .where(
                AttestationRequest.state == requests.GENERATING,
                AttestationRequest.document_id.is_(None),
                AttestationRequest.discarded_document_id.is_(None),
                AttestationRequest.next_attempt_at <= clock.now(),
            )
            .limit(BATCH)
        ).all()
    for request_id in due:
        requests.generate(db, gateway, settings, request_id)


def check_stale_renders(db: Database, gateway: DocumentsGateway, settings: AttestationSettings) -> None:
    """A render still waiting for its event after ``render_stale_seconds``: read the document's state."""
    cutoff = clock.now() - timedelta(seconds=settings.render_stale_seconds)
    with db.read_only() as session:
        stale = session.execute(
            select(AttestationRequest.id, AttestationRequest.document_id)
            .where(
                AttestationRequest.state == requests.GENERATING,
                AttestationRequest.document_id.is_not(None),
                AttestationRequest.updated_at <= cutoff,
            )
            .limit(BATCH)
        ).all()
    for request_id, document_id in stale:
        try:
            document = gateway.document(document_id)
        except NotFound:
            with db.transaction() as session:
                requests.generation_failed(
                    session, settings, session.get(AttestationRequest, request_id), "The rendered document disappeared."
                )
            continue
        with db.transaction() as session:
            request = session.get(AttestationRequest, request_id)
            if request.document_id != document_id:
                continue
            if document.state == "rendering":
                request.updated_at = clock.now()
            else:
                requests.apply_document_state(session, settings, request, document)


def purge_verification_hits(db: Database, settings: AttestationSettings) -> None:
    """Rate-limit windows that are over are no longer needed."""
    with db.transaction() as session:
        verification.purge_past_windows(session, settings)


def generation_job(settings: AttestationSettings, gateway: DocumentsGateway | None = None):
    gateway = gateway or DocumentsGateway(settings)

    def run(db: Database, _settings) -> None:
        for step in (
            lambda: purge_discarded_documents(db, gateway),
            lambda: retry_due_generations(db, gateway, settings),
            lambda: check_stale_renders(db, gateway, settings),
            lambda: purge_verification_hits(db, settings),
        ):
            try:
                step()
            except DomainError as error:  # documents unreachable: the next run tries again
                log.warning("attestation generation job: %s", error.detail)

    return run


def periodic_jobs(settings: AttestationSettings) -> list[PeriodicJob]:
    return [
        PeriodicJob(
            "attestation-generation",
            settings.render_job_interval_seconds,
            generation_job(settings),
            wake_topic=GENERATION_TOPIC,
        )
    ]
