"""The demo people: one per kind of person the platform serves, with stable identities.

The development sign-in lists them and mints their tokens; the demo data loader acts as them, so that what
each one sees after signing in is what the public APIs give them.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

DEMO_ORG = "demo-bernard-associes"  # the client company of the demo client and their colleague
MAIL_DOMAIN = "demo.example"  # RFC 2606: never a real mailbox


@dataclass(frozen=True)
class DemoPerson:
    key: str
    sub: str
    role: str
    name: str
    email: str
    kind: object  # lazy translated label of what they are
    summary: object  # lazy translated sentence: what to try as them
    org: str = ""


def _mail(local: str) -> str:
    return f"{local}@{MAIL_DOMAIN}"


DEMO_PEOPLE: tuple[DemoPerson, ...] = (
    DemoPerson(
        "agent",
        "demo-agent-claire",
        "agent",
        "Claire Martin",
        _mail("claire.martin"),
        _l("Agent"),
        _l("Staff: handles every dossier, solicits partners, validates attestations."),
    ),
    DemoPerson(
        "admin",
        "demo-admin-helene",
        "admin",
        "Hélène Dubois",
        _mail("helene.dubois"),
        _l("Administrator"),
        _l("Configures dossier models, products, templates and notification rules."),
    ),
    DemoPerson(
        "client",
        "demo-client-sophie",
        "client",
        "Sophie Bernard",
        _mail("sophie.bernard"),
        _l("Client"),
        _l("Follows her dossiers, files requests, asks for attestations on her contracts."),
        org=DEMO_ORG,
    ),
    DemoPerson(
        "colleague",
        "demo-client-marc",
        "client",
        "Marc Lefèvre",
        _mail("marc.lefevre"),
        _l("Client, same company"),
        _l("A colleague at Bernard & Associés: sees the company's dossiers and contracts."),
        org=DEMO_ORG,
    ),
    DemoPerson(
        "external_partner",
        "demo-partner-julien",
        "partner",
        "Julien Moreau",
        _mail("julien.moreau"),
        _l("External partner"),
        _l("A structural engineering firm: attaches dossiers with a key and gives opinions."),
    ),
    DemoPerson(
        "internal_partner",
        "demo-agent-nadia",
        "agent",
        "Nadia Rousseau",
        _mail("nadia.rousseau"),
        _l("Internal partner"),
        _l("The legal department: solicited for opinions from inside the organisation."),
    ),
    DemoPerson(
        "contributor",
        "demo-contributor-thomas",
        "partner",
        "Thomas Petit",
        _mail("thomas.petit"),
        _l("Contributor"),
        _l("Guarantor on a rental application: provides the pieces of his role."),
    ),
    DemoPerson(
        "participant",
        "demo-participant-lea",
        "partner",
        "Léa Garnier",
        _mail("lea.garnier"),
        _l("Participant"),
        _l("A subcontractor on a renovation: reads the dossier, writes notes, uploads files."),
    ),
)

BY_KEY = {person.key: person for person in DEMO_PEOPLE}
