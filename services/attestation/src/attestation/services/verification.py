"""Revoking an issued attestation, verifying one from its code, and the verifications' rate limit.

The rate limit counts in this service's database (``verification_hits``), not in a process: gunicorn's
workers and the API's replicas share it, and the platform needs nothing more (Redis is not part of
it). One atomic ``INSERT ... ON CONFLICT DO UPDATE ... RETURNING`` per verification, on SQLite and
PostgreSQL alike; the worker's periodic job deletes past windows.
"""

from __future__ import annotations

import hashlib
from datetime import timedelta

from sqlalchemy import delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from platform_shared import clock, secret_codes
from platform_shared.auth import Caller
from platform_shared.messaging.outbox import record_event

from .. import SERVICE_NAME
from ..config import AttestationSettings
from ..db import AttestationRequest, Contract, VerificationHit
from ..domain import verification
from ..domain.errors import NotRevocable, TooManyVerifications
from .requests import client_fields, visible_request


def revoke(session: Session, caller: Caller, request_id: str, reason: str) -> AttestationRequest:
    """Staff withdraw an attestation the client holds: its verification says ``revoked`` from now on;
    ``attestation.revoked`` tells the client."""
    request = visible_request(session, caller, request_id)
    if request.state not in verification.HELD_STATES or request.verification_hash is None:
        raise NotRevocable("Only an issued or approved attestation can be revoked.")
    if request.revoked_at is not None:
        raise NotRevocable("This attestation is already revoked.")
    request.revoked_at = request.updated_at = clock.now()
    request.revoked_by, request.revocation_reason = caller.sub, reason
    data = {
        "request_id": request.id,
        "contract_id": request.contract_id,
        "document_id": request.document_id,
        "title": request.title,
        "filename": request.document_filename,
        "reason": reason,
        **client_fields(request),
    }
    contract = session.get(Contract, request.contract_id)
    if contract.dossier_id:
        data["dossier_id"] = contract.dossier_id
    record_event(
        session, "attestation.revoked", data, producer=SERVICE_NAME, aggregate_id=request.id, actor=caller.as_actor()
    )
    return request


def verify(session: Session, typed_code: str) -> dict:
    """What a verifier is told of the attestation carrying ``typed_code`` (one indexed lookup by its hash,
    whatever the code: an unknown one costs the same as a known one)."""
    row = session.execute(
        select(
            AttestationRequest.state,
            AttestationRequest.revoked_at,
            AttestationRequest.holder_name,
            AttestationRequest.contract_number,
            AttestationRequest.valid_from,
            AttestationRequest.valid_until,
        ).where(AttestationRequest.verification_hash == secret_codes.hash_code(typed_code))
    ).first()
    printed = (
        verification.Printed(
            state=row.state,
            revoked=row.revoked_at is not None,
            holder=row.holder_name,
            contract_number=row.contract_number,
            valid_from=row.valid_from,
            valid_until=row.valid_until,
        )
        if row
        else None
    )
    return {**verification.verdict(printed, clock.today()), "checked_on": clock.today()}


def client_key(address: str | None) -> str:
    """The rate limit's key: a hash of the client address (the address itself is not kept)."""
    return hashlib.sha256((address or "unknown").encode()).hexdigest()


def count_verification(session: Session, settings: AttestationSettings, address: str | None) -> None:
    """Count one verification from ``address``; 429 with ``Retry-After`` past the window's limit."""
    now = clock.now()
    window = settings.verification_rate_window_seconds
    values = {"client_key": client_key(address), "window_start": verification.window_start(now, window), "hits": 1}
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    statement = (
        dialect.insert(VerificationHit)
        .values(**values)
        .on_conflict_do_update(index_elements=["client_key", "window_start"], set_={"hits": VerificationHit.hits + 1})
        .returning(VerificationHit.hits)
    )
    hits = session.execute(statement).scalar_one()
    if hits > settings.verification_rate_limit:
        raise TooManyVerifications(verification.retry_after(now, window))


def purge_past_windows(session: Session, settings: AttestationSettings) -> int:
    cutoff = clock.now() - timedelta(seconds=settings.verification_rate_window_seconds)
    return session.execute(delete(VerificationHit).where(VerificationHit.window_start < cutoff)).rowcount
