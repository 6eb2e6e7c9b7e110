"""The pytest fixtures every service's unit tests share: a migrated SQLite copy, the app, its client.

A service's ``tests/conftest.py`` imports them, defines ``service_under_test`` and its own
``settings`` (from ``database_url``), and adds what only it needs.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from ..db import Database
from .unit import migrated_sqlite_url

UNREACHABLE_BROKER = "amqp://guest:guest@127.0.0.1:1/%2F"


@dataclass(frozen=True)
class ServiceUnderTest:
    name: str
    migrations_dir: Path
    create_app: Callable
    handlers: Callable | None = None  # ``handlers(settings) -> HandlerTable``: its worker's reaction table


@pytest.fixture(scope="session")
def template_dir(tmp_path_factory, service_under_test):
    return tmp_path_factory.mktemp(f"{service_under_test.name}-template")


@pytest.fixture
def database_url(tmp_path, template_dir, service_under_test):
    return migrated_sqlite_url(tmp_path, service_under_test.migrations_dir, template_dir)


@pytest.fixture
def db(settings):
    database = Database(settings.database_url)
    yield database
    database.dispose()


@pytest.fixture
def app(settings, db, service_under_test):
    app = service_under_test.create_app(settings, db)
    app.config["TESTING"] = True
    return app


@pytest.fixture
def client(app):
    return app.test_client()
