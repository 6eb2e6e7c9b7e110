"""The migrations build exactly the tables ``db.py`` declares, messaging tables included (SQLite and PostgreSQL)."""

from partner_gateway.db import Base
from platform_shared.testing.schema import MigrationContract


class TestMigrations(MigrationContract):
    metadata = Base.metadata
