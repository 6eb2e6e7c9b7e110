"""``notification-ctl``: migrate, worker (consumer, relay and the email sender), setup-broker, dead-letters,
and ``deliveries unknown|resend`` (emails whose outcome is unknown)."""

import getpass
import json
import sys
from pathlib import Path

import click

from platform_shared import clock
from platform_shared.cli import ServiceCommands, make_cli
from platform_shared.db import Database

from . import config, handlers, jobs
from .domain.errors import CannotResend
from .services import operators

MIGRATIONS_DIR = Path(__file__).resolve().parents[2] / "migrations"

cli = make_cli(ServiceCommands(config.load, MIGRATIONS_DIR, handlers.handlers, jobs.periodic_jobs))


@cli.group("deliveries")
def deliveries() -> None:
    """Emails whose outcome is unknown (the worker stopped while sending): list them, resend chosen ones."""


@deliveries.command("unknown")
@click.option("--limit", default=100, show_default=True)
def unknown_command(limit: int) -> None:
    """Print the unknown deliveries as JSON lines, oldest first."""
    db = Database(config.load().database_url)
    with db.read_only() as session:
        for delivery in operators.unknown_deliveries(session, limit):
            click.echo(
                json.dumps(
                    {
                        "id": delivery.id,
                        "event_id": delivery.event_id,
                        "event_type": delivery.event_type,
                        "recipient": delivery.recipient,
                        "template": delivery.template,
                        "dossier_id": delivery.dossier_id,
                        "attempts": delivery.attempts,
                        "created_at": clock.isoformat(delivery.created_at),
                        "last_error": delivery.last_error,
                    }
                )
            )


@deliveries.command("resend")
@click.argument("delivery_ids", nargs=-1, required=True)
@click.option("--by", "operator", default=getpass.getuser, show_default="your user name", help="Who decides.")
def resend_command(delivery_ids: tuple[str, ...], operator: str) -> None:
    """Send these unknown deliveries again (the recipient may get the email twice: ask them first)."""
    db = Database(config.load().database_url)
    try:
        with db.transaction() as session:
            resent = operators.resend(session, list(delivery_ids), operator)
    except CannotResend as refused:
        for delivery_id, reason in refused.errors.items():
            click.echo(f"{delivery_id}: {reason}", err=True)
        sys.exit(1)
    click.echo(f"{len(resent)} delivery(ies) queued again by {operator}; the worker sends them on its next pass")
