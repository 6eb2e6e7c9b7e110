"""Settings of the partner-gateway service (shared settings plus its own)."""

from __future__ import annotations

from dataclasses import dataclass

from platform_shared.config import Settings, load_settings

from . import SERVICE_NAME


@dataclass(frozen=True)
class PartnerGatewaySettings(Settings):
    # A partner key stays valid until the solicitation's due date plus this grace period.
    key_grace_days: int = 7
    # A contributor or participant invitation has no due date: its key lives this long.
    invitation_key_days: int = 30
    # Attach lock-out: this many failures within the window lock the account for the rest of the window.
    attach_max_failures: int = 5
    attach_window_minutes: int = 15
    # A manual reminder within this period of the previous one is skipped.
    reminder_quiet_hours: int = 24
    # The worker reminds unanswered partners this many days before the due date (once).
    auto_reminder_days_before: int = 2
    auto_reminder_interval_seconds: float = 300.0


def load(**overrides) -> PartnerGatewaySettings:
    return load_settings(PartnerGatewaySettings, SERVICE_NAME, **overrides)
