"""Checking a service's migrations against its models, on SQLite and on PostgreSQL.

Alembic's ``compare_metadata`` reports tables, columns, types, nullability, server defaults, indexes, unique
constraints and foreign keys that differ between a migrated database and the models. It does not look at
everything (partial-index predicates, the names the server gives unnamed constraints, sequences), so
:func:`schema_dump` reads the catalogue itself: the DDL SQLite stored, or PostgreSQL's ``pg_catalog``.

A service's ``tests/test_schema.py`` subclasses :class:`MigrationContract`.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Collection, Iterable, Iterator
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import MetaData, inspect, text
from sqlalchemy.engine import Engine

from ..db import make_engine
from ..messaging.tables import messaging_metadata
from ..migrations import alembic_config, comparison_options, new_revision, upgrade
from . import infra

MESSAGING_TABLES = tuple(messaging_metadata.tables)


def drift(engine: Engine, metadata: MetaData, migration_only_indexes: Collection[str] = ()) -> list:
    """What autogenerate would write to bring ``engine``'s schema to ``metadata`` ([] when none)."""
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts=comparison_options(migration_only_indexes))
        return compare_metadata(context, metadata)


_POSTGRES_COLUMNS = """
SELECT table_name, ordinal_position, column_name, data_type, character_maximum_length, numeric_precision,
       is_nullable, column_default, is_identity
FROM information_schema.columns
WHERE table_schema = current_schema() AND table_name = ANY(:tables)
"""
_POSTGRES_CONSTRAINTS = """
SELECT c.relname, k.conname, k.contype, pg_get_constraintdef(k.oid)
FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = current_schema() AND c.relname = ANY(:tables)
"""
_POSTGRES_INDEXES = """
SELECT tablename, indexname, indexdef FROM pg_indexes
WHERE schemaname = current_schema() AND tablename = ANY(:tables)
"""
_SQLITE_OBJECTS = "SELECT type, name, tbl_name, sql FROM sqlite_master WHERE tbl_name IN ({names})"


def schema_dump(engine: Engine, tables: Iterable[str] | None = None) -> dict[str, list[tuple]]:
    """The catalogue's own description of ``tables`` (default: all but ``alembic_version``), sorted.

    SQLite: the ``CREATE`` statements it stored. PostgreSQL: columns in order with their types, nullability and
    defaults (the sequence behind a serial included), every constraint and every index as the server prints them.
    """
    names = sorted(tables if tables is not None else set(inspect(engine).get_table_names()) - {"alembic_version"})
    with engine.connect() as connection:
        if engine.dialect.name == "sqlite":
            placeholders = ", ".join(f":t{i}" for i in range(len(names)))
            rows = connection.execute(
                text(_SQLITE_OBJECTS.format(names=placeholders)), {f"t{i}": name for i, name in enumerate(names)}
            )
            return {"objects": sorted(tuple(row) for row in rows)}
        return {
            part: sorted(tuple(row) for row in connection.execute(text(query), {"tables": names}))
            for part, query in (
                ("columns", _POSTGRES_COLUMNS),
                ("constraints", _POSTGRES_CONSTRAINTS),
                ("indexes", _POSTGRES_INDEXES),
            )
        }


@contextlib.contextmanager
def scratch_database(dialect: str) -> Iterator[str]:
    """The URL of an empty database, gone afterwards: a temporary SQLite file, or a throwaway PostgreSQL database
    (skipped with the reason when no PostgreSQL answers, see :mod:`.infra`)."""
    if dialect == "sqlite":
        with tempfile.TemporaryDirectory(prefix="schema-") as directory:
            yield f"sqlite:///{Path(directory) / 'scratch.db'}"
        return
    try:
        admin_url = infra.postgres_url()
    except infra.InfraUnavailable as error:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"no PostgreSQL under CI: {error}")
        pytest.skip(str(error))
    name = infra.unique_name("schema")
    url = infra.create_postgres_database(admin_url, name)
    try:
        yield url
    finally:
        infra.drop_postgres_database(admin_url, name)


@contextlib.contextmanager
def scratch_engine(dialect: str) -> Iterator[Engine]:
    with scratch_database(dialect) as url:
        engine = make_engine(url)
        try:
            yield engine
        finally:
            engine.dispose()


class MigrationContract:
    """Subclass it as ``TestMigrations`` in a service's tests, with ``metadata`` set to the service's models
    and ``migration_only_indexes`` to what the service's ``migrations/env.py`` passes ``run_env``.

    Uses the ``service_under_test`` fixture (``service_fixtures``) for the migrations folder. Each test runs on
    SQLite and on a throwaway PostgreSQL database.
    """

    metadata: MetaData
    migration_only_indexes: Collection[str] = ()

    @pytest.fixture(params=["sqlite", "postgresql"])
    def migrated(self, request, service_under_test) -> Iterator[Engine]:
        with scratch_engine(request.param) as engine:
            upgrade(service_under_test.migrations_dir, engine.url.render_as_string(hide_password=False))
            yield engine

    def test_the_migrations_build_what_the_models_declare(self, migrated):
        assert drift(migrated, self.metadata, self.migration_only_indexes) == []

    def test_autogenerate_through_the_service_env_finds_nothing_to_write(self, migrated, service_under_test):
        url = migrated.url.render_as_string(hide_password=False)
        command.check(alembic_config(service_under_test.migrations_dir, url))  # raises on any difference

    def test_the_messaging_tables_are_those_of_platform_shared(self, migrated):
        with scratch_engine(migrated.dialect.name) as reference:
            messaging_metadata.create_all(reference)  # the reference the migrations are held to
            assert schema_dump(migrated, MESSAGING_TABLES) == schema_dump(reference, MESSAGING_TABLES)

    def test_a_new_revision_is_the_next_number_in_the_service_versions_folder(self, tmp_path, service_under_test):
        service = tmp_path / service_under_test.name
        shutil.copytree(service_under_test.migrations_dir, service / "migrations")
        shutil.copyfile(service_under_test.migrations_dir.parent / "alembic.ini", service / "alembic.ini")
        head = ScriptDirectory(str(service / "migrations")).get_current_head()
        written = new_revision(
            service / "migrations", f"sqlite:///{tmp_path / 'scratch.db'}", "Add a thing", autogenerate=False
        )
        assert written == service / "migrations" / "versions" / f"{int(head) + 1:04d}_add_a_thing.py"
        assert f'down_revision = "{head}"' in written.read_text()

    def test_every_migration_goes_down_to_nothing_and_up_again(self, migrated, service_under_test):
        url = migrated.url.render_as_string(hide_password=False)
        at_head = schema_dump(migrated)
        command.downgrade(alembic_config(service_under_test.migrations_dir, url), "base")
        assert set(inspect(migrated).get_table_names()) <= {"alembic_version"}
        upgrade(service_under_test.migrations_dir, url)
        assert schema_dump(migrated) == at_head
