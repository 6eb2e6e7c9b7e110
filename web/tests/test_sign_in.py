"""Signing in (development demo people), the session cookie, CSRF, signing out, production's refusals."""

from __future__ import annotations

import pytest
from helpers import PRODUCTION, csrf_token, make_settings, sign_in

from platform_shared.auth import TokenVerifier
from web.app import create_app
from web.config import ConfigError, load
from web.demo.people import DEMO_PEOPLE


def test_the_sign_in_page_lists_every_demo_person_with_what_they_are(client):
    page = client.get("/sign-in").get_data(as_text=True)
    for person in DEMO_PEOPLE:
        assert f"Se connecter comme {person.name}" in page
    for kind in (
        "Agent",
        "Administratrice",
        "Cliente",
        "Client, même entreprise",
        "Partenaire externe",
        "Partenaire interne",
        "Contributeur",
        "Intervenant",
    ):
        assert kind in page


def test_one_click_signs_in_with_a_token_the_services_accept(client, settings):
    response = client.post("/sign-in/demo", data={"person": "colleague", "csrf_token": csrf_token(client)})
    assert response.status_code == 302
    with client.session_transaction() as session:
        person = session["person"]
    caller = TokenVerifier(settings).verify(person["token"])
    assert (caller.sub, caller.role, caller.org) == ("demo-client-marc", "client", "demo-bernard-associes")
    assert caller.email == "marc.lefevre@demo.example"


def test_the_session_cookie_is_signed_http_only_and_same_site_lax(client):
    response = client.post("/sign-in/demo", data={"person": "client", "csrf_token": csrf_token(client)})
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "demo-client-sophie" not in cookie  # signed and compressed, not readable as is


def test_a_form_without_its_csrf_token_is_refused_and_signs_nobody_in(client):
    response = client.post("/sign-in/demo", data={"person": "admin"})
    assert response.status_code == 400
    assert "Le formulaire a expiré" in response.get_data(as_text=True)
    with client.session_transaction() as session:
        assert "person" not in session


def test_a_csrf_token_of_another_session_is_refused(app):
    first, second = app.test_client(), app.test_client()
    token = csrf_token(first)
    csrf_token(second)
    assert second.post("/sign-in/demo", data={"person": "admin", "csrf_token": token}).status_code == 400


def test_signing_out_ends_the_session(client, apis):
    sign_in(client)
    response = client.post("/sign-out", data={"csrf_token": csrf_token(client, "/no-such-page")})
    assert response.status_code == 302 and response.headers["Location"].endswith("/sign-in")
    assert client.get("/portal/dossiers").status_code == 302  # back to the sign-in page


def test_signing_out_needs_the_csrf_token(client):
    sign_in(client)
    assert client.post("/sign-out").status_code == 400
    with client.session_transaction() as session:
        assert "person" in session


def test_a_page_asks_to_sign_in_and_comes_back_to_it_afterwards(client):
    response = client.get("/portal/contracts")
    assert response.status_code == 302 and "next=/portal/contracts" in response.headers["Location"]
    token = csrf_token(client, "/sign-in?next=/portal/contracts")
    signed = client.post("/sign-in/demo", data={"person": "client", "next": "/portal/contracts", "csrf_token": token})
    assert signed.headers["Location"] == "/portal/contracts"


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/x", "/\\evil.example"])
def test_sign_in_never_sends_the_person_to_another_site(client, target):
    token = csrf_token(client)
    response = client.post("/sign-in/demo", data={"person": "client", "next": target, "csrf_token": token})
    assert response.headers["Location"] == "/"


def test_a_signed_in_person_may_not_open_another_kind_of_persons_pages(client):
    sign_in(client, "external_partner")
    assert client.get("/portal/contracts").status_code == 403


def test_production_has_no_demo_sign_in(apis):
    app = create_app(make_settings(apis, **PRODUCTION), {"TESTING": True})
    client = app.test_client()
    page = client.get("/sign-in").get_data(as_text=True)
    assert "Se connecter comme" not in page
    assert "Me connecter avec mon compte de l'organisation" in page
    token = csrf_token(client)
    assert client.post("/sign-in/demo", data={"person": "admin", "csrf_token": token}).status_code == 404


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ({"web_secret_key": "dev-web-secret-not-for-production"}, "WEB_SECRET_KEY"),
        ({"oidc_issuer": ""}, "OIDC_ISSUER"),
        ({"web_base_url": "http://portal.example.org"}, "WEB_BASE_URL"),
        ({"jwt_secret": "dev-secret-not-for-production"}, "JWT_SECRET"),
    ],
)
def test_production_refuses_to_start_with_development_settings(change, problem):
    with pytest.raises(ConfigError, match=problem):
        load(environ={}, **{**PRODUCTION, **change})


def test_production_on_the_operators_own_machine_may_use_plain_http_on_localhost():
    assert load(environ={}, **{**PRODUCTION, "web_base_url": "http://localhost:8000"}).is_production


def test_production_cookies_are_sent_over_tls_only(apis):
    app = create_app(make_settings(apis, **PRODUCTION), {"TESTING": True})
    assert app.config["SESSION_COOKIE_SECURE"] is True
