"""``attestation-ctl``: migrate, worker (with the generation retry job), setup-broker, dead-letters, import."""
from pathlib import Path

from platform_shared.cli import ServiceCommands, make_cli
from platform_shared.worker import PeriodicJob

from . import config, handlers, jobs

MIGRATIONS_DIR = Path(__file__).resolve().parents[2] / "migrations"


def periodic_jobs(settings: config.AttestationSettings) -> list[PeriodicJob]:
    return [PeriodicJob("attestation-generation", settings.render_job_interval_seconds,
                        jobs.generation_job(settings))]


cli = make_cli(ServiceCommands(load_settings=config.load, migrations_dir=MIGRATIONS_DIR,
                               handlers=handlers.handlers, periodic_jobs=periodic_jobs))
