"""``attestation-ctl``: migrate, worker (with the generation retry job), setup-broker, dead-letters,
and ``import-contracts`` (the bulk import, from a file)."""

import json
import sys
from pathlib import Path

import click

from platform_shared.auth import Caller
from platform_shared.cli import ServiceCommands, make_cli
from platform_shared.db import Database

from . import config, handlers, jobs
from .domain.importing import FORMATS
from .services import importer

MIGRATIONS_DIR = Path(__file__).resolve().parents[2] / "migrations"

cli = make_cli(ServiceCommands(config.load, MIGRATIONS_DIR, handlers.handlers, jobs.periodic_jobs))


@cli.command("import-contracts")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    default=None,
    help="Default: from the file's extension (.csv, otherwise JSON lines).",
)
@click.option("--actor", default="cli", help="Who the contract events name as their actor.")
def import_contracts(path: Path, fmt: str | None, actor: str) -> None:
    """Import contracts, beneficiaries and receipts from a CSV or JSON-lines file; prints the report."""
    settings = config.load()
    database = Database(settings.database_url)
    try:
        with database.transaction() as session:
            result = importer.import_contracts(
                session,
                Caller(sub=actor, role="admin"),
                path.read_text(encoding="utf-8-sig"),
                fmt or ("csv" if path.suffix.lower() == ".csv" else "jsonl"),
            )
    finally:
        database.dispose()
    click.echo(json.dumps(result, indent=2))
    if result["rejected"]:
        sys.exit(1)
