"""Whether a client may ask for an attestation on a contract today, and if not, why."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

NO_TEMPLATE = "no_template"
NOT_IN_FORCE = "not_in_force"
NOT_COVERED = "not_covered_by_paid_receipt"

# What the client reads, in their language (platform_shared.i18n.LANGUAGES).
REASON_MESSAGES = {
    "fr": {
        NO_TEMPLATE: "Aucun modèle d'attestation n'est proposé sur le produit de ce contrat.",
        NOT_IN_FORCE: "Le contrat n'est pas en cours.",
        NOT_COVERED: "La date du jour n'est pas couverte par une quittance entièrement payée.",
    },
    "en": {
        NO_TEMPLATE: "No attestation template is configured on the contract's product.",
        NOT_IN_FORCE: "The contract is not in force.",
        NOT_COVERED: "Today is not covered by a fully paid premium receipt.",
    },
}


@dataclass(frozen=True)
class ReceiptPeriod:
    """A premium receipt as eligibility sees it."""

    period_start: date
    period_end: date
    amount_due: Decimal
    amount_paid: Decimal

    @property
    def fully_paid(self) -> bool:
        return self.amount_paid >= self.amount_due

    def covers(self, day: date) -> bool:
        return self.period_start <= day <= self.period_end


@dataclass(frozen=True)
class ContractTerms:
    status: str
    start_date: date | None
    end_date: date | None


@dataclass(frozen=True)
class Eligibility:
    enabled: bool
    reasons: tuple[str, ...]

    def messages(self, language: str) -> list[str]:
        catalogue = REASON_MESSAGES.get(language, REASON_MESSAGES["fr"])
        return [catalogue[reason] for reason in self.reasons]


def in_force(terms: ContractTerms, today: date) -> bool:
    """Status ``in_force`` and today within the contract's dates."""
    started = terms.start_date is not None and terms.start_date <= today
    not_ended = terms.end_date is None or today <= terms.end_date
    return terms.status == "in_force" and started and not_ended


def covered_by_paid_receipt(receipts: Iterable[ReceiptPeriod], today: date) -> bool:
    return any(receipt.covers(today) and receipt.fully_paid for receipt in receipts)


def attestation_eligibility(
    *,
    has_templates: bool,
    terms: ContractTerms,
    receipts: Iterable[ReceiptPeriod],
    today: date,
    validation_required: bool,
) -> Eligibility:
    """A template is always needed; in force and paid-up are checked only without prior validation
    (with it, staff decide, so the client may always ask)."""
    reasons = []
    if not has_templates:
        reasons.append(NO_TEMPLATE)
    if not validation_required:
        if not in_force(terms, today):
            reasons.append(NOT_IN_FORCE)
        if not covered_by_paid_receipt(receipts, today):
            reasons.append(NOT_COVERED)
    return Eligibility(enabled=not reasons, reasons=tuple(reasons))
