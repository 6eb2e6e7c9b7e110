"""Eligibility, with dates fixed: in force AND today covered by a fully paid receipt, unless prior validation."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from attestation.domain.eligibility import (
    NO_TEMPLATE,
    NOT_COVERED,
    NOT_IN_FORCE,
    ContractTerms,
    ReceiptPeriod,
    attestation_eligibility,
)
from platform_shared import clock

TODAY = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
IN_FORCE = ContractTerms("in_force", date(2026, 1, 1), None)
TERMINATED = ContractTerms("terminated", date(2026, 1, 1), date(2026, 10, 31))


def receipt(start, end, due="100.00", paid="100.00"):
    return ReceiptPeriod(start, end, Decimal(due), Decimal(paid))


YESTERDAY_ONLY = [receipt(date(2026, 10, 23), date(2026, 11, 22))]
PARTLY_PAID = [receipt(date(2026, 11, 1), date(2026, 11, 30), paid="99.99")]
FULLY_PAID = [receipt(date(2026, 11, 1), date(2026, 11, 30))]


def judge(terms, receipts, validation_required=False, has_templates=True):
    with clock.frozen_at(TODAY):
        return attestation_eligibility(
            has_templates=has_templates,
            terms=terms,
            receipts=receipts,
            today=clock.today(),
            validation_required=validation_required,
        )


def test_a_receipt_covering_yesterday_only_does_not_allow_a_request():
    verdict = judge(IN_FORCE, YESTERDAY_ONLY)
    assert not verdict.enabled and verdict.reasons == (NOT_COVERED,)


def test_a_partly_paid_receipt_does_not_allow_a_request():
    verdict = judge(IN_FORCE, PARTLY_PAID)
    assert not verdict.enabled and verdict.reasons == (NOT_COVERED,)


def test_a_terminated_contract_does_not_allow_a_request_even_when_paid():
    verdict = judge(TERMINATED, FULLY_PAID)
    assert not verdict.enabled and verdict.reasons == (NOT_IN_FORCE,)


def test_a_contract_in_force_with_a_fully_paid_receipt_today_allows_a_request():
    verdict = judge(IN_FORCE, FULLY_PAID)
    assert verdict.enabled and verdict.reasons == ()


def test_a_receipt_paid_beyond_what_is_due_counts_as_fully_paid():
    assert judge(IN_FORCE, [receipt(date(2026, 11, 23), date(2026, 11, 23), paid="120.00")]).enabled


def test_a_contract_in_force_whose_end_date_has_passed_is_not_in_force():
    verdict = judge(ContractTerms("in_force", date(2025, 1, 1), date(2026, 11, 22)), FULLY_PAID)
    assert verdict.reasons == (NOT_IN_FORCE,)


@pytest.mark.parametrize(
    "terms, receipts",
    [
        (IN_FORCE, YESTERDAY_ONLY),
        (IN_FORCE, PARTLY_PAID),
        (TERMINATED, FULLY_PAID),
        (IN_FORCE, FULLY_PAID),
        (TERMINATED, []),
    ],
    ids=["yesterday-only", "partly-paid", "terminated", "in-force-paid", "terminated-never-billed"],
)
def test_with_prior_validation_the_contract_and_receipt_conditions_are_ignored(terms, receipts):
    verdict = judge(terms, receipts, validation_required=True)
    assert verdict.enabled and verdict.reasons == ()


@pytest.mark.parametrize("validation_required", [False, True])
def test_without_a_template_on_the_product_no_request_is_possible(validation_required):
    verdict = judge(IN_FORCE, FULLY_PAID, validation_required=validation_required, has_templates=False)
    assert not verdict.enabled and NO_TEMPLATE in verdict.reasons


def test_every_reason_is_given_at_once():
    verdict = judge(TERMINATED, PARTLY_PAID, has_templates=False)
    assert verdict.reasons == (NO_TEMPLATE, NOT_IN_FORCE, NOT_COVERED)
    assert len(verdict.messages("fr")) == 3 and verdict.messages("en")[1] == "The contract is not in force."
