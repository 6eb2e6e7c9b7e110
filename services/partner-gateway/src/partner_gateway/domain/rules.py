"""The gateway's rules as plain functions: who sees a dossier, who invites, the attach lock-out, reminders, key
expiry."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

ENDED_STATES = ("revoked", "cancelled", "declined")
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


def partner_may_read(state: str, open_statuses: Iterable[str], dossier: DossierStatus | None) -> bool:
    """What a partner may see now, and after closing: read-only access to their solicitation, answers and
    files (a closed dossier stays readable; every write stays 409)."""
    if partner_may_see(state, open_statuses, dossier):
        return True
    return state not in ENDED_STATES and dossier is not None and dossier.closed


# Why a partner is not told (reminded, notified of a change) now: they could not act on the dossier.
CANNOT_ACT_REASONS = {
    "dossier_unknown": "The dossier is not known yet.",
    "dossier_closed": "The dossier is closed: the partner can no longer answer.",
    "status_hidden": "The dossier's status hides it from partners.",
    "not_open_in_status": "The solicitation is not open in the dossier's current status.",
}


def why_partner_cannot_act(open_statuses: Iterable[str], dossier: DossierStatus | None) -> str | None:
    """The reason code (``CANNOT_ACT_REASONS``) a partner cannot act on the dossier now, or None."""
    if dossier is None:
        return "dossier_unknown"
    if dossier.closed:
        return "dossier_closed"
    if not dossier.partner_visible:
        return "status_hidden"
    if dossier.status not in set(open_statuses):
        return "not_open_in_status"
    return None


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


def same_email(account_email: str | None, expected: str | None) -> bool:
    """A key bound to an email attaches only from an account with that address (case does not matter)."""
    return bool(account_email and expected) and account_email.strip().lower() == expected.strip().lower()


FILER_ACCESS_UNTIL = ("submission", "closing")


def filer_may_read(state: str, access_until: str, dossier: DossierStatus | None) -> bool:
    """The partner who filed a dossier on someone's behalf reads it until it is submitted or until it is
    closed, as the model said when it was filed."""
    if dossier is None or dossier.closed:
        return False
    return not (access_until == "submission" and state == "submitted")


def filer_may_change(state: str, claimed_by: str | None, dossier: DossierStatus | None) -> str | None:
    """Why the filer may no longer complete or submit the dossier (None: they may)."""
    if dossier is not None and dossier.closed:
        return "The dossier is closed: nothing in it can change any more."
    if claimed_by is not None:
        return "The person claimed the dossier: it is theirs to complete now."
    if state == "submitted":
        return "The dossier has been submitted."
    return None
