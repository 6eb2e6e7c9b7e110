"""On PostgreSQL: invoice numbers issued concurrently are consecutive with no gap, and a failed issue gives its
number back. Skipped only when no PostgreSQL answers (see platform_shared.testing.infra)."""

from __future__ import annotations

import threading

import pytest

from dossier import config
from dossier.cli import MIGRATIONS_DIR
from dossier.services import dossiers, finance, models
from platform_shared.auth import Caller
from platform_shared.db import Database
from platform_shared.migrations import upgrade
from platform_shared.testing import infra

AGENT = Caller(sub="agent-alice", role="agent", name="Alice")
LINE = {"label": "Work", "quantity": "1", "unit_price": "10.00", "vat_rate": "20"}


@pytest.fixture(scope="module")
def pg(model_body):
    try:
        admin_url = infra.postgres_url()
    except infra.InfraUnavailable as error:
        pytest.skip(str(error))
    url = infra.create_postgres_database(admin_url, infra.unique_name("dossier_finance"))
    upgrade(MIGRATIONS_DIR, url)
    database = Database(url)
    settings = config.load(database_url=url, log_json=False)
    with database.transaction() as session:
        model_id = models.create_model(session, Caller(sub="admin", role="admin"), model_body()).model_id
        dossier, _ = dossiers.create_dossier(
            session,
            AGENT,
            {"model_id": model_id, "title": "t", "fields": {"site_name": "s"}},
            origin="crm",
            reference_prefix="FIN",
        )
    yield database, dossier.id, settings
    database.dispose()


def test_concurrent_issues_get_consecutive_numbers_and_a_failed_one_leaves_no_gap(pg):
    database, dossier_id, settings = pg
    drafts = []
    for _ in range(13):
        with database.transaction() as session:
            body = {"currency": "EUR", "lines": [LINE]}
            drafts.append(finance.create_draft(session, AGENT, dossier_id, "invoice", body, settings)["id"])

    class Abort(Exception):
        pass

    # One issue fails after taking its number: the transaction rolls back and the number is given back.
    with pytest.raises(Abort), database.transaction() as session:
        assert finance.transition(session, AGENT, drafts[0], "invoice", "issued")["number"].endswith("-0001")
        raise Abort

    numbers, errors = [], []

    def issue(invoice_id):
        try:
            with database.transaction() as session:
                numbers.append(finance.transition(session, AGENT, invoice_id, "invoice", "issued")["number"])
        except Exception as error:  # collected so the assertion shows it
            errors.append(error)

    threads = [threading.Thread(target=issue, args=(invoice_id,)) for invoice_id in drafts[1:]]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(int(number.rsplit("-", 1)[1]) for number in numbers) == list(range(1, 13))
