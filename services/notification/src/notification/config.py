"""Settings of the notification service (shared settings plus its own)."""

from __future__ import annotations

from dataclasses import dataclass

from platform_shared.config import Settings, load_settings

from . import SERVICE_NAME


@dataclass(frozen=True)
class NotificationSettings(Settings):
    # SMTP (the embedded default is the local catcher of `make run`)
    smtp_host: str = "127.0.0.1"
    smtp_port: int = 1025
    smtp_username: str = ""
    smtp_password: str = ""
    smtp_starttls: bool = False
    smtp_tls: bool = False
    smtp_timeout_seconds: float = 10.0
    mail_from: str = "Dossier platform <no-reply@dossier-platform.local>"
    # Front-end pages linked from emails
    crm_base_url: str = "http://127.0.0.1:3000/crm"
    portal_base_url: str = "http://127.0.0.1:3000/portal"
    default_language: str = "fr"
    # Sending
    sender_interval_seconds: float = 0.5
    sender_batch_size: int = 100
    sender_claim_size: int = 1  # emails claimed per transaction: 1 = the smallest crash window
    send_max_attempts: int = 6
    retry_base_seconds: float = 30.0
    retry_max_seconds: float = 3600.0
    debounce_seconds: float = 30.0
    stale_sending_seconds: float = 300.0


def load(**overrides) -> NotificationSettings:
    return load_settings(NotificationSettings, SERVICE_NAME, **overrides)
