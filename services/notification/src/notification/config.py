"""Settings of the notification service (shared settings plus its own)."""

from __future__ import annotations

from typing import Annotated

from pydantic import NonNegativeFloat, PositiveFloat, PositiveInt, model_validator

from platform_shared.config import CREDENTIAL, LowerCase, Port, Settings, load_settings, one_of

from . import SERVICE_NAME
from .domain.rendering import LANGUAGES


class NotificationSettings(Settings):
    # SMTP (the embedded default is the local catcher of `make run`)
    smtp_host: str = "127.0.0.1"
    smtp_port: Port = 1025
    smtp_username: str = ""
    smtp_password: Annotated[str, CREDENTIAL] = ""
    smtp_starttls: bool = False
    smtp_tls: bool = False
    smtp_timeout_seconds: PositiveFloat = 10.0
    mail_from: str = "Dossier platform <no-reply@dossier-platform.local>"
    # Front-end pages linked from emails
    crm_base_url: str = "http://127.0.0.1:3000/crm"
    portal_base_url: str = "http://127.0.0.1:3000/portal"
    # The language of the templates used for a recipient whose language is unknown.
    default_language: Annotated[str, LowerCase, one_of(LANGUAGES)] = "fr"
    # Sending
    sender_interval_seconds: PositiveFloat = 0.5
    sender_batch_size: PositiveInt = 100
    # Emails claimed (marked sending, committed) per transaction before their SMTP calls; a crash mid-claim leaves
    # at most this many emails unknown (never sent twice). 1 was 0.26x the bare smtplib loop, 10 was 0.6x (issue 18);
    # since emails are composed as bytes (mailer.compose), 10 is 1.7x to 3x (README, Measured).
    sender_claim_size: PositiveInt = 10
    send_max_attempts: PositiveInt = 6
    retry_base_seconds: NonNegativeFloat = 30.0
    retry_max_seconds: PositiveFloat = 3600.0
    debounce_seconds: NonNegativeFloat = 30.0
    stale_sending_seconds: PositiveFloat = 300.0
    # The live stream (GET /me/stream): how long one response lasts (the client reconnects with Last-Event-ID),
    # how often it says ": keepalive" and reads new lines, how many a process holds at once (each holds one of
    # gunicorn's threads), the reconnection delay it asks for, and how long lines are kept for a replay.
    live_stream_max_seconds: PositiveInt = 300
    live_stream_heartbeat_seconds: PositiveFloat = 10.0
    live_stream_poll_seconds: PositiveFloat = 1.0
    live_streams_per_process: PositiveInt = 2
    live_stream_retry_ms: PositiveInt = 3000
    live_feed_retention_hours: PositiveFloat = 72.0

    @model_validator(mode="after")
    def _one_tls_mode(self) -> NotificationSettings:
        # The mailer opens TLS at once when SMTP_TLS is set and would silently skip STARTTLS.
        if self.smtp_tls and self.smtp_starttls:
            raise ValueError("SMTP_TLS (TLS from the first byte, port 465) and SMTP_STARTTLS cannot both be true")
        return self


def load(**overrides) -> NotificationSettings:
    return load_settings(NotificationSettings, SERVICE_NAME, **overrides)
