"""Emails a client reads, in their language: attestations naming the contract and the file, revocation, the
acknowledgement of a portal request and its important developments; the staff email naming the requester,
their company and the category's label; never "Bonjour ," without a name."""

import pytest
from sqlalchemy import select

from notification.db import Delivery
from notification.jobs import build_message

AGENT = {"sub": "agent-1", "role": "agent", "email": "agent@x.test"}
REQUESTER = {"sub": "client-1", "role": "client", "email": "camille@x.test", "name": "Camille Martin"}


@pytest.fixture
def emails(db, settings):
    """The emails recorded for an event, as the sender would build them: {address: (subject, text)}."""

    def _emails(event_id):
        with db.read_only() as session:
            rows = session.execute(
                select(Delivery).where(Delivery.event_id == event_id, Delivery.channel == "email")
            ).scalars()
            built = {row.recipient: build_message(settings, [row]) for row in rows}
        return {
            address: (str(message["Subject"]), message.get_body(("plain",)).get_content())
            for address, message in built.items()
        }

    return _emails


def issued(**changes):
    return {
        "request_id": "r-1",
        "contract_id": "c-1",
        "document_id": "doc-1",
        "template_id": "t-1",
        "title": "Attestation d'assurance",
        "client_sub": "client-9",
        "client_email": "jeanne@x.test",
        "contract_number": "CTR-42",
        "filename": "attestation-CTR-42.pdf",
        "valid_until": "2027-03-11",
        **changes,
    }


def test_an_issued_attestation_email_names_the_contract_and_the_pdf_and_greets_without_a_blank(publish, emails):
    event = publish("attestation.issued", issued(), actor={"sub": "service:attestation", "role": "service"})
    ((subject, text),) = emails(event.id).values()
    assert subject == "Votre attestation du contrat CTR-42 est disponible"
    assert text.startswith("Bonjour,\n")
    assert "« Attestation d'assurance » (attestation-CTR-42.pdf) du contrat CTR-42" in text
    assert "valable jusqu'au 11/03/2027" in text


def test_the_clients_language_of_the_request_chooses_the_emails(publish, emails):
    event = publish(
        "attestation.issued",
        issued(client_language="en", client_name="Jeanne Dupont"),
        actor={"sub": "service:attestation", "role": "service"},
    )
    ((subject, text),) = emails(event.id).values()
    assert subject == "Your attestation for contract CTR-42 is ready"
    assert text.startswith("Hello Jeanne Dupont,\n") and "valid until 11 March 2027" in text


def test_a_revoked_attestation_tells_its_client_why(publish, emails):
    event = publish(
        "attestation.revoked",
        {**issued(), "reason": "Fausse déclaration"},
        actor=AGENT,
    )
    assert list(emails(event.id)) == ["jeanne@x.test"]
    ((subject, text),) = emails(event.id).values()
    assert subject == "Votre attestation du contrat CTR-42 a été révoquée" and "Motif : Fausse déclaration" in text


def portal_request(**changes):
    return {
        "dossier_id": "d-1",
        "reference": "DOS-2026-000042",
        "title": "Factures impayées",
        "origin": "portal",
        "kind": "dossier",
        "category": "litigation",
        "category_label": "Contentieux",
        "client_sub": "client-1",
        "client_email": "camille@x.test",
        "client_name": "Camille Martin",
        "client_org_name": "Acme SA",
        **changes,
    }


def test_the_requester_gets_an_acknowledgement_and_the_team_the_requesters_name_company_and_category(
    publish, emails, client, as_admin
):
    client.post("/api/v1/contacts", json={"email": "legal@x.test", "groups": ["portal_requests"]}, headers=as_admin)
    event = publish("dossier.created", portal_request(), actor=REQUESTER)
    sent = emails(event.id)
    assert sorted(sent) == ["camille@x.test", "legal@x.test"]
    subject, text = sent["camille@x.test"]
    assert subject == "Votre demande DOS-2026-000042 a bien été reçue"
    assert text.startswith("Bonjour Camille Martin,") and "« Factures impayées »" in text
    subject, text = sent["legal@x.test"]
    assert subject == "Nouvelle demande du portail : DOS-2026-000042"
    assert "par Camille Martin (Acme SA)" in text and "Catégorie : Contentieux." in text
    assert "litigation" not in text and text.startswith("Bonjour,")


def test_the_acknowledgement_is_in_the_requesters_language_and_only_for_portal_requests(publish, emails):
    english = publish("dossier.created", portal_request(client_language="en"), actor=REQUESTER)
    assert emails(english.id)["camille@x.test"][0] == "We received your request DOS-2026-000042"
    crm = publish("dossier.created", portal_request(dossier_id="d-2", origin="crm"), actor=AGENT)
    assert "camille@x.test" not in emails(crm.id)


def test_an_important_development_is_emailed_to_the_requester_not_to_staff_who_added_it(publish, emails):
    publish("dossier.created", portal_request(assignee_sub="agent-1"), actor=REQUESTER)
    event = publish(
        "dossier.development_added",
        {
            "dossier_id": "d-1",
            "development_id": "dev-1",
            "title": "Mise en demeure envoyée",
            "reference": "DOS-2026-000042",
            "excerpt": "Acme a 8 jours pour payer.",
        },
        actor=AGENT,
    )
    sent = emails(event.id)
    assert list(sent) == ["camille@x.test"]
    subject, text = sent["camille@x.test"]
    assert subject == "Dossier DOS-2026-000042 : Mise en demeure envoyée"
    assert "Acme a 8 jours pour payer." in text and "/dossiers/d-1" in text
