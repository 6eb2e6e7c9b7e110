"""Settings of the partner-gateway service (shared settings plus its own)."""

from __future__ import annotations

from pydantic import NonNegativeInt, PositiveFloat, PositiveInt

from platform_shared.config import Settings, load_settings

from . import SERVICE_NAME


class PartnerGatewaySettings(Settings):
    # A partner key stays valid until the solicitation's due date plus this grace period.
    key_grace_days: NonNegativeInt = 7
    # A contributor or participant invitation has no due date: its key lives this long.
    invitation_key_days: PositiveInt = 30
    # Attach lock-out: this many failures within the window lock the account for the rest of the window.
    attach_max_failures: PositiveInt = 5
    attach_window_minutes: PositiveInt = 15
    # A manual reminder within this period of the previous one is skipped.
    reminder_quiet_hours: NonNegativeInt = 24
    # The worker reminds unanswered partners this many days before the due date (once).
    auto_reminder_days_before: NonNegativeInt = 2
    auto_reminder_interval_seconds: PositiveFloat = 300.0


def load(**overrides) -> PartnerGatewaySettings:
    return load_settings(PartnerGatewaySettings, SERVICE_NAME, **overrides)
