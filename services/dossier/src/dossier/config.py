"""Settings of the dossier service (shared settings plus its own)."""

from __future__ import annotations

from platform_shared.config import Settings, load_settings

from . import SERVICE_NAME


class DossierSettings(Settings):
    reference_prefix: str = "DOS"


def load(**overrides) -> DossierSettings:
    return load_settings(DossierSettings, SERVICE_NAME, **overrides)
