"""Alembic wiring shared by the services: each service keeps its own ``migrations/`` folder and ``alembic.ini``.

Revisions are numbered (``0001``, ``0002``…) and their files named ``<number>_<slug>.py``, whether they are
written by ``<service>-ctl revision`` or by plain ``alembic -c services/<service>/alembic.ini revision``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection
from logging.config import fileConfig
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import MetaData, TypeDecorator

_NUMBERED = re.compile(r"^\d+$")


def alembic_config(migrations_dir: Path, database_url: str | None = None) -> Config:
    """The service's ``alembic.ini`` (next to ``migrations/``), pointed at ``database_url`` when given."""
    config = Config(migrations_dir.parent / "alembic.ini")
    config.set_main_option("script_location", str(migrations_dir))
    if database_url:
        config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return config


def upgrade(migrations_dir: Path, database_url: str, revision: str = "head") -> None:
    """Bring a database to ``revision`` (the app never creates tables itself)."""
    command.upgrade(alembic_config(migrations_dir, database_url), revision)


def next_revision_id(migrations_dir: Path) -> str:
    """One more than the highest numbered revision, with as many digits (``0003`` -> ``0004``)."""
    script = ScriptDirectory(str(migrations_dir))
    numbers = [revision.revision for revision in script.walk_revisions() if _NUMBERED.match(revision.revision)]
    if not numbers:
        return "0001"
    highest = max(numbers, key=int)
    return str(int(highest) + 1).zfill(len(highest))


def new_revision(migrations_dir: Path, database_url: str, message: str, *, autogenerate: bool) -> Path | None:
    """Write the next numbered revision into ``migrations/versions/``; ``None`` when autogenerate found nothing.

    With ``autogenerate``, ``database_url`` must be at head: the revision is what the models add to it.
    """
    config = alembic_config(migrations_dir, database_url)
    config.attributes["autogenerate"] = autogenerate
    script = command.revision(
        config, message=message, autogenerate=autogenerate, rev_id=next_revision_id(migrations_dir)
    )
    return Path(script.path) if script else None


def comparison_options(migration_only_indexes: Collection[str] = ()) -> dict:
    """How models and database are compared, by autogenerate and by the schema tests alike.

    ``migration_only_indexes`` names the indexes a migration creates that the models cannot declare (a
    PostgreSQL-only expression index): they are not differences, and autogenerate must never drop them.
    """

    def include_object(obj, name, type_, reflected, compare_to) -> bool:
        return not (type_ == "index" and reflected and compare_to is None and name in migration_only_indexes)

    return {"compare_type": True, "compare_server_default": True, "include_object": include_object}


def _render_item(type_, obj, autogen_context):
    # A revision depends on SQLAlchemy alone: a TypeDecorator (UTCDateTime) is written as the type it stores,
    # so a later change to the decorator's Python code never changes what an old revision builds.
    if type_ == "type" and isinstance(obj, TypeDecorator):
        return f"sa.{obj.impl_instance!r}"
    return False


def _numbered_revisions(context, revision, directives) -> None:
    config = context.config
    script = directives[0]
    options = config.cmd_opts
    if options is not None and getattr(options, "rev_id", None) is None:  # plain ``alembic revision``
        script.rev_id = next_revision_id(Path(config.get_main_option("script_location")))
    autogenerate = config.attributes.get("autogenerate", getattr(options, "autogenerate", False))
    if autogenerate and script.upgrade_ops.is_empty():
        directives[:] = []  # the models and the migrations agree: an empty revision would only add noise


def run_env(
    target_metadata: MetaData,
    load_settings: Callable | None = None,
    *,
    migration_only_indexes: Collection[str] = (),
) -> None:
    """Body of every service's ``migrations/env.py``.

    The database is the configuration's ``sqlalchemy.url`` (set by ``<service>-ctl``), else the service's
    settings (``DATABASE_URL``, or the development default) through ``load_settings``, for plain ``alembic``.
    """
    from alembic import context

    from .db import make_engine

    if context.config.cmd_opts is not None and context.config.config_file_name:
        fileConfig(context.config.config_file_name, disable_existing_loggers=False)  # plain ``alembic`` only
    url = context.config.get_main_option("sqlalchemy.url")
    if not url and load_settings is not None:
        url = load_settings().database_url
    options = {
        "target_metadata": target_metadata,
        "process_revision_directives": _numbered_revisions,
        "render_item": _render_item,
        # Autogenerated changes to existing tables are written as batch operations, which SQLite needs
        # (it rebuilds the table) and PostgreSQL runs as plain ALTERs, whichever database was compared.
        "render_as_batch": True,
        **comparison_options(migration_only_indexes),
    }
    if context.is_offline_mode():
        context.configure(url=url, literal_binds=True, **options)
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = make_engine(url)
    with engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            # A batch operation rebuilds a SQLite table (copy, DROP, rename); with foreign keys enforced the DROP
            # of a parent table deletes its children through ON DELETE CASCADE. The pragma only takes effect
            # outside a transaction, so it is set on the driver's connection before the migrations begin one;
            # what the migrations leave is checked before they commit.
            connection.connection.driver_connection.execute("PRAGMA foreign_keys=OFF")
        context.configure(connection=connection, **options)
        with context.begin_transaction():
            context.run_migrations()
            if sqlite:
                broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                if broken:
                    raise RuntimeError(f"the migrations leave rows whose foreign keys match nothing: {broken[:5]}")
    engine.dispose()
