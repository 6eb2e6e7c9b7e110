"""The gateway's rules as plain functions: who sees a dossier, who invites, the attach lock-out, reminders, key
expiry."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

ENDED_STATES = ("revoked", "cancelled")
OPINION_TYPES = ("opinion", "opinion_completion")
COMPLETION_TYPES = ("completion", "opinion_completion")


@dataclass(frozen=True)
class DossierStatus:
    status: str
    partner_visible: bool
    closed: bool


def partner_may_see(state: str, open_statuses: Iterable[str], dossier: DossierStatus | None) -> bool:
    """Attached (state not ended), dossier known, not closed, status partner-visible and open for the solicitation."""
    if state in ENDED_STATES or dossier is None or dossier.closed:
        return False
    return dossier.partner_visible and dossier.status in set(open_statuses)


def third_party_may_see(state: str, dossier: DossierStatus | None) -> bool:
    """A contributor or participant: attached and not revoked; a closed dossier stays readable to them."""
    return state == "attached" and dossier is not None


def third_party_may_act(state: str, dossier: DossierStatus | None) -> bool:
    """What a contributor may see, they may change only while the dossier is open."""
    return third_party_may_see(state, dossier) and not dossier.closed


def is_the_dossiers_client(sub: str, org: str | None, client_sub: str | None, client_org: str | None) -> bool:
    """The dossier service's client rule: the dossier's client, or a member of the client's company."""
    return (client_sub is not None and client_sub == sub) or (client_org is not None and client_org == org)


def client_may_invite_kind(kind: str) -> bool:
    """A client invites contributors into the model's roles; participants are staff's choice (the sources give
    clients no say over who works on their dossier)."""
    return kind == "contributor"


def key_expiry(due_date: date, grace_days: int) -> datetime:
    """The end of the due date (UTC) plus the grace period."""
    end_of_due_day = datetime.combine(due_date + timedelta(days=1), time.min, tzinfo=UTC)
    return end_of_due_day + timedelta(days=grace_days)


def lockout_retry_after(failures: list[datetime], now: datetime, max_failures: int, window: timedelta) -> int | None:
    """Seconds until the account may try again, or None when it is not locked.

    Locked while ``max_failures`` failures lie within ``window``; it opens when the oldest of the
    most recent ``max_failures`` leaves the window.
    """
    recent = sorted(moment for moment in failures if moment > now - window)
    if len(recent) < max_failures:
        return None
    opens_at = recent[-max_failures] + window
    return max(1, int((opens_at - now).total_seconds() + 0.999))


def display_state(state: str, key_expires_at: datetime | None, now: datetime) -> str:
    """``expired`` for a pending solicitation whose key ran out; the stored state otherwise."""
    if state == "pending" and key_expires_at is not None and key_expires_at <= now:
        return "expired"
    return state


def needs_answer(state: str) -> bool:
    return state in ("pending", "attached")


def within_quiet_period(reminded_at: datetime | None, now: datetime, quiet: timedelta) -> bool:
    return reminded_at is not None and now - reminded_at < quiet


def due_for_automatic_reminder(due_date: date, today: date, days_before: int) -> bool:
    return today <= due_date <= today + timedelta(days=days_before)
