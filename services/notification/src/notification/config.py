"""Settings of the notification service (shared settings plus its own)."""
from __future__ import annotations

from dataclasses import dataclass

from platform_shared.config import Settings, load_settings

from . import SERVICE_NAME


@dataclass(frozen=True)
class NotificationSettings(Settings):
    pass


def load(**overrides) -> NotificationSettings:
    return load_settings(NotificationSettings, SERVICE_NAME, **overrides)
