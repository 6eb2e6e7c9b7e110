import sys
from pathlib import Path

import pytest

from partner_gateway import config, handlers
from partner_gateway.app import create_app
from partner_gateway.cli import MIGRATIONS_DIR
from platform_shared.testing.service_fixtures import (  # noqa: F401  (shared fixtures)
    UNREACHABLE_BROKER,
    ServiceUnderTest,
    app,
    client,
    database_url,
    db,
    template_dir,
)
from platform_shared.testing.unit import bearer

sys.path.insert(0, str(Path(__file__).parent))

from gateway_upstream_fake import UpstreamFake
from gateway_world import World


@pytest.fixture(scope="session")
def upstream_server():
    fake = UpstreamFake()
    yield fake
    fake.stop()


@pytest.fixture
def upstream(upstream_server):
    upstream_server.reset()
    return upstream_server


@pytest.fixture(scope="session")
def service_under_test():
    return ServiceUnderTest("partner-gateway", MIGRATIONS_DIR, create_app, handlers.handlers)


@pytest.fixture
def settings(database_url, upstream_server):
    return config.load(
        database_url=database_url,
        amqp_url=UNREACHABLE_BROKER,
        erasure_redacts_dead_letters=False,
        log_json=False,
        dossier_url=upstream_server.url,
        documents_url=upstream_server.url,
    )


@pytest.fixture
def as_agent(settings):
    return bearer(settings, "agent", "agent-alice")


@pytest.fixture
def as_client(settings):
    return bearer(settings, "client", "client-bob", org="acme")


@pytest.fixture
def world(client, db, settings, upstream):
    return World(client, db, settings, upstream)
