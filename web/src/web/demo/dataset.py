"""What the demo data set holds: two dossier models, the partners, the products and templates, the contracts.

Dates are relative to the day the set is loaded, so that the contract in force is in force and the paid
receipt covers today whenever ``make run`` is started.
"""

from __future__ import annotations

from datetime import date, timedelta

WORKS_MODEL = {
    "name": "Demande de travaux",
    "category": "works",
    "client_can_create": True,
    "client_can_invite": False,
    "fields": [
        {"key": "address", "label": "Adresse du chantier", "type": "text", "required": True},
        {
            "key": "works_type",
            "label": "Nature des travaux",
            "type": "choice",
            "choices": ["Rénovation", "Extension", "Toiture", "Mise aux normes"],
        },
        {"key": "desired_start", "label": "Début souhaité", "type": "date"},
        {"key": "budget", "label": "Budget prévisionnel", "type": "amount", "financial": True},
        {"key": "internal_notes", "label": "Notes du chargé d'affaires", "type": "long_text"},
    ],
    "partner_fields": [
        {"key": "site_visit_date", "label": "Date de la visite du site", "type": "date"},
        {"key": "structural_notes", "label": "Observations structurelles", "type": "long_text"},
        {"key": "load_bearing", "label": "Mur porteur concerné", "type": "boolean"},
    ],
    "views": {
        "portal": [
            {"key": "address", "mode": "write"},
            {"key": "works_type", "mode": "write"},
            {"key": "desired_start", "mode": "write"},
            {"key": "budget", "mode": "read"},
        ],
        "crm": [
            {"key": "address", "mode": "write"},
            {"key": "works_type", "mode": "write"},
            {"key": "desired_start", "mode": "write"},
            {"key": "budget", "mode": "write"},
            {"key": "internal_notes", "mode": "write"},
        ],
        "partner": [
            {"key": "address", "mode": "read", "source": "portal"},
            {"key": "works_type", "mode": "read", "source": "portal"},
            {"key": "site_visit_date", "mode": "write", "source": "partner"},
            {"key": "structural_notes", "mode": "write", "source": "partner"},
            {"key": "load_bearing", "mode": "write", "source": "partner"},
        ],
    },
    "statuses": [
        {"code": "received", "label": "Demande reçue", "initial": True},
        {"code": "study", "label": "Étude technique", "partner_visible": True},
        {"code": "internal_review", "label": "Revue interne", "client_visible": False},
        {"code": "quote", "label": "Devis en préparation"},
        {"code": "works", "label": "Travaux en cours"},
        {"code": "done", "label": "Terminé", "terminal": True},
    ],
    "transitions": [
        {"from": "received", "to": "study"},
        {"from": "study", "to": "internal_review"},
        {"from": "internal_review", "to": "study"},
        {"from": "study", "to": "quote"},
        {"from": "quote", "to": "works"},
        {"from": "works", "to": "done"},
    ],
}

RENTAL_MODEL = {
    "name": "Demande de location",
    "category": "housing",
    "client_can_create": False,
    "client_can_invite": True,
    "fields": [
        {"key": "flat", "label": "Logement", "type": "text", "required": True},
        {"key": "move_in", "label": "Date d'entrée souhaitée", "type": "date"},
        {"key": "rent", "label": "Loyer mensuel", "type": "amount", "financial": True},
    ],
    "views": {
        "portal": [
            {"key": "flat", "mode": "read"},
            {"key": "move_in", "mode": "write"},
            {"key": "rent", "mode": "read"},
        ],
        "crm": [
            {"key": "flat", "mode": "write"},
            {"key": "move_in", "mode": "write"},
            {"key": "rent", "mode": "write"},
        ],
        "partner": [],
    },
    "statuses": [
        {"code": "collecting", "label": "Collecte des pièces", "initial": True},
        {"code": "complete", "label": "Dossier complet"},
        {"code": "signed", "label": "Bail signé", "terminal": True},
    ],
    "transitions": [{"from": "collecting", "to": "complete"}, {"from": "complete", "to": "signed"}],
    "roles": [{"code": "guarantor", "label": "Garant"}, {"code": "co_tenant", "label": "Colocataire"}],
    "pieces": [
        {"code": "guarantor_id", "label": "Pièce d'identité du garant", "role": "guarantor", "required": True},
        {"code": "guarantor_tax", "label": "Dernier avis d'imposition", "role": "guarantor", "required": True},
        {
            "code": "guarantor_payslips",
            "label": "Trois derniers bulletins de salaire",
            "role": "guarantor",
            "required": False,
        },
        {"code": "co_tenant_id", "label": "Pièce d'identité du colocataire", "role": "co_tenant", "required": True},
        {"code": "co_tenant_income", "label": "Justificatif de revenus", "role": "co_tenant", "required": True},
    ],
}

MODELS = (WORKS_MODEL, RENTAL_MODEL)

EXTERNAL_PARTNER = {
    "name": "Julien Moreau",
    "email": "julien.moreau@demo.example",
    "kind": "external",
    "organisation": "Structura Ingénierie",
}
INTERNAL_PARTNER = {
    "name": "Nadia Rousseau",
    "email": "nadia.rousseau@demo.example",
    "kind": "internal",
    "agent_sub": "demo-agent-nadia",
    "organisation": "Service juridique",
}
# A co-tenant invited with the invitation email: their key waits in the SMTP catcher.
EMAILED_CO_TENANT = {"name": "Camille Roux", "email": "camille.roux@demo.example"}

TEMPLATES = {
    "home": {"name": "Attestation habitation", "type": "attestation", "entity": "contract"},
    "event": {"name": "Attestation évènement temporaire", "type": "attestation", "entity": "contract"},
    "vehicle": {"name": "Attestation véhicule", "type": "attestation", "entity": "beneficiary"},
}
EVENT_INPUTS = [
    {"name": "motif", "label": "Motif de l'évènement", "default": None},
    {"name": "lieu", "label": "Lieu", "default": "Au domicile assuré"},
    {"name": "date_debut", "label": "Date de début (JJ/MM/AAAA)", "default": None},
    {"name": "date_fin", "label": "Date de fin (JJ/MM/AAAA)", "default": None},
]

HOME_PRODUCT = {"code": "DEMO-MRH", "name": "Multirisque habitation"}
FLEET_PRODUCT = {"code": "DEMO-FLOTTE", "name": "Flotte automobile"}
PRODUCT_TEMPLATES = {
    HOME_PRODUCT["code"]: [("home", "Attestation d'assurance habitation"), ("event", "Attestation pour un évènement")],
    FLEET_PRODUCT["code"]: [("vehicle", "Attestation pour un véhicule")],
}

CONTACT_GROUP = "portal_requests"


def quarters(today: date) -> list[tuple[date, date]]:
    """The year's four quarters around ``today``."""
    starts = [date(today.year, month, 1) for month in (1, 4, 7, 10)]
    ends = [*(start - timedelta(days=1) for start in starts[1:]), date(today.year, 12, 31)]
    return list(zip(starts, ends, strict=True))


def receipts(today: date, *, current_paid: bool) -> list[dict]:
    """Quarterly receipts: the past ones paid, the current one paid or not, the future ones not yet."""
    result = []
    for start, end in quarters(today):
        past, current = end < today, start <= today <= end
        paid = past or (current and current_paid)
        result.append(
            {
                "period_start": start.isoformat(),
                "period_end": end.isoformat(),
                "amount_due": "142.50",
                "amount_paid": "142.50" if paid else "0.00",
            }
        )
    return result


def contracts(today: date, sophie: dict, company_org: str) -> list[dict]:
    year_start, year_end = date(today.year, 1, 1).isoformat(), date(today.year, 12, 31).isoformat()
    owner = {"owner_sub": sophie["sub"], "owner_email": sophie["email"], "owner_name": sophie["name"]}
    return [
        {
            "number": f"MRH-{today.year}-000142",
            "product": HOME_PRODUCT["code"],
            "status": "in_force",
            "start_date": year_start,
            "end_date": year_end,
            **owner,
            "beneficiaries": [{"kind": "building", "address": "12 rue des Lilas, 69003 Lyon"}],
            "receipts": receipts(today, current_paid=True),
        },
        {
            "number": f"MRH-{today.year}-000377",
            "product": HOME_PRODUCT["code"],
            "status": "in_force",
            "start_date": year_start,
            "end_date": year_end,
            **owner,
            "beneficiaries": [{"kind": "building", "address": "8 avenue Foch, 69006 Lyon"}],
            "receipts": receipts(today, current_paid=False),
        },
        {
            "number": f"FLT-{today.year}-000021",
            "product": FLEET_PRODUCT["code"],
            "status": "in_force",
            "start_date": year_start,
            "end_date": year_end,
            "owner_org": company_org,
            "owner_name": "Bernard & Associés",
            "owner_email": sophie["email"],
            "beneficiaries": [
                {"kind": "vehicle", "registration": "GH-482-KT", "make": "Renault Kangoo"},
                {"kind": "vehicle", "registration": "FP-117-ZA", "make": "Peugeot Partner"},
            ],
            "receipts": receipts(today, current_paid=True),
        },
    ]
