"""The CRM's flows (issue 17) through the screens, over the real platform with the demo data: an agent solicits
two partners, one answers in the portal and the agent sees it arrive without reloading, then "Notifier"
reminds only the other; an agent approves a validation task and the client downloads the PDF; an admin adds a
notification rule and its address receives the email of a client's request. axe-core checks every page.

The file's name makes it run after test_demo_data.py (same session platform): it adds a model, partners' answers
and a rule that the demo data's own count would otherwise see."""

from __future__ import annotations

import io
import os
import re
from datetime import date, timedelta
from decimal import Decimal

import requests
from chromium import Browser
from pypdf import PdfReader
from scenario_helpers import call, ok, recipient
from screens import Screens
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.select import Select
from selenium.webdriver.support.ui import WebDriverWait

from web.demo import dataset
from web.demo.people import BY_KEY, DEMO_ORG

AGENT = BY_KEY["agent"]
CLIENT = BY_KEY["client"]


def agent_headers(platform) -> dict:
    return platform.headers("agent", AGENT.sub, email=AGENT.email, name=AGENT.name)


def client_headers(platform) -> dict:
    return platform.headers("client", CLIENT.sub, org=DEMO_ORG, email=CLIENT.email, name=CLIENT.name)


def works_model(platform) -> dict:
    models = ok(call(platform, "dossier", "GET", "/models", agent_headers(platform)))["items"]
    return next(model for model in models if model["name"] == "Demande de travaux")


# Each request of the partners sub-panel from now on: what triggered it ("live-change": the stream; none: the 5 s
# poll) and whether the page skipped it (a poll while the stream is open).
RECORD_PANEL_REQUESTS = """
window.panelRequests = [];
document.body.addEventListener("htmx:beforeRequest", function (event) {
  if (event.detail.elt.id !== "solicitations") return;
  var triggering = (event.detail.requestConfig || {}).triggeringEvent;
  window.panelRequests.push({trigger: triggering ? triggering.type : "poll", prevented: event.defaultPrevented});
});
"""


def unread_count(screens: Screens) -> int:
    """The number the top bar's bell shows ("6 notifications non lues" to a screen reader; none: 0)."""
    shown = re.match(r"\d+", screens.driver.find_element(By.ID, "unread-count").text.strip())
    return int(shown.group()) if shown else 0


def follow_href(screens: Screens, fragment: str) -> None:
    """Click the link whose address contains ``fragment`` (lists whose links read alike)."""
    link = screens.driver.find_element(By.CSS_SELECTOR, f'a[href*="{fragment}"]')
    page = screens._html()
    link.click()
    screens._arrived(page)


def test_an_agent_solicits_two_partners_sees_an_answer_arrive_without_reloading_and_reminds_only_the_other(
    platform, web, screens
):
    # partners-module.txt: the "Partenaires" sub-panel, the key shown once, answers as they arrive, "Notifier".
    agent = agent_headers(platform)
    title = "Surélévation du garage – 3 impasse des Tilleuls"
    dossier = ok(
        call(
            platform,
            "dossier",
            "POST",
            "/dossiers",
            agent,
            json={
                "model_id": works_model(platform)["id"],
                "title": title,
                "client_sub": CLIENT.sub,
                "client_email": CLIENT.email,
                "assignee_sub": AGENT.sub,  # told in-app of the answer: her unread count moves by itself
                "fields": {"address": "3 impasse des Tilleuls, 69005 Lyon", "works_type": "Extension"},
            },
        )
    )
    ok(call(platform, "dossier", "POST", f"/dossiers/{dossier['id']}/transitions", agent, json={"to": "study"}))
    due = (date.today() + timedelta(days=14)).isoformat()

    screens.sign_in_as(AGENT.name)
    screens.follow("Dossiers")
    screens.fill("Rechercher", "Surélévation du garage")
    screens.press("Filtrer")
    screens.follow("Surélévation du garage")
    assert screens.heading() == title

    # an external partner: the key is on the page this once, with a copy button
    screens.driver.find_element(By.XPATH, "//summary[contains(., 'Solliciter un partenaire')]").click()
    screens.fill("Partenaire", "Julien Moreau")
    screens.fill("Ce qui est demandé", "Un avis")
    screens.fill("Périmètre", "Structure")
    screens.fill_date("Réponse souhaitée le", due)
    screens.fill("Consignes", "Vérifier la charpente existante.")
    screens.press("Solliciter")
    assert "Le partenaire est sollicité." in screens.text()
    key = screens.driver.find_element(By.ID, "new-key-value").text
    assert key and screens.button("Copier la clé")

    # an internal partner (an agent): no key, she answers from the CRM
    screens.driver.find_element(By.XPATH, "//summary[contains(., 'Solliciter un partenaire')]").click()
    screens.fill("Partenaire", "Nadia Rousseau")
    screens.fill("Périmètre", "Juridique")
    screens.fill_date("Réponse souhaitée le", due)
    screens.press("Solliciter")
    assert "2 partenaires n'ont pas encore répondu." in screens.text()
    screens.driver.execute_script("window.stillTheSamePage = true;")
    # the page's live stream is open: from now on the panel is refreshed by the stream, its 5 s poll skipped
    WebDriverWait(screens.driver, 60, poll_frequency=0.5).until(
        lambda driver: driver.execute_script("return document.body.getAttribute('data-live') === 'open';")
    )
    screens.driver.execute_script(RECORD_PANEL_REQUESTS)
    unread_before = unread_count(screens)

    # Julien attaches the dossier with the key and answers, in his own browser
    partner_browser = Browser()
    try:
        julien = Screens(partner_browser, web.url)
        julien.sign_in_as(BY_KEY["external_partner"].name)
        julien.follow("Rattacher un dossier")
        julien.fill("Votre clé", key)
        julien.press("Rattacher")
        assert julien.heading() == title
        julien.choose("Favorable avec réserves")
        julien.fill("Commentaire", "Charpente à renforcer côté nord.")
        julien.press("Envoyer ma réponse")
        assert "Votre réponse est envoyée." in julien.text()
    finally:
        partner_browser.quit()

    # the agent's page shows the answer by itself (the stream tells it; it polls only without one), not reloaded
    WebDriverWait(screens.driver, 30, poll_frequency=0.5).until(
        lambda driver: "Charpente à renforcer côté nord." in driver.find_element(By.ID, "solicitations").text
    )
    assert screens.driver.execute_script("return window.stillTheSamePage === true;")
    WebDriverWait(screens.driver, 30, poll_frequency=0.5).until(lambda driver: unread_count(screens) > unread_before)
    requests_sent = screens.driver.execute_script("return window.panelRequests;")
    assert "live-change" in [request["trigger"] for request in requests_sent if not request["prevented"]]
    assert all(request["prevented"] for request in requests_sent if request["trigger"] != "live-change")
    assert "1 partenaire n'a pas encore répondu." in screens.text()
    assert not screens.browser.axe_violations()
    if os.environ.get("CRM_SCREENSHOT"):  # the README's picture of the dossier page and its partners sub-panel
        screens.browser.fit_window(1280, 2120)  # down to the documents: the workspace has its own picture
        screens.driver.save_screenshot(os.environ["CRM_SCREENSHOT"])

    screens.press("Notifier")
    assert "1 partenaire est relancé." in screens.text()
    solicitations = ok(call(platform, "partner-gateway", "GET", f"/dossiers/{dossier['id']}/solicitations", agent))[
        "items"
    ]
    by_name = {item["partner"]["name"]: item for item in solicitations}
    assert by_name["Julien Moreau"]["state"] == "answered" and by_name["Julien Moreau"]["reminder_count"] == 0
    assert by_name["Nadia Rousseau"]["reminder_count"] == 1 and by_name["Nadia Rousseau"]["reminded_at"]

    def row_text(name: str) -> str:
        # the live stream may be swapping the panel in (the reminder is a change too): read the row once it is there
        try:
            found = screens.driver.find_elements(By.ID, f"solicitation-{by_name[name]['id']}")
            return found[0].text if found else ""
        except StaleElementReferenceException:
            return ""

    WebDriverWait(screens.driver, 30, poll_frequency=0.5).until(
        lambda driver: "Dernière relance le" in row_text("Nadia Rousseau")
    )
    WebDriverWait(screens.driver, 30, poll_frequency=0.5).until(lambda driver: row_text("Julien Moreau"))
    assert "Jamais relancé" in row_text("Julien Moreau")


def test_an_agent_approves_a_validation_task_and_the_client_downloads_the_pdf(platform, screens):
    # attestation-requests.txt: prior validation by the staff; the client gets the PDF once it is approved.
    client = client_headers(platform)
    contracts = ok(call(platform, "attestation", "GET", "/contracts", client))["items"]
    fleet = next(item for item in contracts if item["number"].startswith("FLT-"))
    vehicle = next(
        item for item in fleet["beneficiaries"] if (item.get("attributes") or {}).get("registration") == "FP-117-ZA"
    )
    asked = ok(
        call(
            platform,
            "attestation",
            "POST",
            "/attestation-requests",
            client,
            json={"contract_id": fleet["id"], "beneficiary_id": vehicle["id"], "inputs": {}},
        )
    )

    def the_task():
        tasks = ok(
            call(
                platform,
                "attestation",
                "GET",
                "/validation-tasks",
                agent_headers(platform),
                params={"contract_id": fleet["id"], "state": "open"},
            )
        )["items"]
        return next((task for task in tasks if task["request_id"] == asked["id"]), None)

    task = platform.wait_until(the_task, timeout=120)
    assert task, "the generated attestation waits for validation"

    screens.sign_in_as(AGENT.name)
    screens.follow("Tâches de validation")
    follow_href(screens, f"/crm/validation-tasks/{task['id']}")
    assert fleet["number"] in screens.text()
    assert screens.driver.find_element(By.PARTIAL_LINK_TEXT, "Ouvrir l'attestation générée")
    screens.fill("Commentaire", "Carte grise vérifiée.")
    screens.press("Approuver")
    assert "L'attestation est approuvée" in screens.text()
    screens.press("Se déconnecter")

    screens.sign_in_as(CLIENT.name)
    screens.follow("Mes contrats")
    screens.follow(fleet["number"])
    follow_href(screens, f"/portal/attestation-requests/{asked['id']}")
    screens.wait_for_text("Télécharger le PDF", timeout=60)
    screens.download("Télécharger le PDF")
    pdf = screens.downloaded(".pdf")
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.read_bytes())).pages)
    assert vehicle["attributes"]["make"] in text and fleet["number"] in text, text  # the vehicle, by its make


def test_an_admin_adds_a_notification_rule_and_its_address_receives_the_email_of_a_clients_request(platform, screens):
    # client-portal-requests.txt: the admins choose who is told of the portal's requests.
    screens.sign_in_as(BY_KEY["admin"].name)
    screens.follow("Administration")
    follow_href(screens, "/crm/admin/notifications")
    screens.fill("Nom de la règle", "Travaux : le bureau d'études est prévenu")
    screens.fill("Quand", "dossier.created")
    screens.fill("Seulement pour la catégorie", "works")
    screens.fill("Seulement pour l'origine", "Portail")
    screens.fill("Adresses électroniques", "bureau.etudes@demo.example")
    screens.press("Ajouter la règle")
    assert "La règle « Travaux : le bureau d'études est prévenu » est ajoutée." in screens.text()
    admin = platform.headers("admin", BY_KEY["admin"].sub)
    rules = ok(call(platform, "notification", "GET", "/rules", admin))["items"]
    [rule] = [item for item in rules if item["name"] == "Travaux : le bureau d'études est prévenu"]
    assert rule["filters"]["category"] == "works" and rule["filters"]["origin"] == "portal"
    assert rule["recipients"]["addresses"] == ["bureau.etudes@demo.example"]

    filed = ok(
        call(
            platform,
            "dossier",
            "POST",
            "/requests",
            client_headers(platform),
            json={
                "kind": "dossier",
                "model_id": works_model(platform)["id"],
                "title": "Isolation des combles",
                "fields": {"address": "12 rue des Lilas, 69003 Lyon"},
            },
        )
    )
    emailed = platform.mailbox.wait_for(lambda message: recipient(message) == "bureau.etudes@demo.example", timeout=60)
    assert emailed, f"the rule's address is emailed the client's request {filed['reference']}"


def type_into(screens: Screens, element_id: str, value: str) -> None:
    control = screens.driver.find_element(By.ID, element_id)
    if control.tag_name == "select":
        Select(control).select_by_value(value)
        return
    control.clear()
    control.send_keys(value)


def test_an_admin_draws_a_partner_view_and_walks_the_administration_screens(platform, screens):
    # partners-module.txt: the administrator "draws" the partner view: a portal field the partner reads, a field
    # proper to partners that the partner writes. Then the other administration screens (axe-core on each).
    screens.sign_in_as(BY_KEY["admin"].name)
    screens.follow("Administration")
    screens.follow("Nouveau modèle")
    screens.fill("Nom", "Expertise après sinistre")
    screens.fill("Catégorie", "claims")
    type_into(screens, "field-0-key", "loss_address")
    type_into(screens, "field-0-label", "Adresse du sinistre")
    type_into(screens, "field-0-portal", "write")
    type_into(screens, "field-0-crm", "write")
    type_into(screens, "field-0-partner", "read")
    type_into(screens, "field-0-source", "portal")
    type_into(screens, "pfield-0-key", "expert_findings")
    type_into(screens, "pfield-0-label", "Constat de l'expert")
    type_into(screens, "pfield-0-type", "long_text")
    type_into(screens, "pfield-0-partner", "write")
    type_into(screens, "status-0-code", "open")
    type_into(screens, "status-0-label", "Ouvert")
    screens.driver.find_element(By.ID, "status-0-initial").click()
    type_into(screens, "status-1-code", "expertise")
    type_into(screens, "status-1-label", "Expertise en cours")
    type_into(screens, "transition-0-from", "open")
    type_into(screens, "transition-0-to", "nowhere")
    screens.press("Créer le modèle")
    assert screens.driver.find_element(By.ID, "transitions-errors").text  # the API's error, in its section
    assert screens.driver.find_element(By.ID, "transition-0-to").get_attribute("value") == "nowhere"  # kept
    type_into(screens, "transition-0-to", "expertise")
    click(screens, screens.driver.find_element(By.ID, "c-partners_can_file"))
    screens.press("Créer le modèle")
    assert "Le modèle « Expertise après sinistre » est créé" in screens.text()
    screens.driver.find_element(By.ID, "status-1-partner_visible").click()
    screens.press("Enregistrer une nouvelle version")
    assert "Ce que cette version a changé" in screens.text()
    assert "statuts : expertise modifié" in screens.text()

    admin = platform.headers("admin", BY_KEY["admin"].sub)
    models = ok(call(platform, "dossier", "GET", "/models", admin))["items"]
    [model] = [item for item in models if item["name"] == "Expertise après sinistre"]
    assert model["views"]["partner"] == [
        {"key": "loss_address", "mode": "read", "source": "portal"},
        {"key": "expert_findings", "mode": "write", "source": "partner"},
    ]
    assert model["version"] == 2
    assert model["partners_can_file"] is True  # ticked at creation, kept by the second version

    screens.follow("Modèles de dossier")
    follow_href(screens, "/crm/admin/products")
    screens.follow("Multirisque habitation")
    assert "Attestation pour un évènement" in screens.driver.page_source  # the extranet titles
    follow_href(screens, "/crm/admin/products")
    screens.follow("Attestation évènement temporaire")
    assert "motif" in screens.text()  # an unknown tag, with its label
    follow_href(screens, "/crm/admin/partners")
    assert "Structura Ingénierie" in screens.text()

    # the categories portal requests are classified into: one added at the end of the list
    follow_href(screens, "/crm/admin/categories")
    before = ok(call(platform, "dossier", "GET", "/categories", admin))["items"]
    type_into(screens, f"cat-{len(before)}-code", "claims")
    type_into(screens, f"cat-{len(before)}-label", "Sinistres")
    screens.press("Enregistrer les catégories")
    assert "Les catégories sont enregistrées." in screens.text()
    after = ok(call(platform, "dossier", "GET", "/categories", admin))["items"]
    assert after == [*before, {"code": "claims", "label": "Sinistres"}]
    every_fold_opened_passes_axe(screens)


def click(screens: Screens, element) -> None:
    """Click an element scrolled to the middle of the window (the sticky top bar would cover it at the top)."""
    screens.driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", element)
    element.click()


def open_details(screens: Screens, summary: str) -> None:
    """Open the folded form whose summary reads ``summary``."""
    click(screens, screens.driver.find_element(By.XPATH, f'//summary[contains(., "{summary}")]'))


def set_value(screens: Screens, element_id: str, value: str) -> None:
    """A date or time input takes its value through the DOM: typing depends on the browser's locale."""
    screens.driver.execute_script(
        "const input = document.getElementById(arguments[0]); input.value = arguments[1];"
        "input.dispatchEvent(new Event('change', {bubbles: true}))",
        element_id,
        value,
    )


def error_of(screens: Screens, element_id: str) -> str:
    control = screens.driver.find_element(By.ID, element_id)
    assert control.get_attribute("aria-invalid") == "true", f"#{element_id} is not marked invalid"
    ids = (control.get_attribute("aria-describedby") or "").split()
    return " ".join(screens.driver.find_element(By.ID, name).text for name in ids if name.endswith("error"))


def every_fold_opened_passes_axe(screens: Screens) -> None:
    """axe-core with every folded form open too (they are hidden when the page arrives)."""
    screens.driver.execute_script("document.querySelectorAll('details').forEach(d => { d.open = true; })")
    violations = screens.browser.axe_violations()
    assert not violations, [
        (item["id"], item["help"], [node.get("target") for node in item["nodes"]][:5]) for item in violations
    ]


def test_an_agent_works_the_workspace_a_quote_accepted_time_logged_an_expense_and_an_event_with_its_ics(
    platform, screens
):
    # The dossier's workspace through the dossier page: a quote with its lines (the API's error next to its
    # line first), sent then accepted (it becomes an order), time spent on the order, an expense billed to the
    # client, an appointment with the client and its calendar file.
    agent = agent_headers(platform)
    title = "Ravalement de façade – 9 rue Mercière"
    dossier = ok(
        call(
            platform,
            "dossier",
            "POST",
            "/dossiers",
            agent,
            json={
                "model_id": works_model(platform)["id"],
                "title": title,
                "client_sub": CLIENT.sub,
                "client_email": CLIENT.email,
                "client_name": CLIENT.name,
                "fields": {"address": "9 rue Mercière, 69002 Lyon", "works_type": "Extension"},
            },
        )
    )
    base = f"/dossiers/{dossier['id']}"
    screens.sign_in_as(AGENT.name)
    screens.open(f"/crm{base}")
    assert "Aucun devis pour l'instant." in screens.text()
    every_fold_opened_passes_axe(screens)

    screens.open(f"/crm{base}")
    open_details(screens, "Rédiger un devis")
    type_into(screens, "quote-title", "Ravalement")
    type_into(screens, "quote-line-0-label", "Échafaudage")
    type_into(screens, "quote-line-0-quantity", "1")
    type_into(screens, "quote-line-0-unit_price", "1 200,00")
    type_into(screens, "quote-line-0-vat_rate", "7")
    type_into(screens, "quote-line-1-label", "Enduit")
    type_into(screens, "quote-line-1-quantity", "85")
    type_into(screens, "quote-line-1-unit", "m²")
    type_into(screens, "quote-line-1-unit_price", "32,50")
    screens.press("Enregistrer le brouillon de devis")
    assert "Taux de TVA non utilisé ici" in error_of(screens, "quote-line-0-vat_rate")  # the API's, at its line
    assert screens.driver.find_element(By.ID, "quote-line-1-label").get_attribute("value") == "Enduit"  # kept
    assert not ok(call(platform, "dossier", "GET", f"{base}/quotes", agent))["items"]  # nothing written
    type_into(screens, "quote-line-0-vat_rate", "20")
    screens.press("Enregistrer le brouillon de devis")
    assert "Le brouillon de devis est enregistré" in screens.text()
    [quote] = ok(call(platform, "dossier", "GET", f"{base}/quotes", agent))["items"]
    assert quote["total"] == "4755.00" and [line["unit_price"] for line in quote["lines"]] == ["1200.00", "32.50"]

    screens.press("Envoyer", within=screens.part(f"#item-{quote['id']}"))
    sent = ok(call(platform, "dossier", "GET", f"/quotes/{quote['id']}", agent))
    assert sent["status"] == "sent" and sent["number"] in screens.part(f"#item-{quote['id']}").text
    screens.press("Accepté par le client", within=screens.part(f"#item-{quote['id']}"))
    [order] = ok(call(platform, "dossier", "GET", f"{base}/orders", agent))["items"]
    assert f"la commande {order['number']} est ouverte" in screens.text()
    assert order["source_id"] == quote["id"] and order["total"] == "4755.00"

    open_details(screens, "Saisir du temps passé")
    type_into(screens, "activity-order", order["id"])
    type_into(screens, "activity-duration", "1:30")
    type_into(screens, "activity-description", "Relevé des fissures")
    screens.press("Enregistrer le temps")
    assert "Le temps passé est enregistré." in screens.text()
    totals = screens.driver.find_element(By.ID, "activity-totals").text
    assert order["number"] in totals and "1 h 30" in totals
    assert ok(call(platform, "dossier", "GET", f"{base}/activity-totals", agent))["minutes"] == 90

    open_details(screens, "Enregistrer une dépense")
    type_into(screens, "expense-label", "Déplacement Lyon – Villeurbanne")
    type_into(screens, "expense-amount", "42,00")
    click(screens, screens.driver.find_element(By.ID, "expense-billable"))
    screens.press("Enregistrer la dépense")
    assert "La dépense « Déplacement Lyon – Villeurbanne » est enregistrée" in screens.text()
    [expense] = ok(call(platform, "dossier", "GET", f"{base}/expenses", agent))["items"]
    assert expense["amount"] == "42.00" and expense["billable"] is True and expense["total"] == "50.40"

    day = (date.today() + timedelta(days=7)).isoformat()
    open_details(screens, "Planifier un évènement")
    type_into(screens, "event-title", "Visite de la façade")
    set_value(screens, "event-starts_at", f"{day}T14:00")
    set_value(screens, "event-ends_at", f"{day}T15:00")
    type_into(screens, "event-location", "9 rue Mercière, Lyon")
    click(screens, screens.field(f"{CLIENT.name} (client)"))
    screens.press("Planifier")
    assert "« Visite de la façade » est planifié" in screens.text()
    [event] = ok(call(platform, "dossier", "GET", f"{base}/events", agent))["items"]
    assert [item["sub"] for item in event["attendees"]] == [CLIENT.sub] and event["timezone"] == "Europe/Paris"
    screens.download("Ajouter à mon agenda (.ics)")
    ics = screens.downloaded(".ics").read_text()
    assert "BEGIN:VCALENDAR" in ics and "Visite de la façade" in ics and "TZID=Europe/Paris" in ics

    # The event moved (PATCH /events/{id}): another time and place, its sequence bumped.
    open_details(screens, "Déplacer l’évènement")
    set_value(screens, f"move-{event['id']}-starts_at", f"{day}T16:00")
    set_value(screens, f"move-{event['id']}-ends_at", f"{day}T17:00")
    type_into(screens, f"move-{event['id']}-location", "Mairie du 2e, Lyon")
    screens.press("Le déplacer")
    assert "« Visite de la façade » est déplacé" in screens.text()
    moved = ok(call(platform, "dossier", "GET", f"/events/{event['id']}", agent))
    assert moved["location"] == "Mairie du 2e, Lyon" and moved["sequence"] > event["sequence"]
    assert moved["starts_at"] != event["starts_at"]

    # Some lines of the order invoiced, the invoice issued, then corrected by a credit note of one line.
    order_line = order["lines"][1]  # the plaster: 85 m²
    open_details(screens, "Facturer certaines lignes seulement")
    type_into(screens, f"pick-{order['id']}-{order_line['id']}", "40")
    screens.press("Facturer ces lignes")
    [invoice] = ok(call(platform, "dossier", "GET", f"{base}/invoices", agent))["items"]
    assert [(line["label"], Decimal(line["quantity"])) for line in invoice["lines"]] == [("Enduit", Decimal(40))]
    every_fold_opened_passes_axe(screens)  # the draft invoice's edit form and the order's forms open
    screens.open(f"/crm{base}")
    screens.press("Émettre", within=screens.part(f"#item-{invoice['id']}"))
    invoice_line = invoice["lines"][0]
    open_details(screens, "Émettre un avoir")
    type_into(screens, f"credit-{invoice['id']}-reason", "Surface remesurée")
    type_into(screens, f"credit-{invoice['id']}-{invoice_line['id']}", "5")
    screens.press("Émettre l’avoir")
    [credit] = ok(call(platform, "dossier", "GET", f"{base}/credit-notes", agent))["items"]
    assert f"L’avoir {credit['number']} est émis" in screens.text() and Decimal(credit["lines"][0]["quantity"]) == 5

    # The order's PDF: made by the documents service (real LibreOffice), filed under the dossier, then linked.
    item = f"#item-{order['id']}"
    screens.press("Faire le PDF", within=screens.part(item))
    assert order["number"] in screens.text()

    def pdf_link(_driver):
        screens.open(f"/crm{base}")
        links = screens.part(item).find_elements(By.CSS_SELECTOR, "a.pdf-link")
        return links[0] if links else False

    link = WebDriverWait(screens.driver, 180, poll_frequency=3).until(pdf_link)
    filed = ok(call(platform, "dossier", "GET", f"/orders/{order['id']}", agent))["pdf_document_id"]
    assert filed and filed in link.get_attribute("href")
    click(screens, link)
    pdf = PdfReader(io.BytesIO(screens.downloaded(".pdf", timeout=60).read_bytes()))
    assert order["number"] in "".join(page.extract_text() for page in pdf.pages)

    # My calendar, staff side: the address shown once, the moved event in the feed a calendar application reads.
    screens.open("/crm/dossiers")
    screens.follow("Mon agenda")
    screens.press("Créer mon adresse d’agenda")
    feed = requests.get(screens.part("#feed-url-value").text, timeout=30)
    assert feed.status_code == 200 and "Visite de la façade" in feed.text
    if os.environ.get("CRM_WORKSPACE_SCREENSHOT"):  # the README's picture of a dossier's quotes, orders, invoices
        screens.browser.fit_window(1280, 4000)
        screens.driver.find_element(By.ID, "finance").screenshot(os.environ["CRM_WORKSPACE_SCREENSHOT"])
    every_fold_opened_passes_axe(screens)  # the page with every kind of item, and each item's forms


def test_an_admin_attaches_two_templates_to_a_product_and_a_client_chooses_by_extranet_title(platform, screens):
    # attestation-requests.txt: the admin chooses the templates of a product and the titles clients read in the
    # extranet; the client then asks for one by that title and gets its PDF.
    admin = platform.headers("admin", BY_KEY["admin"].sub)
    templates = ok(call(platform, "documents", "GET", "/templates", admin, params={"limit": 100}))["items"]
    by_name = {item["name"]: item for item in templates}
    home, event = by_name["Attestation habitation"], by_name["Attestation évènement temporaire"]
    code = f"PNO-{date.today():%m%d}"
    home_title, event_title = "Attestation propriétaire non occupant", "Attestation pour une manifestation"

    screens.sign_in_as(BY_KEY["admin"].name)
    screens.follow("Administration")
    follow_href(screens, "/crm/admin/products")
    type_into(screens, "i-product-code", code)
    type_into(screens, "i-product-name", "Propriétaire non occupant")
    screens.press("Créer le produit")
    assert screens.heading() == "Propriétaire non occupant"
    for template, extranet_title in ((home, home_title), (event, event_title)):
        click(screens, screens.driver.find_element(By.ID, f"offer-{template['id']}"))
        type_into(screens, f"title-{template['id']}", extranet_title)
    screens.press("Enregistrer les attestations")
    products = ok(call(platform, "attestation", "GET", "/products", admin, params={"limit": 100}))["items"]
    [product] = [item for item in products if item["code"] == code]
    assert {item["template_id"]: item["extranet_title"] for item in product["templates"]} == {
        home["id"]: home_title,
        event["id"]: event_title,
    }
    screens.press("Se déconnecter")

    # the contract comes from the insurance system (the API); the client then asks from the extranet
    today = date.today()
    number = f"PNO-{today.year}-{today:%m%d}01"
    ok(
        call(
            platform,
            "attestation",
            "POST",
            "/contracts",
            agent_headers(platform),
            json={
                "number": number,
                "product_id": product["id"],
                "status": "in_force",
                "start_date": date(today.year, 1, 1).isoformat(),
                "end_date": date(today.year, 12, 31).isoformat(),
                "owner_sub": CLIENT.sub,
                "owner_email": CLIENT.email,
                "owner_name": CLIENT.name,
                "beneficiaries": [{"kind": "building", "address": "4 quai Saint-Vincent, 69001 Lyon"}],
                "receipts": dataset.receipts(today, current_paid=True),
            },
        )
    )
    screens.sign_in_as(CLIENT.name)
    screens.follow("Mes contrats")
    screens.follow(number)
    screens.follow("Demander une attestation")
    offered = screens.text()
    assert home_title in offered and event_title in offered
    assert "Attestation habitation" not in offered  # the client reads the extranet titles, not the template names
    screens.choose(home_title)
    screens.press("Envoyer la demande")
    screens.wait_for_text("Votre attestation est prête.", timeout=120)
    screens.download("Télécharger le PDF")
    pdf = screens.downloaded(".pdf")
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.read_bytes())).pages)
    assert number in text and "habitation" in text, text  # the template chosen by its extranet title
