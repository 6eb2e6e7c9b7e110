"""OpenID Connect sign-in against a local provider (``oidc_provider.py``; Keycloak itself cannot run here):
authorization code with PKCE, the claim mapping, the provider's access token sent to the APIs, sign-out at
the provider."""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

import pytest
import requests
from helpers import csrf_token, make_settings
from oidc_provider import OidcProvider

from web.app import create_app

BASE_URL = "http://localhost"
JULIE = {
    "sub": "f3b1c2d4-idp-julie",
    "email": "julie.durand@example.org",
    "name": "Julie Durand",
    "locale": "en",
    "org": "durand-sa",
    "realm_access": {"roles": ["offline_access", "uma_authorization", "client"]},
}


@pytest.fixture(scope="module")
def provider():
    running = OidcProvider("web", "web-secret", "dossier-platform", "dossier-platform").start()
    try:
        yield running
    finally:
        running.stop()


@pytest.fixture
def oidc_client(apis, provider):
    settings = make_settings(
        apis,
        web_base_url=BASE_URL,
        oidc_issuer=provider.issuer,
        oidc_client_id="web",
        oidc_client_secret="web-secret",
        oidc_claim_role="realm_access.roles",
    )
    return create_app(settings, {"TESTING": True}).test_client()


def sign_in_with_the_provider(client, provider, person: dict, next_path: str = "") -> requests.Response:
    provider.person = person
    start = client.post("/sign-in/provider", data={"csrf_token": csrf_token(client), "next": next_path})
    assert start.status_code == 302
    authorize = start.headers["Location"]
    query = parse_qs(urlparse(authorize).query)
    assert authorize.startswith(provider.url + "/authorize")
    assert query["redirect_uri"] == [f"{BASE_URL}/auth/callback"] and query["code_challenge_method"] == ["S256"]
    approved = requests.get(authorize, allow_redirects=False, timeout=10)  # the person signs in at the provider
    callback = urlparse(approved.headers["Location"])
    return client.get(f"{callback.path}?{callback.query}")


def test_the_provider_signs_the_person_in_with_the_mapped_claims_and_its_access_token(oidc_client, provider, apis):
    response = sign_in_with_the_provider(oidc_client, provider, JULIE, next_path="/portal/contracts")
    assert response.status_code == 302 and response.headers["Location"] == "/portal/contracts"
    with oidc_client.session_transaction() as session:
        person = session["person"]
    assert person["role"] == "client"  # the platform role among the provider's realm roles
    assert (person["sub"], person["org"], person["email"], person["name"], person["locale"]) == (
        "f3b1c2d4-idp-julie",
        "durand-sa",
        "julie.durand@example.org",
        "Julie Durand",
        "en",
    )
    assert person["token"] == provider.issued_access_tokens[-1]

    apis.answer("attestation", "GET", "/contracts", body={"items": [], "next_cursor": None})
    page = oidc_client.get("/portal/contracts")
    assert "My contracts" in page.get_data(as_text=True)  # the locale claim chose English
    [call] = apis.calls("attestation", "GET", "/contracts")
    assert call.headers["Authorization"] == f"Bearer {provider.issued_access_tokens[-1]}"


def test_an_account_without_a_platform_role_is_not_signed_in(oidc_client, provider):
    stranger = {**JULIE, "sub": "no-role", "realm_access": {"roles": ["offline_access"]}}
    response = sign_in_with_the_provider(oidc_client, provider, stranger)
    assert response.status_code == 302 and response.headers["Location"].endswith("/sign-in")
    with oidc_client.session_transaction() as session:
        assert "person" not in session


def test_a_callback_whose_state_was_not_issued_here_is_refused(oidc_client, provider):
    provider.person = JULIE
    start = oidc_client.post("/sign-in/provider", data={"csrf_token": csrf_token(oidc_client)})
    approved = requests.get(start.headers["Location"], allow_redirects=False, timeout=10)
    code = parse_qs(urlparse(approved.headers["Location"]).query)["code"][0]
    response = oidc_client.get(f"/auth/callback?code={code}&state=forged")
    assert response.status_code == 302 and response.headers["Location"].endswith("/sign-in")
    with oidc_client.session_transaction() as session:
        assert "person" not in session


def test_signing_out_also_ends_the_session_at_the_provider(oidc_client, provider):
    sign_in_with_the_provider(oidc_client, provider, JULIE)
    response = oidc_client.post("/sign-out", data={"csrf_token": csrf_token(oidc_client, "/no-such-page")})
    location = urlparse(response.headers["Location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == provider.url + "/logout"
    assert parse_qs(location.query)["post_logout_redirect_uri"] == [f"{BASE_URL}/sign-in"]
    with oidc_client.session_transaction() as session:
        assert "person" not in session


def test_a_public_client_signs_in_with_pkce_alone(apis):
    public = OidcProvider("web", None, "dossier-platform", "dossier-platform").start()
    try:
        settings = make_settings(apis, web_base_url=BASE_URL, oidc_issuer=public.issuer, oidc_client_id="web")
        client = create_app(settings, {"TESTING": True}).test_client()
        response = sign_in_with_the_provider(client, public, {**JULIE, "role": "partner", "realm_access": {}})
        assert response.status_code == 302 and response.headers["Location"] == "/"
        with client.session_transaction() as session:
            assert session["person"]["role"] == "partner"
    finally:
        public.stop()
