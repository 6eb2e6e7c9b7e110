"""Tokens of an identity provider checked against its JWKS URL (``platform_shared.jwks``), against a real local
HTTP server publishing rotating keys."""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from platform_shared.auth import mint_token

ISSUER, AUDIENCE = "https://idp.example/realms/acme", "platform-api"


class Provider:
    """A JWKS endpoint whose published keys the test rotates; counts the fetches."""

    def __init__(self):
        self.keys: dict[str, rsa.RSAPrivateKey] = {}
        self.fetches = 0
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                provider.fetches += 1
                body = json.dumps({"keys": [provider.jwk(kid) for kid in provider.keys]}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/realms/acme/protocol/openid-connect/certs"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def rotate(self, kid: str, keep: tuple[str, ...] = ()) -> None:
        self.keys = {
            **{k: self.keys[k] for k in keep},
            kid: rsa.generate_private_key(public_exponent=65537, key_size=2048),
        }

    def jwk(self, kid: str) -> dict:
        data = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(self.keys[kid].public_key()))
        return {**data, "kid": kid, "use": "sig", "alg": "RS256"}

    def token(self, kid: str, key=None, **claims) -> str:
        now = int(time.time())
        payload = {"iss": ISSUER, "aud": AUDIENCE, "iat": now, "exp": now + 300, "sub": "f3a9-keycloak-user", **claims}
        return jwt.encode(payload, key or self.keys[kid], algorithm="RS256", headers={"kid": kid})


@pytest.fixture
def provider():
    running = Provider()
    running.rotate("key-1")
    yield running
    running.server.shutdown()
    running.server.server_close()


KEYCLOAK = {
    "realm_access": {"roles": ["offline_access", "crm-agent"]},
    "email": "claire@acme.example",
    "preferred_username": "claire",
    "given_name": "Claire Martin",
    "tenant": {"id": "acme", "label": "ACME"},
    "ui_locales": "en",
}


@pytest.fixture
def idp_client(make_app, settings, provider):
    idp_settings = settings.replace(
        jwt_jwks_url=provider.url,
        jwt_issuer=ISSUER,
        jwt_audience=AUDIENCE,
        jwt_jwks_refresh_cooldown_seconds=0,
        jwt_role_claim="realm_access.roles",
        jwt_role_values=("crm-agent=agent", "crm-admin=admin"),
        jwt_name_claim="given_name",
        jwt_org_claim="tenant.id",
        jwt_org_name_claim="tenant.label",
        jwt_locale_claim="ui_locales",
    )
    return make_app(idp_settings).test_client(), idp_settings


def _who(client, token):
    return client.get("/api/v1/demo/agents-only", headers={"Authorization": f"Bearer {token}"})


def test_a_providers_token_is_mapped_to_a_caller_through_the_claim_settings(idp_client, provider):
    client, _ = idp_client
    response = _who(client, provider.token("key-1", **KEYCLOAK))
    assert response.status_code == 200 and response.get_json() == {"sub": "f3a9-keycloak-user"}
    from platform_shared.jwks import JwksTokenVerifier

    caller = JwksTokenVerifier(idp_client[1]).verify(provider.token("key-1", **KEYCLOAK))
    assert (caller.role, caller.org, caller.org_name, caller.email, caller.name, caller.locale) == (
        "agent",
        "acme",
        "ACME",
        "claire@acme.example",
        "Claire Martin",
        "en",
    )


def test_the_key_set_is_cached_and_refetched_once_for_an_unknown_key_id(idp_client, provider):
    client, _ = idp_client
    for _ in range(3):
        assert _who(client, provider.token("key-1", **KEYCLOAK)).status_code == 200
    assert provider.fetches == 1
    provider.rotate("key-2", keep=("key-1",))  # the provider publishes a new key and signs with it
    assert _who(client, provider.token("key-2", **KEYCLOAK)).status_code == 200
    assert provider.fetches == 2
    assert _who(client, provider.token("key-1", **KEYCLOAK)).status_code == 200  # the old one, still published
    assert provider.fetches == 2
    signed_with_key_1 = provider.token("key-1", **KEYCLOAK)
    provider.rotate("key-3")  # key-1 and key-2 withdrawn
    assert _who(client, provider.token("key-3", **KEYCLOAK)).status_code == 200
    assert provider.fetches == 3
    assert _who(client, signed_with_key_1).status_code == 401  # withdrawn: no longer in the refetched set


def test_bad_tokens_are_refused_with_a_401(idp_client, provider, settings):
    client, _ = idp_client
    forged_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    unknown_kid = provider.token("key-9", key=forged_key, **KEYCLOAK)
    cases = {
        "signed by another key under a published kid": provider.token("key-1", key=forged_key, **KEYCLOAK),
        "a kid the provider never published": unknown_kid,
        "another issuer": provider.token("key-1", **{**KEYCLOAK, "iss": "https://other.example"}),
        "another audience": provider.token("key-1", **{**KEYCLOAK, "aud": "someone-else"}),
        "expired": provider.token("key-1", **{**KEYCLOAK, "exp": int(time.time()) - 3600}),
        "no known role": provider.token("key-1", **{**KEYCLOAK, "realm_access": {"roles": ["offline_access"]}}),
        "HS256 under a kid": jwt.encode(
            {"sub": "x", "iss": ISSUER, "aud": AUDIENCE, "iat": 1, "exp": 2**31}, "secret", headers={"kid": "key-1"}
        ),
        "not a token": "abc.def",
    }
    for case, token in cases.items():
        response = _who(client, token)
        assert response.status_code == 401, case
        assert response.mimetype == "application/problem+json", case


def test_the_platforms_own_tokens_still_work_beside_the_provider(idp_client):
    client, idp_settings = idp_client
    token = mint_token(idp_settings, sub="service:dossier", role="agent")
    assert _who(client, token).status_code == 200


def test_an_unreachable_provider_is_a_503_not_an_accepted_token(make_app, settings, provider):
    client = make_app(
        settings.replace(jwt_jwks_url="http://127.0.0.1:1/certs", jwt_issuer=ISSUER, jwt_audience=AUDIENCE)
    ).test_client()
    response = _who(client, provider.token("key-1", **KEYCLOAK))
    assert response.status_code == 503 and response.mimetype == "application/problem+json"
