"""Settings of the partner-gateway service (shared settings plus its own)."""
from __future__ import annotations

from dataclasses import dataclass

from platform_shared.config import Settings, load_settings

from . import SERVICE_NAME


@dataclass(frozen=True)
class PartnerGatewaySettings(Settings):
    pass


def load(**overrides) -> PartnerGatewaySettings:
    return load_settings(PartnerGatewaySettings, SERVICE_NAME, **overrides)
