"""``notification-ctl``: migrate, worker (consumer, relay and the email sender), setup-broker, dead-letters."""

from pathlib import Path

from platform_shared.cli import ServiceCommands, make_cli
from platform_shared.worker import PeriodicJob

from . import config, handlers
from .jobs import sender_job

MIGRATIONS_DIR = Path(__file__).resolve().parents[2] / "migrations"


def periodic_jobs(settings) -> list[PeriodicJob]:
    return [PeriodicJob("email-sender", settings.sender_interval_seconds, sender_job)]


cli = make_cli(
    ServiceCommands(
        load_settings=config.load,
        migrations_dir=MIGRATIONS_DIR,
        handlers=handlers.handlers,
        periodic_jobs=periodic_jobs,
    )
)
