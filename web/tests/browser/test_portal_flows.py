"""One test per flow of the source documents, done through the screens alone (Chromium + Selenium), over the
real platform with the demo data: what the person does, then what the platform's own APIs show of it."""

from __future__ import annotations

import io
import re

import requests
from pypdf import PdfReader
from scenario_helpers import KEY_PATTERN, call, ok, recipient, text_of

from web.demo.people import BY_KEY

AGENT = BY_KEY["agent"]


def agent_headers(platform) -> dict:
    return platform.headers("agent", AGENT.sub, email=AGENT.email, name=AGENT.name)


def find_dossier(platform, title: str) -> dict:
    [found] = [
        item
        for item in ok(call(platform, "dossier", "GET", "/dossiers", agent_headers(platform), params={"q": title}))[
            "items"
        ]
        if item["title"] == title
    ]
    return found


def a_pdf(tmp_path, name: str, text: str):
    path = tmp_path / name
    path.write_bytes(b"%PDF-1.4\n% " + text.encode() + b"\n%%EOF\n")
    return path


def test_a_partner_attaches_a_dossier_with_the_emailed_key_and_the_agent_sees_the_opinion_and_its_file(
    platform, screens, tmp_path
):
    # partners-module.txt: the key arrives by email; "Rattacher un dossier", typed loosely; an opinion with a
    # comment and a supporting file; the agent sees the answer as it arrives.
    julien = BY_KEY["external_partner"]
    [invitation] = platform.mailbox.wait_for(
        lambda message: recipient(message) == julien.email and "Extension de l'atelier" in text_of(message)
    )
    [key] = KEY_PATTERN.findall(text_of(invitation))
    typed = key.lower().replace("-", " ")  # typing is forgiven as the API does: case, spaces, dashes

    screens.sign_in_as(julien.name)
    screens.follow("Rattacher un dossier")
    screens.fill("Votre clé", typed)
    screens.press("Rattacher")
    assert "Le dossier est rattaché à votre compte." in screens.text()
    assert screens.heading() == "Extension de l'atelier"

    screens.choose("Favorable avec réserves")
    screens.fill("Commentaire", "Fondations superficielles possibles après étude de sol.")
    screens.attach_file("Justificatif", a_pdf(tmp_path, "etude-de-sol.pdf", "soil study"))
    screens.press("Envoyer ma réponse")
    assert "Votre réponse est envoyée." in screens.text()
    assert "Votre réponse a été envoyée le" in screens.text()

    dossier = find_dossier(platform, "Extension de l'atelier")
    solicitations = ok(
        call(platform, "partner-gateway", "GET", f"/dossiers/{dossier['id']}/solicitations", agent_headers(platform))
    )["items"]
    [answered] = [item for item in solicitations if item["state"] == "answered"]
    [submitted] = [answer for answer in answered["answers"] if answer["submitted"]]
    assert submitted["verdict"] == "reserved"
    assert submitted["comment"] == "Fondations superficielles possibles après étude de sol."
    content = call(
        platform, "documents", "GET", f"/documents/{submitted['document_id']}/content", agent_headers(platform)
    )
    assert content.status_code == 200 and b"soil study" in content.content


def test_a_client_requests_an_attestation_by_extranet_title_and_downloads_the_pdf_of_her_contract(platform, screens):
    # attestation-requests.txt: the button on the contract's Documents tab, the choice by extranet title, the
    # input fields with their labels and defaults, the PDF to download at once.
    screens.sign_in_as(BY_KEY["client"].name)
    screens.follow("Mes contrats")
    number = next(re.finditer(r"MRH-\d{4}-000142", screens.text())).group(0)
    screens.follow(number)
    screens.follow("Demander une attestation")
    screens.choose("Attestation pour un évènement")
    assert screens.field("Lieu").get_attribute("value") == "Au domicile assuré"  # the default, editable
    screens.press("Envoyer la demande")
    assert "obligatoire" in screens.error_next_to("Motif de l'évènement")

    screens.choose("Attestation pour un évènement")
    screens.fill("Motif de l'évènement", "Fête des voisins")
    screens.fill("Date de début", "14/06/2026")
    screens.fill("Date de fin", "15/06/2026")
    screens.press("Envoyer la demande")
    screens.wait_for_text("Votre attestation est prête.", timeout=120)
    screens.download("Télécharger le PDF")
    pdf = screens.downloaded(".pdf")
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.read_bytes())).pages)
    assert number in text and "Fête des voisins" in text, text


def test_a_contributor_provides_the_piece_of_his_role_and_the_agent_sees_it_arrive(platform, screens, tmp_path):
    # multi-recipient-procedures.txt: the contributor sees only the pieces of his role, what is missing, and
    # uploads one.
    thomas = BY_KEY["contributor"]
    screens.sign_in_as(thomas.name)
    screens.follow("Pièces à fournir")
    assert "Pièce d'identité du garant" in screens.text()
    assert "Pièce d'identité du colocataire" not in screens.text()  # another role's piece
    assert "1 pièce obligatoire manque encore." in screens.text()
    screens.attach_file("Fichier pour « Dernier avis d'imposition »", a_pdf(tmp_path, "avis-imposition.pdf", "tax"))
    screens.press("Envoyer", within=screens.part("#piece-guarantor_tax"))
    assert "« Dernier avis d'imposition » est fournie." in screens.text()
    assert "Toutes les pièces obligatoires sont fournies." in screens.text()

    dossier = find_dossier(platform, "Location – 8 avenue Foch, appartement 3")

    def piece_on_timeline():
        entries = ok(call(platform, "dossier", "GET", f"/dossiers/{dossier['id']}/timeline", agent_headers(platform)))[
            "items"
        ]
        return [entry for entry in entries if entry["kind"] == "piece" and "guarantor_tax" in entry["summary"]]

    assert platform.wait_until(piece_on_timeline, timeout=30)
    names = {
        item["filename"]
        for item in ok(
            call(
                platform,
                "documents",
                "GET",
                "/documents",
                agent_headers(platform),
                params={"owner_type": "dossier", "owner_id": dossier["id"]},
            )
        )["items"]
    }
    assert "avis-imposition.pdf" in names


def test_a_client_files_a_portal_request_that_reaches_the_team_marked_as_from_the_portal(platform, screens):
    # client-portal-requests.txt: the request from the portal, an error shown next to its field, then the
    # dossier marked as a portal request and the people the admins chose emailed.
    screens.sign_in_as(BY_KEY["client"].name)
    screens.follow("Nouvelle demande")
    screens.follow("Commencer une demande")
    screens.fill("Titre", "Remplacement des fenêtres du salon")
    screens.fill("Description", "Six fenêtres en simple vitrage à remplacer avant l'hiver.")
    screens.fill("Nature des travaux", "Rénovation")
    screens.press("Envoyer la demande")
    assert "obligatoire" in screens.error_next_to("Adresse du chantier")  # the API's 422, next to its field

    screens.fill("Adresse du chantier", "12 rue des Lilas, 69003 Lyon")
    screens.fill_date("Début souhaité", "2027-03-01")
    screens.press("Envoyer la demande")
    assert "est déposée. Notre équipe en est informée." in screens.text()
    assert screens.heading() == "Remplacement des fenêtres du salon"
    assert "Demande du portail" in screens.text()

    dossier = find_dossier(platform, "Remplacement des fenêtres du salon")
    assert dossier["origin"] == "portal" and dossier["category"] == "works"
    emailed = platform.mailbox.wait_for(
        lambda message: recipient(message) == AGENT.email and dossier["reference"] in str(message["Subject"])
    )
    assert emailed, "the contact of the portal_requests group is emailed"


def test_a_participant_writes_on_the_dossier_and_the_client_reads_the_message(platform, screens, tmp_path):
    # dossier-workspace.txt: participants see what clients see (no financial item), exchange with the other
    # actors of the dossier and upload documents.
    lea = BY_KEY["participant"]
    screens.sign_in_as(lea.name)
    screens.follow("Rénovation de la toiture")
    assert "Infiltrations au dernier étage" in screens.text()
    assert "Budget" not in screens.text()  # a financial field: never shown to participants
    screens.fill("Message", "Le couvreur passera jeudi à 8 h.")
    screens.press("Envoyer")
    assert "Votre message est envoyé." in screens.text()
    screens.attach_file("Fichier", a_pdf(tmp_path, "planning-couverture.pdf", "planning"))
    screens.press("Ajouter le fichier")
    assert "« planning-couverture.pdf » est ajouté au dossier." in screens.text()
    screens.press("Se déconnecter")

    screens.sign_in_as(BY_KEY["client"].name)
    screens.follow("Rénovation de la toiture")
    assert "Le couvreur passera jeudi à 8 h." in screens.text()
    assert "Léa Garnier" in screens.text()
    # A participant's upload is visible to the client side by default (the documents service's rule, issue 13).
    dossier = find_dossier(platform, "Rénovation de la toiture – 12 rue des Lilas")
    staff_sees = ok(
        call(
            platform,
            "documents",
            "GET",
            "/documents",
            agent_headers(platform),
            params={"owner_type": "dossier", "owner_id": dossier["id"]},
        )
    )["items"]
    assert "planning-couverture.pdf" in {item["filename"] for item in staff_sees}
    assert "planning-couverture.pdf" in screens.text()


def test_a_participant_sees_the_dossiers_workspace_without_its_financial_items_and_the_client_with_them(
    platform, screens
):
    # dossier-workspace.txt: participants see the events, billed expenses, time spent and the participants'
    # names (the partner-gateway's workspace), never quotes, orders or invoices; the client sees those too.
    lea, client = BY_KEY["participant"], BY_KEY["client"]
    agent = agent_headers(platform)
    dossier = find_dossier(platform, "Rénovation de la toiture – 12 rue des Lilas")
    base = f"/dossiers/{dossier['id']}"
    line = {"label": "Reprise des tuiles", "quantity": "1", "unit": "", "unit_price": "900.00", "vat_rate": "20"}
    quote = ok(call(platform, "dossier", "POST", f"{base}/quotes", agent, json={"title": "Toiture", "lines": [line]}))
    ok(call(platform, "dossier", "POST", f"/quotes/{quote['id']}/transitions", agent, json={"to": "sent"}))
    accepted = ok(
        call(platform, "dossier", "POST", f"/quotes/{quote['id']}/transitions", agent, json={"to": "accepted"})
    )
    order = accepted["order"]
    activity = {"order_id": order["id"], "worked_on": "2026-12-01", "minutes": 75, "description": "Métré de la toiture"}
    ok(call(platform, "dossier", "POST", f"{base}/activities", agent, json=activity))
    expense = {
        "spent_on": "2026-12-01",
        "label": "Location de nacelle",
        "category": "purchase",
        "amount": "150.00",
        "vat_rate": "20",
        "currency": "EUR",
        "billable": True,
    }
    ok(call(platform, "dossier", "POST", f"{base}/expenses", agent, json=expense))
    event = {
        "kind": "meeting",
        "title": "Réunion de chantier toiture",
        "starts_at": "2026-12-20T09:00:00",
        "ends_at": "2026-12-20T10:00:00",
        "timezone": "Europe/Paris",
        "location": "12 rue des Lilas",
        "attendees": [{"sub": lea.sub}, {"sub": client.sub}],
    }
    ok(call(platform, "dossier", "POST", f"{base}/events", agent, json=event))

    screens.sign_in_as(lea.name)
    screens.follow("Rénovation de la toiture")
    seen = screens.text()
    assert "Réunion de chantier toiture" in seen and "Location de nacelle" in seen and "180,00" in seen
    assert "1 h 15" in seen and "Métré de la toiture" in seen and "Léa Garnier" in seen
    assert quote["id"] not in screens.driver.page_source and order["number"] not in seen  # nothing financial
    screens.press("Se déconnecter")

    screens.sign_in_as(client.name)
    screens.follow("Rénovation de la toiture")
    seen = screens.text()
    assert order["number"] in seen and "Réunion de chantier toiture" in seen and "Location de nacelle" in seen
    assert "Ajouter à mon agenda (.ics)" in seen

    # My calendar: the secret address shown once, which a calendar application reads without any token; renewed,
    # the previous one stops at once.
    screens.follow("Mes dossiers")
    screens.follow("Mon agenda")
    screens.press("Créer mon adresse d’agenda")
    first = screens.part("#feed-url-value").text
    feed = requests.get(first, timeout=30)
    assert feed.status_code == 200 and feed.headers["Content-Type"].startswith("text/calendar")
    assert "Réunion de chantier toiture" in feed.text
    screens.press("Renouveler mon adresse")
    second = screens.part("#feed-url-value").text
    assert second != first and requests.get(first, timeout=30).status_code == 404
    assert requests.get(second, timeout=30).status_code == 200


def test_a_vehicle_attestation_is_chosen_by_beneficiary_and_sent_for_validation(platform, screens):
    # attestation-requests.txt: a beneficiary chosen offers only the beneficiary templates (one here: no
    # choice, no title); with prior validation the client reads that the request went to the services.
    screens.sign_in_as(BY_KEY["colleague"].name)  # the company's contract: a colleague may ask too
    screens.follow("Mes contrats")
    number = next(re.finditer(r"FLT-\d{4}-000021", screens.text())).group(0)
    screens.follow(number)
    screens.follow("Demander une attestation")
    assert "Quelle attestation" not in screens.text()  # a single template for vehicles: nothing to choose
    screens.choose("GH-482-KT")
    screens.press("Envoyer la demande")
    screens.wait_for_text("transmise à nos services pour validation", timeout=120)

    agent = agent_headers(platform)
    contracts = ok(call(platform, "attestation", "GET", "/contracts", agent, params={"number": number}))["items"]
    tasks = ok(
        call(platform, "attestation", "GET", "/validation-tasks", agent, params={"contract_id": contracts[0]["id"]})
    )["items"]
    assert [task["state"] for task in tasks] == ["open"]
