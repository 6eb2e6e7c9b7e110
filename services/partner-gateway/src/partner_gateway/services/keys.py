"""Issuing, withdrawing and redeeming access keys (solicitations and invitations share them)."""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta

from sqlalchemy import delete, select, text, update
from sqlalchemy.orm import Session

from platform_shared import clock

from ..db import AccessKey, AttachFailure
from ..domain import keys
from ..domain.errors import AttachLocked, KeyAlreadyUsed, KeyExpired, UnknownKey
from ..domain.rules import lockout_retry_after


def issue(session: Session, target_type: str, target_id: str, expires_at: datetime) -> str:
    """Withdraw the target's previous keys and return a new one (the only time it exists in clear)."""
    withdraw(session, target_id)
    key = keys.generate_key()
    session.add(
        AccessKey(
            id=clock.new_id(),
            key_hash=keys.hash_key(key),
            target_type=target_type,
            target_id=target_id,
            expires_at=expires_at,
            created_at=clock.now(),
        )
    )
    return key


def withdraw(session: Session, target_id: str) -> None:
    session.execute(
        update(AccessKey)
        .where(AccessKey.target_id == target_id, AccessKey.withdrawn_at.is_(None), AccessKey.used_at.is_(None))
        .values(withdrawn_at=clock.now())
    )


def extend_unused(session: Session, target_id: str, expires_at: datetime) -> None:
    """A key not used yet lives until ``expires_at`` (the solicitation's due date moved)."""
    session.execute(
        update(AccessKey)
        .where(AccessKey.target_id == target_id, AccessKey.withdrawn_at.is_(None), AccessKey.used_at.is_(None))
        .values(expires_at=expires_at)
    )


def expiry_of(session: Session, target_id: str) -> datetime | None:
    return session.execute(
        select(AccessKey.expires_at)
        .where(AccessKey.target_id == target_id, AccessKey.withdrawn_at.is_(None))
        .order_by(AccessKey.created_at.desc())
        .limit(1)
    ).scalar_one_or_none()


def serialise_attempts(session: Session, account_sub: str) -> None:
    """Make the account's attempts wait for one another until this transaction ends.

    Counting the failures and recording one must be one step, or concurrent wrong keys all read the
    same count and all get through (40 at once let 8 pass a limit of 5). On PostgreSQL a transaction-level
    advisory lock on the account does it (no row to lock exists before the first failure, and it is
    released at commit or rollback, whatever happens); on SQLite every transaction already takes the
    write lock up front (``BEGIN IMMEDIATE``).
    """
    if session.get_bind().dialect.name == "postgresql":
        digest = hashlib.sha256(f"attach:{account_sub}".encode()).digest()
        session.execute(
            text("SELECT pg_advisory_xact_lock(:key)"), {"key": int.from_bytes(digest[:8], "big", signed=True)}
        )


def ensure_not_locked(session: Session, account_sub: str, max_failures: int, window: timedelta) -> None:
    now = clock.now()
    failures = (
        session.execute(
            select(AttachFailure.failed_at).where(
                AttachFailure.account_sub == account_sub, AttachFailure.failed_at > now - window
            )
        )
        .scalars()
        .all()
    )
    retry_after = lockout_retry_after(list(failures), now, max_failures, window)
    if retry_after is not None:
        raise AttachLocked(retry_after)


def record_failure(session: Session, account_sub: str) -> None:
    session.add(AttachFailure(id=clock.new_id(), account_sub=account_sub, failed_at=clock.now()))


def redeem(session: Session, typed_key: str, account_sub: str) -> AccessKey:
    """The key's row, marked used by ``account_sub``; UnknownKey / KeyAlreadyUsed / KeyExpired otherwise.

    The lookup is by the hash's index; the found row's hash is then compared in constant time, so neither
    the database nor Python's ``==`` decides on the secret. Unknown and withdrawn keys get the same error.
    """
    typed_hash = keys.hash_key(typed_key)
    # FOR UPDATE: two accounts racing with the same key are served one after the other (the second gets 409).
    row = session.execute(
        select(AccessKey).where(AccessKey.key_hash == typed_hash).with_for_update()
    ).scalar_one_or_none()
    if row is None or not keys.hashes_match(row.key_hash, typed_key) or row.withdrawn_at is not None:
        raise UnknownKey()
    if row.used_at is not None:
        raise KeyAlreadyUsed()
    if row.expires_at <= clock.now():
        raise KeyExpired()
    row.used_at = clock.now()
    row.used_by = account_sub
    return row


def purge_attach_failures(session: Session, window: timedelta, batch_size: int) -> int:
    """Delete up to ``batch_size`` failures older than the lock-out window: they no longer count."""
    oldest = (
        select(AttachFailure.id)
        .where(AttachFailure.failed_at <= clock.now() - window)
        .order_by(AttachFailure.failed_at)
        .limit(batch_size)
    )
    return session.execute(delete(AttachFailure).where(AttachFailure.id.in_(oldest.scalar_subquery()))).rowcount
