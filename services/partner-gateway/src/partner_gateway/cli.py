"""``partner-gateway-ctl``: migrate, worker (with the automatic reminders), setup-broker, dead-letters."""

from pathlib import Path

from platform_shared.cli import ServiceCommands, make_cli

from . import config, handlers, jobs

MIGRATIONS_DIR = Path(__file__).resolve().parents[2] / "migrations"

cli = make_cli(ServiceCommands(config.load, MIGRATIONS_DIR, handlers.handlers, jobs.periodic_jobs))
