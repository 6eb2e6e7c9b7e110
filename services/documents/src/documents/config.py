"""Settings of the documents service (shared settings plus its own)."""
from __future__ import annotations

from dataclasses import dataclass

from platform_shared.config import Settings, load_settings

from . import SERVICE_NAME


@dataclass(frozen=True)
class DocumentsSettings(Settings):
    pass


def load(**overrides) -> DocumentsSettings:
    return load_settings(DocumentsSettings, SERVICE_NAME, **overrides)
