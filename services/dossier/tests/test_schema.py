"""The migrations build exactly the tables ``db.py`` declares, messaging tables included (SQLite and PostgreSQL)."""

from dossier.db import Base
from platform_shared.testing.schema import MigrationContract


class TestMigrations(MigrationContract):
    metadata = Base.metadata
    migration_only_indexes = {"ix_dossiers_search"}
