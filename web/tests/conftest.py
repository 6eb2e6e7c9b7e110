"""Unit tests of the web application: the Flask test client against the boundary fake of the services
(``fake_apis.py``); the browser suite (``browser/``) runs the real ones."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from fake_apis import SERVICES, FakeApis

from web.app import create_app
from web.config import load

SERVICE_SETTINGS = {service: f"{service.replace('-', '_')}_url" for service in SERVICES}


@pytest.fixture(scope="session")
def fake_apis():
    apis = FakeApis().start()
    try:
        yield apis
    finally:
        apis.stop()


@pytest.fixture
def apis(fake_apis):
    fake_apis.reset()
    return fake_apis


def make_settings(apis: FakeApis, **overrides):
    urls = {SERVICE_SETTINGS[service]: apis.url(service) for service in SERVICES}
    return load(environ={}, **{**urls, **overrides})


@pytest.fixture
def settings(apis):
    return make_settings(apis)


@pytest.fixture
def app(settings):
    return create_app(settings, {"TESTING": True})


@pytest.fixture
def client(app):
    return app.test_client()


def csrf_token(client, path: str = "/sign-in") -> str:
    """The CSRF token of a page's forms, as the browser would submit it."""
    page = client.get(path).get_data(as_text=True)
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
    assert match, f"no CSRF token on {path}"
    return match.group(1)


def sign_in(client, person: str = "client") -> None:
    response = client.post("/sign-in/demo", data={"person": person, "csrf_token": csrf_token(client)})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
