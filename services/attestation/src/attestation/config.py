"""Settings of the attestation service (shared settings plus its own)."""

from __future__ import annotations

from dataclasses import dataclass

from platform_shared.config import Settings, load_settings

from . import SERVICE_NAME


@dataclass(frozen=True)
class AttestationSettings(Settings):
    # A generation is tried this many times (first call included) before the request ends ``failed``.
    render_max_attempts: int = 3
    # Wait before retrying a failed generation, multiplied by the number of attempts made.
    render_retry_delay_seconds: float = 5.0
    # A document still ``rendering`` this long after the request is asked about directly
    # (in case its ``document.rendered`` event is late or lost).
    render_stale_seconds: float = 120.0
    render_job_interval_seconds: float = 2.0
    import_max_bytes: int = 5 * 1024 * 1024


def load(**overrides) -> AttestationSettings:
    return load_settings(AttestationSettings, SERVICE_NAME, **overrides)
