"""The hand-written migrations build exactly the tables ``db.py`` declares."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from partner_gateway.db import Base


def test_the_migrations_match_the_declared_tables(db):
    with db.engine.connect() as connection:
        assert compare_metadata(MigrationContext.configure(connection), Base.metadata) == []
