"""The verification rules without a database: validity periods, verdicts, rate-limit windows."""

from datetime import UTC, date, datetime

from attestation.domain import verification
from attestation.domain.validation import pick_assignee


def test_an_attestation_is_valid_for_its_days_from_the_day_it_is_made():
    assert verification.validity_period(date(2026, 3, 12), 30, None) == (date(2026, 3, 12), date(2026, 4, 10))


def test_validity_never_passes_the_contracts_end():
    assert verification.validity_period(date(2026, 3, 12), 365, date(2026, 6, 30))[1] == date(2026, 6, 30)


def printed(**changes):
    values = {
        "state": "issued",
        "revoked": False,
        "holder": "Jeanne Dupont",
        "contract_number": "C-1",
        "valid_from": date(2026, 3, 12),
        "valid_until": date(2026, 4, 10),
    }
    return verification.Printed(**{**values, **changes})


def test_the_verdict_of_each_case():
    today = date(2026, 4, 10)
    assert verification.verdict(printed(), today)["status"] == "valid"
    assert verification.verdict(printed(), date(2026, 4, 11))["status"] == "expired"
    assert verification.verdict(printed(revoked=True), today) == {"status": "revoked", **verification.EMPTY_DETAILS}
    assert verification.verdict(None, today) == {"status": "unknown", **verification.EMPTY_DETAILS}
    for state in ("generating", "pending_validation", "rejected", "failed"):
        assert verification.verdict(printed(state=state), today)["status"] == "unknown"


def test_rate_limit_windows_are_fixed_and_retry_after_counts_to_their_end():
    now = datetime(2026, 3, 12, 10, 0, 45, tzinfo=UTC)
    assert verification.window_start(now, 60) == datetime(2026, 3, 12, 10, 0, 0, tzinfo=UTC)
    assert verification.retry_after(now, 60) == 15


def test_the_least_loaded_named_validator_gets_the_task():
    assert pick_assignee(("a", "b"), {"a": 2, "b": 1}) == "b"
    assert pick_assignee(("a", "b"), {}) == "a"
    assert pick_assignee((), {}) is None
