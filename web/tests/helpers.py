"""Helpers of the web application's unit tests: settings pointing at the fake services, a page's CSRF token,
signing in as a demo person."""

from __future__ import annotations

import re

from fake_apis import SERVICES, FakeApis

from web.config import load

SERVICE_SETTINGS = {service: f"{service.replace('-', '_')}_url" for service in SERVICES}
PRODUCTION = {
    "env": "production",
    # Keys as `secrets.token_urlsafe(32)` draws them: production refuses short, predictable or placeholder ones.
    "web_secret_key": "kJ3v9QzT7mXw2LpR8sNc4HdY6aFb1UeG0oVtZqWiE5M",
    "web_base_url": "https://portal.example.org",
    "jwt_secret": "Xr7Qp2LmN9sVb4TcW8kHz1JdF6yGa3UeR0oPiZtM5nE",
    "event_secret_key": "c8Vn3KqL1xT9wRb6YpM2sHd7ZgF4aJe0UoNiQtW5zEk",
    "amqp_url": "amqp://platform:Wq4Zt8Lr2Nx6Vb9Kc3Hm@rabbitmq.internal:5672/%2F",
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
