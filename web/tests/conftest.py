"""Unit tests of the web application: the Flask test client against the boundary fake of the services
(``fake_apis.py``); the browser suite (``browser/``) runs the real ones."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from fake_apis import FakeApis
from helpers import make_settings

from web.app import create_app


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


@pytest.fixture
def settings(apis):
    return make_settings(apis)


@pytest.fixture
def app(settings):
    return create_app(settings, {"TESTING": True})


@pytest.fixture
def client(app):
    return app.test_client()
