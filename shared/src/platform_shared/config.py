"""Typed settings read once from the environment, with defaults that run everything on one machine.

Every field is read from the environment variable of the same name in upper case
(``database_url`` from ``DATABASE_URL``) by pydantic-settings; an empty variable counts as unset.
A value of the wrong type, out of range or outside a field's choices makes ``load_settings``
raise one ``ConfigError`` naming every bad variable, so a service refuses to start with that
message instead of failing later, deep inside, on the first use of the value.
"""

from __future__ import annotations

import math
import os
import zlib
from collections import Counter
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Annotated, Any, Literal, TypeVar
from urllib.parse import unquote, urlparse

import click
from pydantic import (
    AfterValidator,
    BeforeValidator,
    Field,
    NonNegativeFloat,
    NonNegativeInt,
    PositiveFloat,
    PositiveInt,
    ValidationError,
    model_validator,
)
from pydantic_settings import BaseSettings, EnvSettingsSource, NoDecode, PydanticBaseSettingsSource, SettingsConfigDict

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


class ConfigError(click.ClickException):
    """The environment holds a setting the platform refuses to start with.

    A click exception, so ``<service>-ctl`` prints the message alone and exits 1 (no traceback).
    """


T = TypeVar("T")


def _split_commas(value: Any) -> Any:
    if isinstance(value, str):
        return tuple(part.strip() for part in value.split(",") if part.strip())
    return value


def _lower(value: Any) -> Any:
    return value.strip().lower() if isinstance(value, str) else value


def _upper(value: Any) -> Any:
    return value.strip().upper() if isinstance(value, str) else value


# ``A,B,C`` in the environment (never JSON), a tuple in code.
CommaSeparated = Annotated[tuple[T, ...], NoDecode, BeforeValidator(_split_commas)]
# A choice written in any case (``CONVERTER=Gotenberg``), held in lower case.
LowerCase = BeforeValidator(_lower)
Port = Annotated[int, Field(ge=1, le=65535)]


class Credential:
    """Marks a setting that holds a password for another system (``Annotated[str, CREDENTIAL]``): with
    ``ENV=production`` it may be empty, but never a placeholder nor shorter than ``MIN_CREDENTIAL_LENGTH``
    (``check_production_safety``)."""


CREDENTIAL = Credential()


def one_of(choices: Iterable[str]) -> AfterValidator:
    """A value among ``choices`` (for choices a service computes, e.g. the file types it can read)."""
    allowed = tuple(choices)
    quoted = [repr(choice) for choice in allowed]
    # Worded like pydantic's own message for a Literal: "must be 'a', 'b' or 'c'".
    expected = " or ".join(filter(None, (", ".join(quoted[:-1]), quoted[-1])))

    def check(value: str) -> str:
        if value not in allowed:
            raise ValueError(f"must be {expected}")
        return value

    return AfterValidator(check)


class Settings(BaseSettings):
    """Settings every service reads. Services subclass it to add their own fields.

    Build them with ``load_settings`` (never ``Settings()``): it reads the environment, or the
    mapping a test passes, and turns validation errors into a ``ConfigError``.
    """

    model_config = SettingsConfigDict(frozen=True, extra="forbid", env_ignore_empty=True)

    service_name: str = "platform"
    env: Annotated[Literal["development", "production"], LowerCase] = "development"
    database_url: str = ""
    amqp_url: str = "amqp://guest:guest@127.0.0.1:5672/%2F"
    amqp_exchange: str = "domain"
    jwt_secret: str = DEV_JWT_SECRET
    jwt_public_key: str = ""
    jwt_private_key: str = ""
    jwt_audience: str = DEFAULT_AUDIENCE
    jwt_issuer: str = DEFAULT_ISSUER
    jwt_leeway_seconds: NonNegativeInt = 10
    service_token_ttl_seconds: PositiveInt = 300
    event_secret_key: str = DEV_EVENT_SECRET_KEY
    log_level: Annotated[Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"], BeforeValidator(_upper)] = "INFO"
    log_json: bool = True
    dossier_url: str = "http://127.0.0.1:8001"
    partner_gateway_url: str = "http://127.0.0.1:8002"
    attestation_url: str = "http://127.0.0.1:8003"
    notification_url: str = "http://127.0.0.1:8004"
    documents_url: str = "http://127.0.0.1:8005"
    http_timeout_seconds: PositiveFloat = 10.0
    # Optimistic concurrency (platform_shared.etag): refuse a change without If-Match (428) instead of allowing it.
    require_if_match: bool = False
    # A person's erasure rewrites the dead letters naming them (platform_shared.dead_letter_erasure); off only in
    # unit tests, which run without a broker.
    erasure_redacts_dead_letters: bool = True
    # Outbox relay
    relay_batch_size: PositiveInt = 200
    relay_poll_interval_seconds: PositiveFloat = 0.5
    # The backstop of the wake datagram (messaging.wake), not the way events normally go out (issue 18).
    relay_sqlite_poll_interval_seconds: PositiveFloat = 5.0
    relay_standby_poll_seconds: PositiveFloat = Field(
        2.0, description="How often a standby relay tries to take the lead (PostgreSQL advisory lock)."
    )
    # Consumer: one retry tier per delay, in milliseconds, before the dead-letter queue.
    consumer_prefetch: PositiveInt = 20
    consumer_retry_delays_ms: CommaSeparated[PositiveInt] = (1000, 5000, 30000)
    amqp_heartbeat_seconds: NonNegativeInt = 30  # 0 turns pika's heartbeat off
    amqp_blocked_timeout_seconds: PositiveInt = 60
    # domain.unrouted (events no queue is bound for), given when the queue is first declared.
    unrouted_max_length: PositiveInt = Field(
        10_000, description="Most messages domain.unrouted keeps (the oldest are dropped first)."
    )
    unrouted_message_ttl_seconds: PositiveInt = Field(
        7 * 24 * 3600, description="How long domain.unrouted keeps a message."
    )
    # Retention (platform_shared.messaging.retention), run by every worker.
    outbox_retention_days: PositiveFloat = Field(
        7.0, description="Sent outbox rows are deleted this many days after the broker confirmed them."
    )
    inbox_retention_days: PositiveFloat = Field(
        30.0,
        description="Inbox rows (what makes a redelivery a no-op) are deleted this many days after their event "
        "was handled: longer than any way a copy can still arrive (queues, dead letters, a restored backup).",
    )
    retention_batch_size: PositiveInt = Field(1000, description="Rows deleted per transaction by retention jobs.")
    retention_interval_seconds: PositiveFloat = Field(3600.0, description="How often a worker runs retention jobs.")
    worker_stall_seconds: PositiveFloat = Field(
        600.0,
        description="A worker whose event handler or periodic job runs longer than this is reported not live "
        "(/healthz 503) and replaced.",
    )
    # Request bodies (platform_shared.request_guard); uploads and imports keep their own, larger limits.
    max_json_body_bytes: PositiveInt = Field(
        1024 * 1024, description="Largest JSON request body accepted (413 above it)."
    )
    max_json_depth: PositiveInt = Field(32, description="Deepest nesting of a JSON request body accepted (422).")
    # An identity provider's rotating keys (platform_shared.jwks): used instead of JWT_SECRET/JWT_PUBLIC_KEY when set.
    jwt_jwks_url: str = Field("", description="The provider's JWKS URL (OpenID Connect jwks_uri); empty: off.")
    jwt_jwks_algorithms: CommaSeparated[
        Annotated[str, one_of(("RS256", "RS384", "RS512", "PS256", "ES256", "ES384"))]
    ] = Field(("RS256",), description="Algorithms accepted from the provider (never read from the token).")
    jwt_jwks_cache_seconds: PositiveFloat = Field(300.0, description="How long the fetched key set is kept.")
    jwt_jwks_refresh_cooldown_seconds: NonNegativeFloat = Field(
        30.0, description="Least time between two fetches caused by a token with an unknown key id."
    )
    # Where the provider puts who the person is (a dotted path into the claims, e.g. realm_access.roles).
    jwt_role_claim: str = Field("role", description="Claim holding the role (a string, or a list of them).")
    jwt_role_values: CommaSeparated[str] = Field(
        (), description="provider_value=platform_role pairs, e.g. crm-agent=agent; unmapped values are kept as is."
    )
    jwt_org_claim: str = "org"
    jwt_org_name_claim: str = "org_name"
    jwt_email_claim: str = "email"
    jwt_name_claim: str = "name"
    jwt_locale_claim: str = "locale"
    # CORS (platform_shared.cors): off while CORS_ALLOWED_ORIGINS is empty.
    cors_allowed_origins: CommaSeparated[str] = Field(
        (), description="Origins (scheme://host:port) whose browser pages may call the API; empty: CORS off."
    )
    cors_allowed_methods: CommaSeparated[str] = Field(
        ("GET", "POST", "PUT", "PATCH", "DELETE"), description="Methods a cross-origin page may use."
    )
    cors_allowed_headers: CommaSeparated[str] = Field(
        (
            "Authorization",
            "Content-Type",
            "If-Match",
            "If-None-Match",
            "Accept-Language",
            "X-Request-ID",
            "Last-Event-ID",
        ),
        description="Request headers a cross-origin page may send.",
    )
    cors_allow_credentials: bool = Field(False, description="Whether cross-origin pages may send cookies.")
    cors_max_age_seconds: NonNegativeInt = Field(600, description="How long a browser may cache a preflight's answer.")

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        # Only what load_settings passes: it reads the environment itself (or a test's mapping).
        return (init_settings,)

    @model_validator(mode="after")
    def _inbox_outlives_outbox(self) -> Settings:
        if self.inbox_retention_days < self.outbox_retention_days:
            raise ValueError(
                f"INBOX_RETENTION_DAYS={self.inbox_retention_days:g} must be at least OUTBOX_RETENTION_DAYS="
                f"{self.outbox_retention_days:g}: a copy of an event can arrive as long as its producer may republish it"
            )
        return self

    @property
    def is_production(self) -> bool:
        return self.env == "production"

    @property
    def retry_delays_ms(self) -> list[int]:
        return list(self.consumer_retry_delays_ms)

    @property
    def database_is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    def replace(self, **changes: Any) -> Settings:
        """A copy with ``changes``, validated like the environment's values."""
        try:
            return type(self)(**{**self.model_dump(), **changes})
        except ValidationError as error:
            raise ConfigError(describe_errors(error, self.service_name)) from None


def env_names(cls: type[Settings]) -> set[str]:
    """The environment variables ``cls`` reads."""
    return {name.upper() for name in cls.model_fields}


class _EnvironSource(EnvSettingsSource):
    """pydantic-settings' environment source over a given mapping (``os.environ`` in production)."""

    def __init__(self, settings_cls: type[BaseSettings], environ: Mapping[str, str]) -> None:
        self._environ = environ
        super().__init__(settings_cls)

    def _load_env_vars(self) -> Mapping[str, str | None]:
        # The hook pydantic-settings' own .env source overrides to read another mapping.
        return {name.lower(): value for name, value in self._environ.items() if value != ""}


def _default_data_dir() -> Path:
    return Path(os.environ.get("DATA_DIR", Path.cwd() / "var"))


def load_settings(
    cls: type[Settings] = Settings,
    service_name: str | None = None,
    environ: Mapping[str, str] | None = None,
    **overrides: Any,
) -> Settings:
    """Build ``cls`` from the environment, then apply ``overrides`` (used by tests).

    Raises ``ConfigError`` naming every variable whose value is not valid.
    """
    environ = os.environ if environ is None else environ
    values = _EnvironSource(cls, environ)()
    if service_name:
        values["service_name"] = service_name
    values.update(overrides)
    try:
        settings = cls(**values)
    except ValidationError as error:
        raise ConfigError(describe_errors(error, values.get("service_name", "platform"), environ)) from None
    if not settings.database_url:
        data_dir = _default_data_dir()
        data_dir.mkdir(parents=True, exist_ok=True)
        db_file = data_dir / f"{settings.service_name.replace('-', '_')}.db"
        settings = settings.replace(database_url=f"sqlite:///{db_file}")
    check_production_safety(settings)
    return settings


def describe_errors(error: ValidationError, service_name: str, environ: Mapping[str, str] | None = None) -> str:
    """One line per bad variable: its name, the value given and what it must be."""
    environ = environ or {}
    lines = []
    for item in error.errors(include_url=False):
        field, *position = item["loc"] or ("",)
        name = str(field).upper()
        given = environ.get(name, item["input"]) if name else None
        if item["type"] == "bool_parsing":
            reason = "must be true or false (or 1/0, yes/no, on/off)"
        elif item["type"] == "extra_forbidden":
            reason = "is not a setting of this service"
        else:
            reason = item["msg"].removeprefix("Value error, ").replace("Input should be", "must be")
        if not name:
            lines.append(reason)
        elif position:
            lines.append(f"{name}={given!r}: item {int(position[0]) + 1} ({item['input']!r}) {reason}")
        else:
            lines.append(f"{name}={given!r} {reason}")
    return f"{service_name}: refusing to start with invalid settings:\n  " + "\n  ".join(lines)


# The platform's own keys (JWT_SECRET, EVENT_SECRET_KEY): at least 256 bits long, and at least 128 bits of
# entropy as estimated below; secrets.token_urlsafe(48), as deploy/README.md says, gives about 360.
MIN_SECRET_BYTES = 32
MIN_SECRET_ENTROPY_BITS = 128
ZLIB_FRAMING_BYTES = 6  # header and checksum around the DEFLATE stream
# Passwords of other systems (database, broker, S3, SMTP): often chosen by their provider, so only what is
# surely a placeholder or too short is refused.
MIN_CREDENTIAL_LENGTH = 12
PLACEHOLDERS = ("change-me", "changeme", "change_me", "replace-me", "placeholder", "example", "not-for-production")
DEFAULT_PASSWORDS = {"guest", "admin", "password", "postgres", "minioadmin", "secret", "root", "test"}


def estimated_entropy_bits(value: str) -> float:
    """A ceiling on the entropy ``value`` can hold: the smaller of its length times the Shannon entropy of
    its own characters (which sees short alphabets: "change-me" written four times holds about 100 bits)
    and the size of its DEFLATE compression (which sees repeated patterns, such as "0123456789" four times).
    A random key drawn by ``secrets`` comes close to its real entropy under both."""
    if not value:
        return 0.0
    counts = Counter(value)
    shannon = -sum(count * math.log2(count / len(value)) for count in counts.values())
    compressed = 8 * (len(zlib.compress(value.encode(), 9)) - ZLIB_FRAMING_BYTES)
    return min(shannon, compressed)


def _placeholder(value: str) -> bool:
    lowered = value.lower()
    return any(marker in lowered for marker in PLACEHOLDERS) or lowered in DEFAULT_PASSWORDS


def secret_problem(name: str, value: str, development_default: str | None = None) -> str | None:
    """Why ``value`` is not a key the platform may sign or seal with in production (None when it is)."""
    if development_default is not None and value == development_default:
        return f"{name} is the development default"
    if _placeholder(value):
        return f"{name} is a placeholder"
    if len(value.encode()) < MIN_SECRET_BYTES:
        return f"{name} is shorter than 256 bits ({MIN_SECRET_BYTES} bytes)"
    if estimated_entropy_bits(value) < MIN_SECRET_ENTROPY_BITS:
        return f"{name} is too predictable (under {MIN_SECRET_ENTROPY_BITS} bits of entropy: draw it with secrets)"
    return None


def credential_problem(name: str, value: str) -> str | None:
    """Why ``value`` is not a password to run production with (None when it is, or when it is empty)."""
    if not value:
        return None
    if _placeholder(value):
        return f"{name} is a placeholder"
    if len(value) < MIN_CREDENTIAL_LENGTH:
        return f"{name} is shorter than {MIN_CREDENTIAL_LENGTH} characters"
    return None


def _url_password(url: str) -> str:
    return unquote(urlparse(url).password or "")


def check_production_safety(settings: Settings) -> None:
    """Refuse development, placeholder and weak secrets when ENV=production (docs/architecture.md §5)."""
    if not settings.is_production:
        return
    problems = []
    if not settings.jwt_public_key:
        problems.append(secret_problem("JWT_SECRET", settings.jwt_secret, DEV_JWT_SECRET))
    problems.append(secret_problem("EVENT_SECRET_KEY", settings.event_secret_key, DEV_EVENT_SECRET_KEY))
    problems.append(credential_problem("the password in DATABASE_URL", _url_password(settings.database_url)))
    problems.append(credential_problem("the password in AMQP_URL", _url_password(settings.amqp_url)))
    for name, field in type(settings).model_fields.items():
        if any(isinstance(item, Credential) for item in field.metadata):
            problems.append(credential_problem(name.upper(), getattr(settings, name)))
    problems = [problem for problem in problems if problem]
    if settings.database_is_sqlite:
        problems.append("DATABASE_URL must point to PostgreSQL in production")
    if problems:
        raise ConfigError("refusing to start with ENV=production: " + "; ".join(problems))
