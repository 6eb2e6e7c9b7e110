"""Typed settings read once from the environment, with defaults that run everything on one machine."""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

DEV_JWT_SECRET = "dev-secret-not-for-production"
DEV_EVENT_SECRET_KEY = "dev-event-secret-not-for-production"
DEFAULT_AUDIENCE = "dossier-platform"
DEFAULT_ISSUER = "dossier-platform"

SERVICE_PORTS = {
    "dossier": 8001,
    "partner-gateway": 8002,
    "attestation": 8003,
    "notification": 8004,
    "documents": 8005,
}


class ConfigError(RuntimeError):
    """The environment holds a setting the platform refuses to start with."""


def _default_data_dir() -> Path:
    return Path(os.environ.get("DATA_DIR", Path.cwd() / "var"))


def _env_name(field_name: str) -> str:
    return field_name.upper()


def _coerce(raw: str, target: Any) -> Any:
    if target in (bool, "bool"):
        return raw.strip().lower() in ("1", "true", "yes", "on")
    if target in (int, "int"):
        return int(raw)
    if target in (float, "float"):
        return float(raw)
    if target in ("tuple[str, ...]",):
        return tuple(part.strip() for part in raw.split(",") if part.strip())
    return raw


@dataclass(frozen=True)
class Settings:
    """Settings every service reads. Services subclass it to add their own fields.

    Every field is read from the environment variable of the same name in upper
    case (``database_url`` from ``DATABASE_URL``).
    """

    service_name: str = "platform"
    env: str = "development"
    database_url: str = ""
    amqp_url: str = "amqp://guest:guest@127.0.0.1:5672/%2F"
    amqp_exchange: str = "domain"
    jwt_secret: str = DEV_JWT_SECRET
    jwt_public_key: str = ""
    jwt_private_key: str = ""
    jwt_audience: str = DEFAULT_AUDIENCE
    jwt_issuer: str = DEFAULT_ISSUER
    jwt_leeway_seconds: int = 10
    service_token_ttl_seconds: int = 300
    event_secret_key: str = DEV_EVENT_SECRET_KEY
    log_level: str = "INFO"
    log_json: bool = True
    dossier_url: str = "http://127.0.0.1:8001"
    partner_gateway_url: str = "http://127.0.0.1:8002"
    attestation_url: str = "http://127.0.0.1:8003"
    notification_url: str = "http://127.0.0.1:8004"
    documents_url: str = "http://127.0.0.1:8005"
    http_timeout_seconds: float = 10.0
    # Outbox relay
    relay_batch_size: int = 200
    relay_poll_interval_seconds: float = 0.5
    relay_sqlite_poll_interval_seconds: float = 0.02
    # Consumer
    consumer_prefetch: int = 20
    consumer_retry_delays_ms: tuple[str, ...] = ("1000", "5000", "30000")
    amqp_heartbeat_seconds: int = 30
    amqp_blocked_timeout_seconds: int = 60

    @property
    def is_production(self) -> bool:
        return self.env.lower() == "production"

    @property
    def retry_delays_ms(self) -> list[int]:
        return [int(delay) for delay in self.consumer_retry_delays_ms]

    @property
    def database_is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    def replace(self, **changes: Any) -> Settings:
        return dataclasses.replace(self, **changes)


def load_settings(
    cls: type[Settings] = Settings,
    service_name: str | None = None,
    environ: Mapping[str, str] | None = None,
    **overrides: Any,
) -> Settings:
    """Build ``cls`` from the environment, then apply ``overrides`` (used by tests)."""
    environ = os.environ if environ is None else environ
    values: dict[str, Any] = {}
    for item in dataclasses.fields(cls):
        name = _env_name(item.name)
        if name in environ and environ[name] != "":
            values[item.name] = _coerce(environ[name], item.type)
    if service_name:
        values["service_name"] = service_name
    values.update(overrides)
    settings = cls(**values)
    if not settings.database_url:
        data_dir = _default_data_dir()
        data_dir.mkdir(parents=True, exist_ok=True)
        db_file = data_dir / f"{settings.service_name.replace('-', '_')}.db"
        settings = settings.replace(database_url=f"sqlite:///{db_file}")
    check_production_safety(settings)
    return settings


def check_production_safety(settings: Settings) -> None:
    """Refuse development secrets when ENV=production (DESIGN section 4)."""
    if not settings.is_production:
        return
    problems = []
    if not settings.jwt_public_key and settings.jwt_secret == DEV_JWT_SECRET:
        problems.append("JWT_SECRET is the development default")
    if not settings.jwt_public_key and len(settings.jwt_secret.encode()) < 32:
        problems.append("JWT_SECRET is shorter than 256 bits")
    if settings.event_secret_key == DEV_EVENT_SECRET_KEY:
        problems.append("EVENT_SECRET_KEY is the development default")
    if settings.database_is_sqlite:
        problems.append("DATABASE_URL must point to PostgreSQL in production")
    if problems:
        raise ConfigError("refusing to start with ENV=production: " + "; ".join(problems))
