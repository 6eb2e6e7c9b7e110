"""A dossier model for partners and contributors, for the tests that exercise them on the same terms: a status
open to partners and one hidden from them, a partner view (a portal field read, a partner field written, the
financial field left out), two contributor roles with one piece each, and clients who may create dossiers
and invite contributors."""

from __future__ import annotations

REVIEW_MODEL = {
    "name": "Building permit",
    "category": "urbanism",
    "client_can_create": True,
    "client_can_invite": True,
    "fields": [
        {"key": "address", "label": "Address", "type": "text"},
        {"key": "budget", "label": "Budget", "type": "amount", "financial": True},
    ],
    "partner_fields": [{"key": "expert_opinion", "label": "Expert opinion", "type": "long_text"}],
    "views": {
        "portal": [{"key": "address", "mode": "write"}],
        "crm": [{"key": "address", "mode": "write"}, {"key": "budget", "mode": "write"}],
        "partner": [
            {"key": "address", "mode": "read", "source": "portal"},
            {"key": "expert_opinion", "mode": "write", "source": "partner"},
        ],
    },
    "statuses": [
        {"code": "received", "label": "Received", "initial": True},
        {"code": "review", "label": "Review", "partner_visible": True},
        {"code": "internal_check", "label": "Internal check"},
        {"code": "decided", "label": "Decided", "terminal": True},
    ],
    "transitions": [
        {"from": "received", "to": "review"},
        {"from": "review", "to": "internal_check"},
        {"from": "internal_check", "to": "review"},
        {"from": "review", "to": "decided"},
    ],
    "roles": [{"code": "guarantor", "label": "Guarantor"}, {"code": "co_owner", "label": "Co-owner"}],
    "pieces": [
        {"code": "payslip", "label": "Payslip", "role": "guarantor"},
        {"code": "deed", "label": "Deed", "role": "co_owner"},
    ],
}
