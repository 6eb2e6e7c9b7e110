"""The same commands for every service: ``<service>-ctl migrate|revision|worker|setup-broker|dead-letters``."""

from __future__ import annotations

import json
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import click
import pika

from .config import Settings
from .db import Database
from .messaging.dead_letters import list_dead_letters, replay_dead_letters
from .messaging.inbox import HandlerTable
from .messaging.relay import connection_parameters
from .messaging.topology import declare_service_queues, unrouted_limits
from .worker import PeriodicJob, run_worker


@dataclass
class ServiceCommands:
    """What a service plugs into the shared CLI."""

    load_settings: Callable[[], Settings]
    migrations_dir: Path
    handlers: Callable[[Settings], HandlerTable]
    periodic_jobs: Callable[[Settings], list[PeriodicJob]] = lambda settings: []


def make_cli(service: ServiceCommands) -> click.Group:
    @click.group()
    def cli() -> None:
        """Operate the service: migrations (apply, write), worker, broker topology, dead letters."""

    @cli.command()
    @click.option("--revision", default="head")
    def migrate(revision: str) -> None:
        """Apply the service's Alembic migrations to DATABASE_URL."""
        from .migrations import upgrade  # Alembic (and Mako) only where migrations run: not in the worker's memory

        settings = service.load_settings()
        upgrade(service.migrations_dir, settings.database_url, revision)
        click.echo(f"{settings.service_name}: database migrated to {revision}")

    @cli.command()
    @click.option("-m", "--message", required=True, help="What the revision does; its file name is made from it.")
    @click.option("--autogenerate", is_flag=True, help="Write the difference between the models and the migrations.")
    @click.option(
        "--against",
        "database_url",
        metavar="URL",
        default=None,
        help="With --autogenerate, compare with this database, already at head (default: a scratch SQLite "
        "database migrated to head, so neither DATABASE_URL nor its state matters).",
    )
    def revision(message: str, autogenerate: bool, database_url: str | None) -> None:
        """Write the next numbered revision into the service's migrations/versions/."""
        from .migrations import new_revision, upgrade

        with tempfile.TemporaryDirectory(prefix="revision-") as scratch:
            if database_url is None:
                database_url = f"sqlite:///{Path(scratch) / 'head.db'}"
                if autogenerate:
                    upgrade(service.migrations_dir, database_url)
            path = new_revision(service.migrations_dir, database_url, message, autogenerate=autogenerate)
        if path is None:
            click.echo("the models and the migrations agree: no revision written", err=True)
            sys.exit(1)
        click.echo(f"wrote {path}")

    @cli.command("setup-broker")
    def setup_broker() -> None:
        """Declare the exchange, the service's queues and bindings (idempotent)."""
        settings = service.load_settings()
        connection = pika.BlockingConnection(connection_parameters(settings))
        try:
            declare_service_queues(
                connection.channel(),
                settings.amqp_exchange,
                settings.service_name,
                service.handlers(settings).keys(),
                settings.retry_delays_ms,
                unrouted_limits(settings),
            )
        finally:
            connection.close()
        click.echo(f"{settings.service_name}: broker topology declared")

    @cli.command()
    @click.option("--metrics-port", type=int, default=None, envvar="WORKER_METRICS_PORT")
    def worker(metrics_port: int | None) -> None:
        """Consume events and relay the outbox until SIGTERM."""
        settings = service.load_settings()
        db = Database(settings.database_url)
        run_worker(
            settings,
            db,
            service.handlers(settings),
            periodic_jobs=service.periodic_jobs(settings),
            metrics_port=metrics_port,
        )

    @cli.group("dead-letters")
    def dead_letters() -> None:
        """Read and replay ``<service>.events.dead``."""

    @dead_letters.command("list")
    @click.option("--limit", default=100, show_default=True)
    def list_command(limit: int) -> None:
        """Print dead letters as JSON lines (they stay in the queue)."""
        for entry in list_dead_letters(service.load_settings(), limit=limit):
            click.echo(json.dumps(entry, default=str))

    @dead_letters.command("replay")
    @click.option("--message-id", default=None, help="Replay only this event id.")
    @click.option("--limit", type=int, default=None)
    def replay_command(message_id: str | None, limit: int | None) -> None:
        """Move dead letters back to the service's work queue."""
        count = replay_dead_letters(service.load_settings(), message_id=message_id, limit=limit)
        click.echo(f"replayed {count} message(s)")
        if message_id and count == 0:
            sys.exit(1)

    return cli
