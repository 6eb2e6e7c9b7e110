"""The attach lock-out holds under concurrency on PostgreSQL (issue 19): 40 wrong keys at once, 5 counted.

PostgreSQL runs concurrent transactions side by side (SQLite takes its one write lock up front), so
only there can attempts read the same count of failures at once. Skipped when no PostgreSQL answers,
failed under ``CI=true`` (``platform_shared.testing.infra``).
"""

import threading

import pytest
from sqlalchemy import func, select

from partner_gateway import config
from partner_gateway.cli import MIGRATIONS_DIR
from partner_gateway.db import AttachFailure
from partner_gateway.domain import keys
from platform_shared.db import Database
from platform_shared.migrations import upgrade
from platform_shared.testing.schema import scratch_database
from platform_shared.testing.service_fixtures import UNREACHABLE_BROKER
from platform_shared.testing.unit import bearer

ATTEMPTS = 40


@pytest.fixture
def postgres_app(service_under_test, upstream_server):
    with scratch_database("postgresql") as url:
        upgrade(MIGRATIONS_DIR, url)
        settings = config.load(
            database_url=url,
            amqp_url=UNREACHABLE_BROKER,
            log_json=False,
            dossier_url=upstream_server.url,
            documents_url=upstream_server.url,
        )
        db = Database(url)
        try:
            yield service_under_test.create_app(settings, db), settings, db
        finally:
            db.dispose()


def test_forty_concurrent_wrong_keys_count_exactly_the_limit_and_the_rest_are_refused(postgres_app):
    app, settings, db = postgres_app
    headers = bearer(settings, "partner", "partner-racer")
    start = threading.Barrier(ATTEMPTS)
    statuses: list[int] = []

    def attempt():
        client = app.test_client()
        start.wait()
        response = client.post("/api/v1/attach", json={"key": keys.generate_key()}, headers=headers)
        statuses.append(response.status_code)

    threads = [threading.Thread(target=attempt) for _ in range(ATTEMPTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert sorted(statuses) == [404] * settings.attach_max_failures + [429] * (ATTEMPTS - settings.attach_max_failures)
    with db.read_only() as session:
        counted = session.execute(select(func.count()).select_from(AttachFailure)).scalar_one()
    assert counted == settings.attach_max_failures
