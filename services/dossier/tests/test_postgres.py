"""On PostgreSQL: the list's main filters use indexes (EXPLAIN), and references stay unique under concurrency.

Skipped only when no PostgreSQL answers (see platform_shared.testing.infra).
"""

from __future__ import annotations

import json
import random
import threading
from datetime import timedelta

import pytest
from sqlalchemy import event, insert, text

from dossier.cli import MIGRATIONS_DIR
from dossier.db import Dossier
from dossier.services import dossiers, models
from platform_shared import clock
from platform_shared.auth import Caller
from platform_shared.db import Database
from platform_shared.migrations import upgrade
from platform_shared.testing import infra

ROWS = 30_000
ADMIN = Caller(sub="admin-ada", role="admin")


@pytest.fixture(scope="module")
def pg(model_body):
    try:
        admin_url = infra.postgres_url()
    except infra.InfraUnavailable as error:
        pytest.skip(str(error))
    name = infra.unique_name("dossier_unit")
    url = infra.create_postgres_database(admin_url, name)
    upgrade(MIGRATIONS_DIR, url)
    database = Database(url)
    with database.transaction() as session:
        model_id = models.create_model(session, ADMIN, model_body()).model_id
    yield database, model_id
    database.dispose()
    infra.drop_postgres_database(admin_url, name)


def seed(database: Database, model_id: str, count: int) -> None:
    rng = random.Random(7)
    start = clock.now() - timedelta(days=400)
    rows = []
    for index in range(count):
        created = start + timedelta(seconds=index * 600)
        rows.append(
            {
                "id": clock.new_id(),
                "reference": f"SEED-{index:06d}",
                "title": f"Dossier {rng.choice(['roof', 'wall', 'lease', 'patent'])} {index}",
                "description": "",
                "model_id": model_id,
                "model_version": 1,
                "category": rng.choice(["corporate", "litigation", "intellectual_property", "housing", "grant"]),
                "kind": "dossier",
                "origin": rng.choice(["crm", "crm", "portal"]),
                "status": rng.choice(["submitted", "screening", "in_review", "done"]),
                "client_status": "submitted",
                "client_sub": f"client-{rng.randrange(5000)}",
                "client_org": f"org-{rng.randrange(800)}",
                "client_email": None,
                "client_reference": None,
                "assignee_sub": f"agent-{rng.randrange(40)}",
                "assignee_email": None,
                "field_values": {},
                "closed_at": None,
                "created_by": "seed",
                "created_at": created,
                "updated_at": created,
            }
        )
    with database.transaction() as session:
        session.execute(insert(Dossier), rows)
    with database.engine.connect() as connection:
        connection.execute(text("ANALYZE dossiers"))
        connection.commit()


@pytest.fixture(scope="module")
def seeded(pg):
    database, model_id = pg
    seed(database, model_id, ROWS)
    return database


def _captured_list_query(database: Database, caller: Caller, filters: dict, cursor: str | None = None):
    """Run the list use case and keep the SQL it sent (the real query, not a hand-written copy)."""
    captured = []

    def keep(conn, cursor_, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith("SELECT") and "FROM dossiers" in statement:
            captured.append((statement, parameters))

    event.listen(database.engine, "before_cursor_execute", keep)
    try:
        with database.read_only() as session:
            _, next_cursor = dossiers.list_dossiers(session, caller, dict(filters), limit=50, cursor=cursor)
    finally:
        event.remove(database.engine, "before_cursor_execute", keep)
    (query,) = captured
    return query, next_cursor


def _plan_nodes(plan: dict):
    yield plan
    for child in plan.get("Plans", []):
        yield from _plan_nodes(child)


def explain(database: Database, query) -> list[dict]:
    statement, parameters = query
    with database.engine.connect() as connection:
        raw = connection.exec_driver_sql("EXPLAIN (FORMAT JSON) " + statement, parameters).scalar_one()
    plan = raw if isinstance(raw, list) else json.loads(raw)
    return list(_plan_nodes(plan[0]["Plan"]))


AGENT = Caller(sub="agent-alice", role="agent")


@pytest.mark.parametrize(
    "caller, filters",
    [
        (AGENT, {}),
        (AGENT, {"status": "in_review"}),
        (AGENT, {"category": "litigation"}),
        (AGENT, {"origin": "portal"}),
        (AGENT, {"assignee": "agent-7"}),
        (AGENT, {"q": "seed-000123"}),
        (AGENT, {"q": "patent 99"}),
        (Caller(sub="client-42", role="client", org="org-7"), {}),
        (AGENT, {"kind": "dossier", "category": "grant"}),
        (AGENT, {"model_id": "no-such-model"}),
        (Caller(sub="client-42", role="client"), {"status": "submitted"}),
    ],
    ids=[
        "newest",
        "status",
        "category",
        "origin",
        "assignee",
        "q-reference",
        "q-title",
        "client-audience",
        "kind",
        "model",
        "client-status",
    ],
)
def test_the_list_s_main_filters_use_indexes_not_a_sequential_scan(seeded, caller, filters):
    query, _ = _captured_list_query(seeded, caller, filters)
    nodes = explain(seeded, query)
    scans = [node["Node Type"] for node in nodes if node.get("Relation Name") == "dossiers"]
    assert scans and "Seq Scan" not in scans, scans


def test_the_second_page_also_uses_an_index(seeded):
    _, cursor = _captured_list_query(seeded, AGENT, {"status": "done"})
    query, _ = _captured_list_query(seeded, AGENT, {"status": "done"}, cursor=cursor)
    scans = [node["Node Type"] for node in explain(seeded, query) if node.get("Relation Name") == "dossiers"]
    assert "Seq Scan" not in scans, scans


def test_a_deep_page_starts_its_index_scan_at_the_cursor_rather_than_filtering_the_rows_before_it(seeded):
    """The row-value bound ``(created_at, id) < (c, i)`` is an index condition (issue 18), not a filter."""
    cursor = None
    for _ in range(20):  # page 21: 1,000 rows in
        _, cursor = _captured_list_query(seeded, AGENT, {}, cursor=cursor)
    query, _ = _captured_list_query(seeded, AGENT, {}, cursor=cursor)
    (scan,) = [node for node in explain(seeded, query) if node.get("Relation Name") == "dossiers"]
    assert "created_at" in scan.get("Index Cond", ""), scan
    assert "Filter" not in scan, scan


def test_the_hot_read_on_postgresql_keeps_the_access_rule_and_refuses_writes(pg):
    from platform_shared.errors import NotFound

    database, model_id = pg
    with database.transaction() as session:
        body = {"title": "Hot", "model_id": model_id, "fields": {"site_name": "s"}}
        body.update(client_sub="client-hot", client_org="org-hot")
        dossier, _ = dossiers.create_dossier(session, AGENT, body, origin="crm", reference_prefix="HOT")
    owner = Caller(sub="client-hot", role="client")
    colleague = Caller(sub="someone", role="client", org="org-hot")
    stranger = Caller(sub="client-other", role="client", org="org-other")
    for caller in (AGENT, owner, colleague):
        with database.single_statement_read() as session:
            read, developments, labels = dossiers.visible_dossier_with_developments(session, caller, dossier.id)
        assert read.id == dossier.id and read.closed is False and developments == []
    for caller, ident in ((stranger, dossier.id), (AGENT, "no-such-dossier")):
        with database.single_statement_read() as session, pytest.raises(NotFound):
            dossiers.visible_dossier_with_developments(session, caller, ident)
    with pytest.raises(RuntimeError, match="for reads"), database.single_statement_read() as session:
        session.add(
            Dossier(**{**{c.key: getattr(dossier, c.key) for c in Dossier.__table__.c}, "id": "x", "reference": "X"})
        )
        session.flush()


def test_concurrent_creations_get_distinct_consecutive_references(pg):
    database, model_id = pg
    agent = Caller(sub="agent-alice", role="agent")
    references, errors = [], []

    def create():
        try:
            with database.transaction() as session:
                dossier, _ = dossiers.create_dossier(
                    session,
                    agent,
                    {"model_id": model_id, "title": "race", "fields": {"site_name": "s"}},
                    origin="crm",
                    reference_prefix="RACE",
                )
                references.append(dossier.reference)
        except Exception as error:  # collected so the assertion shows it
            errors.append(error)

    threads = [threading.Thread(target=create) for _ in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    numbers = sorted(int(reference.rsplit("-", 1)[1]) for reference in references)
    assert numbers == list(range(1, 17))
