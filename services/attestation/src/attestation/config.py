"""Settings of the attestation service (shared settings plus its own)."""
from __future__ import annotations

from dataclasses import dataclass

from platform_shared.config import Settings, load_settings

from . import SERVICE_NAME


@dataclass(frozen=True)
class AttestationSettings(Settings):
    pass


def load(**overrides) -> AttestationSettings:
    return load_settings(AttestationSettings, SERVICE_NAME, **overrides)
