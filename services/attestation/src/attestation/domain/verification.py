"""Verifying an attestation from its paper: its validity period, what a verifier is told, and the rate limit.

Anyone holding the paper (a landlord, a car-park attendant) types or scans its code; they learn whether
it is valid, expired or revoked, and only what lets them compare with the paper: the holder, the
contract number and the validity dates. A code that does not exist, or whose attestation was never
given to the client (awaiting validation, rejected), is ``unknown``; a revoked one is ``revoked`` with
no data, so the two answers differ only by their status.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

VALID, EXPIRED, REVOKED, UNKNOWN = "valid", "expired", "revoked", "unknown"
STATUSES = (VALID, EXPIRED, REVOKED, UNKNOWN)
# The request states in which the client holds the attestation (and so may show it).
HELD_STATES = ("issued", "approved")
EMPTY_DETAILS = {"holder": None, "contract_number": None, "valid_from": None, "valid_until": None}


def validity_period(today: date, validity_days: int, contract_end: date | None) -> tuple[date, date]:
    """Valid from the day it is generated for ``validity_days`` days (that day included), never past the
    contract's end."""
    until = today + timedelta(days=validity_days - 1)
    if contract_end is not None and contract_end < until:
        until = max(contract_end, today)
    return today, until


@dataclass(frozen=True)
class Printed:
    """What the verification needs of one attestation (as printed on it)."""

    state: str
    revoked: bool
    holder: str | None
    contract_number: str | None
    valid_from: date | None
    valid_until: date | None


def verdict(printed: Printed | None, today: date) -> dict[str, Any]:
    """The verification answer: ``status`` plus the details, which only a valid or expired one shows."""
    if printed is None or printed.state not in HELD_STATES or printed.valid_until is None:
        return {"status": UNKNOWN, **EMPTY_DETAILS}
    if printed.revoked:
        return {"status": REVOKED, **EMPTY_DETAILS}
    return {
        "status": EXPIRED if today > printed.valid_until else VALID,
        "holder": printed.holder,
        "contract_number": printed.contract_number,
        "valid_from": printed.valid_from,
        "valid_until": printed.valid_until,
    }


def window_start(now: datetime, window_seconds: int) -> datetime:
    """The start of the fixed rate-limit window ``now`` falls in."""
    epoch = datetime(1970, 1, 1, tzinfo=now.tzinfo)
    elapsed = int((now - epoch).total_seconds())
    return epoch + timedelta(seconds=elapsed - elapsed % window_seconds)


def retry_after(now: datetime, window_seconds: int) -> int:
    """Whole seconds until the window ends (at least 1)."""
    end = window_start(now, window_seconds) + timedelta(seconds=window_seconds)
    return max(1, int((end - now).total_seconds() + 0.999))
