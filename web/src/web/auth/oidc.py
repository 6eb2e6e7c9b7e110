"""OpenID Connect sign-in (authorization code flow with PKCE, Authlib) against the organisation's identity
provider (Keycloak in docker-compose). The provider's **access token** is what the web application sends
to the APIs; the ID token and userinfo give the claims the pages need, read through a configurable mapping
(``OIDC_CLAIM_ROLE`` may point into a list such as Keycloak's ``realm_access.roles``)."""

from __future__ import annotations

import time
from typing import Any
from urllib.parse import urlencode

from authlib.integrations.base_client.errors import OAuthError
from authlib.integrations.flask_client import OAuth
from flask import Flask, current_app, flash, redirect, session, url_for
from flask_babel import gettext as _

from platform_shared.auth import ROLES

from ..config import WebSettings
from ..identity import Person, sign_in

PROVIDER = "idp"
NEXT_KEY = "oidc_next"
ROLE_PREFERENCE = ("admin", "agent", "client", "partner")  # a person holding several roles acts as the first
PERSON_ROLES = tuple(role for role in ROLE_PREFERENCE if role in ROLES)


def init_app(app: Flask, settings: WebSettings) -> None:
    oauth = OAuth(app)
    oauth.register(
        PROVIDER,
        client_id=settings.oidc_client_id,
        client_secret=settings.oidc_client_secret or None,
        server_metadata_url=settings.oidc_issuer.rstrip("/") + "/.well-known/openid-configuration",
        client_kwargs={
            "scope": settings.oidc_scope,
            "code_challenge_method": "S256",
            # Without a secret the client is public: PKCE alone proves the code's redeemer.
            "token_endpoint_auth_method": "client_secret_basic" if settings.oidc_client_secret else "none",
        },
    )
    app.extensions["web.oauth"] = oauth


def _client():
    return current_app.extensions["web.oauth"].create_client(PROVIDER)


def _settings() -> WebSettings:
    return current_app.extensions["web.settings"]


def _redirect_uri() -> str:
    return _settings().web_base_url.rstrip("/") + url_for("auth.provider_callback")


def start(next_path: str | None):
    session[NEXT_KEY] = next_path or ""
    return _client().authorize_redirect(_redirect_uri())


def claim(claims: dict[str, Any], path: str) -> Any:
    """The value at a dotted ``path`` (``realm_access.roles``), or None."""
    value: Any = claims
    for part in path.split("."):
        if not isinstance(value, dict) or part not in value:
            return None
        value = value[part]
    return value


def platform_role(value: Any) -> str | None:
    """The platform role a claim names: a string, or the preferred role among a list of the provider's roles."""
    held = [value] if isinstance(value, str) else list(value) if isinstance(value, list | tuple) else []
    for role in PERSON_ROLES:
        if role in held:
            return role
    return None


def person_from_claims(settings: WebSettings, claims: dict[str, Any], access_token: str, expires_at: int) -> Person:
    role = platform_role(claim(claims, settings.oidc_claim_role))
    if role is None:
        raise PermissionError("the identity provider gave this account no platform role")

    def text(path: str) -> str:
        value = claim(claims, path)
        return str(value) if isinstance(value, str | int) else ""

    return Person(
        sub=str(claims["sub"]),
        role=role,
        token=access_token,
        expires_at=expires_at,
        name=text(settings.oidc_claim_name),
        email=text(settings.oidc_claim_email),
        org=text(settings.oidc_claim_org),
        locale=text(settings.oidc_claim_locale),
        signed_in_with="oidc",
    )


def finish():
    client = _client()
    try:
        token = client.authorize_access_token()
    except OAuthError as error:
        current_app.logger.warning("OIDC sign-in refused: %s", error.error)
        flash(_("The sign-in with your organisation account did not succeed. Please try again."), "danger")
        return redirect(url_for("auth.sign_in"))
    claims = dict(token.get("userinfo") or {})
    if "sub" not in claims:
        flash(_("The identity provider did not say who you are."), "danger")
        return redirect(url_for("auth.sign_in"))
    if client.load_server_metadata().get("userinfo_endpoint"):
        claims.update({key: value for key, value in client.userinfo(token=token).items() if key != "sub"})
    expires_at = int(token.get("expires_at") or time.time() + int(token.get("expires_in", 300)))
    try:
        person = person_from_claims(_settings(), claims, token["access_token"], expires_at)
    except PermissionError:
        flash(_("Your account has no access to this platform. Ask your administrator for a role."), "danger")
        return redirect(url_for("auth.sign_in"))
    next_path = session.pop(NEXT_KEY, "") or url_for("home")
    sign_in(person)
    flash(_("Signed in as %(name)s.", name=person.display_name), "success")
    return redirect(next_path)


def logout_url() -> str | None:
    """The provider's end-session address (RP-initiated logout), coming back to the sign-in page."""
    settings = _settings()
    if not settings.oidc_enabled:
        return None
    endpoint = _client().load_server_metadata().get("end_session_endpoint")
    if not endpoint:
        return None
    back = settings.web_base_url.rstrip("/") + url_for("auth.sign_in")
    return f"{endpoint}?{urlencode({'client_id': settings.oidc_client_id, 'post_logout_redirect_uri': back})}"
