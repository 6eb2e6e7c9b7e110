"""What a quote, order, invoice or credit note says in its PDF: the template's ``document.*``, ``dossier.*`` and
``client.*`` values, in the template's language. Every amount stays a decimal string (``1234.50``), printed by
the template next to ``document.currency``: never a float."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from platform_shared.i18n import DEFAULT_LANGUAGE, format_date, supported

KIND_LABELS = {
    "fr": {"quote": "Devis", "order": "Bon de commande", "invoice": "Facture", "credit_note": "Avoir"},
    "en": {"quote": "Quote", "order": "Order", "invoice": "Invoice", "credit_note": "Credit note"},
}
STATUS_LABELS = {
    "fr": {
        "sent": "envoyé",
        "accepted": "accepté",
        "refused": "refusé",
        "expired": "expiré",
        "open": "en cours",
        "delivered": "livré",
        "cancelled": "annulé",
        "issued": "émis",
        "partially_paid": "partiellement payé",
        "paid": "payé",
    },
    "en": {
        "sent": "sent",
        "accepted": "accepted",
        "refused": "refused",
        "expired": "expired",
        "open": "open",
        "delivered": "delivered",
        "cancelled": "cancelled",
        "issued": "issued",
        "partially_paid": "partially paid",
        "paid": "paid",
    },
}
# The documents service's category of each PDF (its FINANCIAL_CATEGORIES make them financial too).
CATEGORIES = {"quote": "quote", "order": "order", "invoice": "invoice", "credit_note": "invoice"}
_MONEY_KEYS = ("net", "vat", "total", "paid", "credited", "balance_due")


def vat_totals(lines: list[dict[str, Any]]) -> list[dict[str, str]]:
    """Net and VAT per rate, in the order the rates first appear (sums of the lines' cents: exact)."""
    totals: dict[str, list[Decimal]] = {}
    for line in lines:
        net, vat = totals.setdefault(line["vat_rate"], [Decimal("0.00"), Decimal("0.00")])
        totals[line["vat_rate"]] = [net + Decimal(line["net"]), vat + Decimal(line["vat"])]
    return [{"vat_rate": rate, "net": str(net), "vat": str(vat)} for rate, (net, vat) in totals.items()]


def pdf_context(
    document: dict[str, Any], *, dossier: dict[str, Any], source_number: str | None, language: str
) -> dict[str, Any]:
    """The render context of one presented finance document (``services.finance.present``)."""
    language = supported(language) or DEFAULT_LANGUAGE
    keys = ("position", "label", "quantity", "unit", "unit_price", "vat_rate", "net", "vat", "total")
    lines = [{key: line[key] for key in keys} for line in document["lines"]]
    issued = document.get("issued_at")
    values: dict[str, Any] = {
        "kind": document["kind"],
        "kind_label": KIND_LABELS[language][document["kind"]],
        "number": document["number"] or "",
        "title": document.get("title") or "",
        "status": STATUS_LABELS[language].get(document["status"], document["status"]),
        "currency": document["currency"],
        "issued_on": format_date(issued.date() if issued else None, language),
        "valid_until": format_date(document.get("valid_until"), language),
        "due_on": format_date(document.get("due_on"), language),
        "source_number": source_number or "",
        "lines": lines,
        "vat_totals": vat_totals(lines),
    }
    values.update({key: document[key] for key in _MONEY_KEYS if key in document})
    return {
        "document": values,
        "dossier": {"reference": dossier["reference"], "title": dossier["title"]},
        "client": {
            "name": dossier.get("client_name") or "",
            "email": dossier.get("client_email") or "",
            "org_name": dossier.get("client_org_name") or "",
        },
    }
