"""What the pages do with the APIs' answers: the person's own token on every call, concurrent calls, API
errors next to the fields they name, a service that is down, an expired session, the languages."""

from __future__ import annotations

import re

from fake_apis import problem
from helpers import csrf_token, make_settings, sign_in

from web.app import create_app

DOSSIER_ID = "d-1"
DOSSIER = {
    "id": DOSSIER_ID,
    "reference": "DOS-2026-000042",
    "title": "Rénovation de la toiture",
    "status": "study",
    "status_label": "Étude technique",
    "origin": "portal",
    "closed": False,
    "client_reference": None,
    "model_id": "m-1",
    "model_version": 1,
    "description": "Infiltrations.",
    "assignee_email": "claire.martin@demo.example",
    "created_at": "2026-11-20T10:00:00Z",
    "fields": {"address": "12 rue des Lilas", "budget": 18500},
    "field_modes": {"address": "write", "budget": "read"},
    "important_developments": [],
}
MODEL = {
    "id": "m-1",
    "fields": [
        {"key": "address", "label": "Adresse du chantier", "type": "text", "required": True},
        {"key": "budget", "label": "Budget prévisionnel", "type": "amount", "financial": True},
    ],
}


def script_dossier_page(apis, delay: float = 0.0):
    apis.answer("dossier", "GET", f"/dossiers/{DOSSIER_ID}", body=DOSSIER, delay=delay)
    apis.answer("dossier", "GET", f"/dossiers/{DOSSIER_ID}/notes", body={"items": [], "next_cursor": None}, delay=delay)
    apis.answer(
        "dossier", "GET", f"/dossiers/{DOSSIER_ID}/timeline", body={"items": [], "next_cursor": None}, delay=delay
    )
    apis.answer("documents", "GET", "/documents", body={"items": [], "next_cursor": None}, delay=delay)
    apis.answer("partner-gateway", "GET", f"/dossiers/{DOSSIER_ID}/contributors", 404, problem(404, "Not Found"))
    apis.answer("dossier", "GET", "/models/m-1", body=MODEL)


def test_every_call_carries_the_signed_in_persons_own_token(client, apis):
    sign_in(client, "client")
    with client.session_transaction() as session:
        token = session["person"]["token"]
    apis.answer("dossier", "GET", "/dossiers", body={"items": [], "next_cursor": None})
    assert client.get("/portal/dossiers").status_code == 200
    [call] = apis.calls("dossier", "GET", "/dossiers")
    assert call.headers["Authorization"] == f"Bearer {token}"


def test_the_independent_calls_of_a_page_run_concurrently(client, apis):
    sign_in(client, "client")
    script_dossier_page(apis, delay=0.2)
    response = client.get(f"/portal/dossiers/{DOSSIER_ID}")
    assert response.status_code == 200
    assert apis.max_in_flight >= 4  # dossier, notes, timeline, documents (and contributors) at once
    assert "total;dur=" in response.headers["Server-Timing"] and "api;dur=" in response.headers["Server-Timing"]


def test_labels_come_from_the_model_and_portal_requests_are_marked(client, apis):
    sign_in(client, "client")
    script_dossier_page(apis)
    page = client.get(f"/portal/dossiers/{DOSSIER_ID}").get_data(as_text=True)
    assert "Adresse du chantier" in page and "Demande du portail" in page
    assert "18\u202f500,00\xa0€" in page or "18 500,00 €" in page  # amounts in the person's language


def test_an_api_error_is_shown_next_to_the_field_it_names(client, apis):
    sign_in(client, "client")
    script_dossier_page(apis)
    apis.answer(
        "dossier",
        "PATCH",
        f"/dossiers/{DOSSIER_ID}",
        422,
        problem(
            422,
            "Unprocessable Entity",
            "Some fields cannot be written: address",
            errors={"fields": {"address": ["is required"]}},
        ),
    )
    token = csrf_token(client, f"/portal/dossiers/{DOSSIER_ID}")
    response = client.post(
        f"/portal/dossiers/{DOSSIER_ID}/details",
        data={"csrf_token": token, "field-address": "  ", "client_reference": "MINE"},
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    field = re.search(r'<input id="f-address"[^>]*>', page).group(0)
    assert 'aria-invalid="true"' in field and 'aria-describedby="f-address-error"' in field
    error = re.search(r'<p class="field-error" id="f-address-error">.*?</p>', page, re.S).group(0)
    assert "Ce champ est obligatoire." in error
    [patch] = apis.calls("dossier", "PATCH")
    assert b'"client_reference": "MINE"' in patch.body


def test_letters_in_a_number_field_are_refused_before_any_call(client, apis):
    sign_in(client, "client")
    script_dossier_page(apis)
    apis.answer(
        "dossier",
        "GET",
        f"/dossiers/{DOSSIER_ID}",
        body={**DOSSIER, "field_modes": {"address": "write", "budget": "write"}},
    )
    token = csrf_token(client, f"/portal/dossiers/{DOSSIER_ID}")
    response = client.post(
        f"/portal/dossiers/{DOSSIER_ID}/details",
        data={"csrf_token": token, "field-address": "12 rue des Lilas", "field-budget": "beaucoup"},
    )
    assert response.status_code == 422 and "Saisissez un montant" in response.get_data(as_text=True)
    assert apis.calls("dossier", "PATCH") == []


def test_a_closed_dossier_says_so_instead_of_saving(client, apis):
    sign_in(client, "client")
    script_dossier_page(apis)
    apis.answer(
        "dossier", "POST", f"/dossiers/{DOSSIER_ID}/notes", 409, problem(409, "Conflict", "The dossier is closed.")
    )
    token = csrf_token(client, f"/portal/dossiers/{DOSSIER_ID}")
    response = client.post(f"/portal/dossiers/{DOSSIER_ID}/notes", data={"csrf_token": token, "body": "Bonjour"})
    assert response.status_code == 409
    assert "Le dossier est clôturé : aucun message ne peut plus être ajouté." in response.get_data(as_text=True)


def test_a_service_that_is_down_gives_a_clear_503_page(apis):
    settings = make_settings(apis, dossier_url="http://127.0.0.1:9")  # nothing listens on the discard port
    client = create_app(settings, {"TESTING": True}).test_client()
    sign_in(client, "client")
    response = client.get("/portal/dossiers")
    page = response.get_data(as_text=True)
    assert response.status_code == 503
    assert "Service momentanément indisponible" in page and "(dossier)" in page
    assert "Traceback" not in page and "ConnectionError" not in page


def test_a_service_answering_503_gives_the_same_page(client, apis):
    sign_in(client, "client")
    apis.answer("attestation", "GET", "/contracts", 503, problem(503, "Service Unavailable"))
    assert client.get("/portal/contracts").status_code == 503


def test_a_token_the_apis_no_longer_accept_sends_back_to_the_sign_in_page(client, apis):
    sign_in(client, "client")
    apis.answer("dossier", "GET", "/dossiers", 401, problem(401, "Unauthorized", "The token has expired."))
    response = client.get("/portal/dossiers")
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]
    with client.session_transaction() as session:
        assert "person" not in session


def test_something_not_visible_is_a_plain_not_found(client, apis):
    sign_in(client, "client")
    apis.answer("dossier", "GET", "/dossiers/other", 404, problem(404, "Not Found", "No such dossier."))
    for path in ("/notes", "/timeline", "/contributors"):
        apis.answer("dossier", "GET", f"/dossiers/other{path}", 404, problem(404, "Not Found"))
    apis.answer("documents", "GET", "/documents", body={"items": [], "next_cursor": None})
    response = client.get("/portal/dossiers/other")
    assert response.status_code == 404
    assert "n&#39;existe pas ou ne vous est pas accessible" in response.get_data(as_text=True)


def test_the_key_lock_out_says_how_long_to_wait(client, apis):
    sign_in(client, "external_partner")
    apis.answer(
        "partner-gateway", "POST", "/attach", 429, problem(429, "Too Many Requests"), headers={"Retry-After": "540"}
    )
    token = csrf_token(client, "/portal/attach")
    response = client.post("/portal/attach", data={"csrf_token": token, "key": "7KQ2-M9XD"})
    assert response.status_code == 422
    assert "réessayez dans 9 minutes" in response.get_data(as_text=True)


def test_a_key_is_sent_as_typed_and_opens_the_dossier_it_belongs_to(client, apis):
    sign_in(client, "external_partner")
    apis.answer("partner-gateway", "POST", "/attach", body={"kind": "solicitation", "id": "s-1", "dossier_id": "d-9"})
    token = csrf_token(client, "/portal/attach")
    response = client.post("/portal/attach", data={"csrf_token": token, "key": "7kq2 m9xd"})
    assert response.status_code == 302 and response.headers["Location"] == "/portal/partner/dossiers/d-9"
    [attach] = apis.calls("partner-gateway", "POST", "/attach")
    assert attach.body == b'{"key": "7kq2 m9xd"}'  # the gateway forgives the typing, not the web application


def test_french_by_default_english_from_the_browser_and_from_the_switch(client, apis):
    assert "Connexion à la plateforme dossiers" in client.get("/sign-in").get_data(as_text=True)
    english = client.get("/sign-in", headers={"Accept-Language": "en-GB,en;q=0.8"}).get_data(as_text=True)
    assert "Sign in to the dossier platform" in english and '<html lang="en">' in english
    token = csrf_token(client)
    client.post("/language", data={"csrf_token": token, "language": "en", "next": "/sign-in"})
    assert "Sign in to the dossier platform" in client.get("/sign-in").get_data(as_text=True)
    sign_in(client, "client")  # the choice survives signing in
    apis.answer("dossier", "GET", "/dossiers", body={"items": [], "next_cursor": None})
    assert "My dossiers" in client.get("/portal/dossiers").get_data(as_text=True)


def test_pages_forbid_framing_inline_scripts_and_caching(client):
    response = client.get("/sign-in")
    policy = response.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in policy and "script-src 'self'" in policy and "unsafe-inline" not in policy
    assert response.headers["Cache-Control"] == "no-store"
    assert "<script>" not in response.get_data(as_text=True)


def test_opening_a_notification_marks_it_read_and_follows_its_link_inside_the_application(client, apis):
    sign_in(client, "client")
    read = {"id": "n-1", "title": "Dossier DOS-1 : Étude technique", "read": True}
    apis.answer(
        "notification",
        "POST",
        "/notifications/n-1/read",
        body={**read, "link": "http://127.0.0.1:8000/portal/dossiers/d-1"},
    )
    apis.answer("notification", "POST", "/notifications/n-2/read", body={**read, "link": "https://elsewhere.example/x"})
    token = csrf_token(client, "/no-such-page")
    inside = client.post("/portal/notifications/n-1/read", data={"csrf_token": token})
    assert inside.headers["Location"] == "/portal/dossiers/d-1"
    outside = client.post("/portal/notifications/n-2/read", data={"csrf_token": token})
    assert outside.headers["Location"] == "/portal/notifications"  # never sent to another site
    assert len(apis.calls("notification", "POST")) == 2


def test_the_unread_count_is_loaded_after_the_page(client, apis):
    sign_in(client, "client")
    apis.answer("notification", "GET", "/notifications/unread-count", body={"unread_count": 3})
    badge = client.get("/portal/notifications/badge").get_data(as_text=True)
    assert ">3<" in badge and "notifications non lues" in badge
