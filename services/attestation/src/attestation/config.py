"""Settings of the attestation service (shared settings plus its own)."""

from __future__ import annotations

from pydantic import Field, NonNegativeFloat, NonNegativeInt, PositiveFloat, PositiveInt

from platform_shared.config import Settings, load_settings

from . import SERVICE_NAME


class AttestationSettings(Settings):
    # A generation is tried this many times (first call included) before the request ends ``failed``.
    render_max_attempts: PositiveInt = 3
    # Wait before retrying a failed generation, multiplied by the number of attempts made.
    render_retry_delay_seconds: NonNegativeFloat = 5.0
    # A document still ``rendering`` this long after the request is asked about directly
    # (in case its ``document.rendered`` event is late or lost).
    render_stale_seconds: NonNegativeFloat = 120.0
    render_job_interval_seconds: PositiveFloat = 2.0
    import_max_bytes: PositiveInt = 5 * 1024 * 1024
    verification_base_url: str = Field(
        "http://127.0.0.1:8003/verify",
        description="The public page an attestation's QR code and printed link point to: <this>/<code>.",
    )
    verification_rate_limit: PositiveInt = Field(
        30, description="Verifications (page or JSON) one client address may make per window."
    )
    verification_rate_window_seconds: PositiveInt = Field(60, description="The rate limit's fixed window.")
    trusted_proxy_hops: NonNegativeInt = Field(
        0,
        description="Reverse proxies in front of the API whose X-Forwarded-For is trusted to name the client "
        "address (0: the TCP peer is the client).",
    )


def load(**overrides) -> AttestationSettings:
    return load_settings(AttestationSettings, SERVICE_NAME, **overrides)
