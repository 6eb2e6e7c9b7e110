"""``<service>-ctl revision`` and plain ``alembic``: numbered revisions a service's ``alembic.ini`` describes.

A tiny service lives in ``tmp_path``: its models in ``tiny_models.py``, its ``migrations/`` and the dossier
service's ``alembic.ini`` (each service's own is exercised by ``MigrationContract`` in its ``test_schema.py``).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import inspect

from platform_shared.cli import ServiceCommands, make_cli
from platform_shared.db import make_engine
from platform_shared.migrations import next_revision_id, upgrade
from platform_shared.testing.schema import drift

REPOSITORY = Path(__file__).resolve().parents[2]

MODELS = """
from sqlalchemy import Column, MetaData, String, Table

from platform_shared.db import UTCDateTime

metadata = MetaData()
Table("things", metadata, Column("id", String(36), primary_key=True), Column("seen_at", UTCDateTime()){extra})
"""

ENV = """
import os
from types import SimpleNamespace

import tiny_models
from platform_shared.migrations import run_env

run_env(tiny_models.metadata, lambda: SimpleNamespace(database_url=os.environ["DATABASE_URL"]))
"""

FIRST = '''
"""Things.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "things", sa.Column("id", sa.String(36), primary_key=True), sa.Column("seen_at", sa.DateTime(timezone=True))
    )


def downgrade() -> None:
    op.drop_table("things")
'''


@pytest.fixture
def tiny(tmp_path, monkeypatch):
    """The tiny service's folder; ``tiny.models(extra)`` rewrites its models with ``extra`` columns."""
    root = tmp_path / "tiny"
    (root / "migrations" / "versions").mkdir(parents=True)
    shutil.copyfile(REPOSITORY / "services" / "dossier" / "alembic.ini", root / "alembic.ini")
    shutil.copyfile(
        REPOSITORY / "services" / "dossier" / "migrations" / "script.py.mako", root / "migrations" / "script.py.mako"
    )
    (root / "migrations" / "env.py").write_text(ENV)
    (root / "migrations" / "versions" / "0001_things.py").write_text(FIRST.lstrip())
    monkeypatch.syspath_prepend(str(root))

    class Tiny:
        path = root
        migrations = root / "migrations"
        versions = root / "migrations" / "versions"

        @staticmethod
        def models(extra: str = "") -> None:
            (root / "tiny_models.py").write_text(MODELS.format(extra=extra))
            sys.modules.pop("tiny_models", None)

        @staticmethod
        def metadata():
            import tiny_models

            return tiny_models.metadata

    Tiny.models()
    yield Tiny
    sys.modules.pop("tiny_models", None)


def ctl(tiny, *args: str):
    cli = make_cli(
        ServiceCommands(
            load_settings=lambda: pytest.fail("writing a revision reads no settings"),
            migrations_dir=tiny.migrations,
            handlers=dict,
        )
    )
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def ruff_check(path: Path) -> None:
    for args in (["check", "--quiet"], ["format", "--check", "--quiet"]):
        subprocess.run([sys.executable, "-m", "ruff", *args, str(path)], check=True, cwd=REPOSITORY)


def test_the_next_revision_id_is_one_more_than_the_highest_with_as_many_digits(tiny):
    assert next_revision_id(tiny.migrations) == "0002"
    ninth = FIRST.replace('"0001"', '"0009"').replace("down_revision = None", 'down_revision = "0001"')
    (tiny.versions / "0009_ninth.py").write_text(ninth)
    assert next_revision_id(tiny.migrations) == "0010"


def test_an_empty_revision_is_the_next_number_after_head(tiny):
    result = ctl(tiny, "revision", "-m", "Backfill the labels")
    assert result.exit_code == 0, result.output
    written = tiny.versions / "0002_backfill_the_labels.py"
    assert f"wrote {written}" in result.output
    text = written.read_text()
    assert 'revision = "0002"' in text and 'down_revision = "0001"' in text
    assert text.startswith('"""Backfill the labels\n\nRevision ID: 0002\nRevises: 0001\n"""')


def test_autogenerate_writes_what_the_models_add_and_the_result_builds_them(tiny, tmp_path):
    tiny.models(', Column("label", String(80), nullable=True)')
    result = ctl(tiny, "revision", "--autogenerate", "-m", "Things have a label")
    assert result.exit_code == 0, result.output
    written = tiny.versions / "0002_things_have_a_label.py"
    text = written.read_text()
    assert 'batch_op.add_column(sa.Column("label", sa.String(length=80), nullable=True))' in text
    ruff_check(written)

    url = f"sqlite:///{tmp_path / 'built.db'}"
    upgrade(tiny.migrations, url)
    engine = make_engine(url)
    assert drift(engine, tiny.metadata()) == []
    engine.dispose()


def test_autogenerate_writes_a_decorated_type_as_the_sqlalchemy_type_it_stores(tiny):
    tiny.models(', Column("gone_at", UTCDateTime(), nullable=True)')
    assert ctl(tiny, "revision", "--autogenerate", "-m", "gone").exit_code == 0
    text = (tiny.versions / "0002_gone.py").read_text()
    assert 'sa.Column("gone_at", sa.DateTime(timezone=True), nullable=True)' in text
    assert "platform_shared" not in text


def test_autogenerate_with_nothing_to_write_writes_nothing_and_says_so(tiny):
    result = ctl(tiny, "revision", "--autogenerate", "-m", "Nothing")
    assert result.exit_code == 1
    assert "no revision written" in result.output
    assert sorted(path.name for path in tiny.versions.glob("*.py")) == ["0001_things.py"]


def test_autogenerate_against_a_database_that_is_not_at_head_is_refused(tiny, tmp_path):
    url = f"sqlite:///{tmp_path / 'behind.db'}"
    make_engine(url).dispose()
    tiny.models(', Column("label", String(80))')
    with pytest.raises(Exception, match="not up to date"):
        ctl(tiny, "revision", "--autogenerate", "--against", url, "-m", "label")
    assert sorted(path.name for path in tiny.versions.glob("*.py")) == ["0001_things.py"]


def test_plain_alembic_with_the_ini_numbers_revisions_and_migrates_database_url(tiny, tmp_path):
    database = tmp_path / "plain.db"
    environment = {**os.environ, "PYTHONPATH": str(tiny.path), "DATABASE_URL": f"sqlite:///{database}"}
    alembic = [sys.executable, "-m", "alembic", "-c", str(tiny.path / "alembic.ini")]
    subprocess.run([*alembic, "upgrade", "head"], check=True, env=environment, capture_output=True)
    assert "things" in inspect(make_engine(f"sqlite:///{database}")).get_table_names()

    tiny.models(', Column("label", String(80))')
    subprocess.run(
        [*alembic, "revision", "--autogenerate", "-m", "label"], check=True, env=environment, capture_output=True
    )
    subprocess.run([*alembic, "revision", "-m", "by hand"], check=True, env=environment, capture_output=True)
    assert sorted(path.name for path in tiny.versions.glob("*.py")) == [
        "0001_things.py",
        "0002_label.py",
        "0003_by_hand.py",
    ]
    assert 'down_revision = "0002"' in (tiny.versions / "0003_by_hand.py").read_text()
