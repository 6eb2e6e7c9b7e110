"""Helpers of the web application's unit tests: settings pointing at the fake services, a page's CSRF token,
signing in as a demo person."""

from __future__ import annotations

import re

from fake_apis import SERVICES, FakeApis

from web.config import load

SERVICE_SETTINGS = {service: f"{service.replace('-', '_')}_url" for service in SERVICES}
PRODUCTION = {
    "env": "production",
    "web_secret_key": "a-production-web-secret-of-at-least-32-bytes",
    "web_base_url": "https://portal.example.org",
    "jwt_secret": "a-production-jwt-secret-of-at-least-32-bytes!",
    # production refuses short or predictable keys and placeholder passwords (platform_shared.config, issue 19)
    "event_secret_key": "q7Vx2LmP9rTz4KbN8wYc3HsJ6dFg1AeU5oRi0nWk",
    "amqp_url": "amqp://platform:Zr8mQ4vLx2Tp9Kw@broker.example.net:5672/",
    "oidc_issuer": "https://sso.example.org/realms/platform",
    "oidc_client_id": "web",
}


def make_settings(apis: FakeApis, **overrides):
    urls = {SERVICE_SETTINGS[service]: apis.url(service) for service in SERVICES}
    return load(environ={}, **{**urls, **overrides})


def csrf_token(client, path: str = "/sign-in") -> str:
    """The CSRF token of a page's forms, as the browser would submit it."""
    page = client.get(path).get_data(as_text=True)
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
    assert match, f"no CSRF token on {path}"
    return match.group(1)


def sign_in(client, person: str = "client") -> None:
    response = client.post("/sign-in/demo", data={"person": person, "csrf_token": csrf_token(client)})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
