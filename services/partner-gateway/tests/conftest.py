import sys
from pathlib import Path

import pytest

from platform_shared.db import Database
from platform_shared.testing.unit import bearer, migrated_sqlite_url

from partner_gateway import config
from partner_gateway.app import create_app
from partner_gateway.cli import MIGRATIONS_DIR

sys.path.insert(0, str(Path(__file__).parent))

from gateway_upstream_fake import UpstreamFake  # noqa: E402
from gateway_world import World  # noqa: E402


@pytest.fixture(scope="session")
def template_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("partner-gateway-template")


@pytest.fixture(scope="session")
def upstream_server():
    fake = UpstreamFake()
    yield fake
    fake.stop()


@pytest.fixture
def upstream(upstream_server):
    upstream_server.reset()
    return upstream_server


@pytest.fixture
def settings(tmp_path, template_dir, upstream_server):
    url = migrated_sqlite_url(tmp_path, MIGRATIONS_DIR, template_dir)
    return config.load(database_url=url, amqp_url="amqp://guest:guest@127.0.0.1:1/%2F", log_json=False,
                       dossier_url=upstream_server.url, documents_url=upstream_server.url)


@pytest.fixture
def db(settings):
    database = Database(settings.database_url)
    yield database
    database.dispose()


@pytest.fixture
def app(settings, db):
    app = create_app(settings, db)
    app.config["TESTING"] = True
    return app


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def as_agent(settings):
    return bearer(settings, "agent", "agent-alice")


@pytest.fixture
def as_client(settings):
    return bearer(settings, "client", "client-bob", org="acme")


@pytest.fixture
def world(client, db, settings, upstream):
    return World(client, db, settings, upstream)
