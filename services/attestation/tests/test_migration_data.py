"""Migration 0003 rebuilds the contracts table on SQLite: the contracts and their children survive it."""

from alembic import command
from sqlalchemy import create_engine, text

from attestation.cli import MIGRATIONS_DIR
from platform_shared.testing.schema import alembic_config


def test_contracts_their_beneficiaries_and_receipts_survive_the_rebuild(tmp_path):
    url = f"sqlite:///{tmp_path / 'upgrade.db'}"
    config = alembic_config(MIGRATIONS_DIR, url)
    command.upgrade(config, "0002")
    engine = create_engine(url)
    now = "2026-01-01 00:00:00"
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO products (id, code, name, validator_subs, created_at, updated_at) "
                "VALUES ('p', 'P', 'Auto', '[]', :now, :now)"
            ),
            {"now": now},
        )
        connection.execute(
            text(
                "INSERT INTO contracts (id, number, product_id, status, start_date, created_at, updated_at) "
                "VALUES ('c', 'C-1', 'p', 'in_force', '2026-01-01', :now, :now)"
            ),
            {"now": now},
        )
        connection.execute(
            text(
                "INSERT INTO beneficiaries (id, contract_id, kind, attributes, created_at) "
                "VALUES ('b', 'c', 'person', '{\"name\": \"Ann\"}', :now)"
            ),
            {"now": now},
        )
        connection.execute(
            text(
                "INSERT INTO receipts (id, contract_id, period_start, period_end, amount_due, amount_paid, created_at) "
                "VALUES ('r', 'c', '2026-01-01', '2026-12-31', 100, 100, :now)"
            ),
            {"now": now},
        )
    command.upgrade(config, "head")
    with engine.connect() as connection:
        assert connection.execute(text("SELECT number, product_id, city FROM contracts")).all() == [("C-1", "p", None)]
        assert connection.execute(text("SELECT count(*) FROM beneficiaries")).scalar_one() == 1
        assert connection.execute(text("SELECT count(*) FROM receipts")).scalar_one() == 1
    engine.dispose()
