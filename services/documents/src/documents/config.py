"""Settings of the documents service (shared settings plus its own)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from platform_shared.config import Settings, load_settings

from . import SERVICE_NAME

DEFAULT_ALLOWED_TYPES = ("pdf", "png", "jpeg", "docx", "xlsx", "odt", "txt", "csv")
DEFAULT_FINANCIAL_CATEGORIES = ("invoice", "quote")


@dataclass(frozen=True)
class DocumentsSettings(Settings):
    # Where the local storage, converter profiles and temporary files live (DATA_DIR).
    data_dir: str = ""
    # "local" (content-addressed files under DATA_DIR/blobs) or "s3" (boto3, e.g. MinIO).
    storage_backend: str = "local"
    s3_endpoint_url: str = ""
    s3_bucket: str = "documents"
    s3_region: str = "us-east-1"
    s3_access_key_id: str = ""
    s3_secret_access_key: str = ""
    max_upload_bytes: int = 20 * 1024 * 1024
    allowed_types: tuple[str, ...] = DEFAULT_ALLOWED_TYPES
    # Categories whose documents are financial (hidden from participants) unless staff say otherwise.
    financial_categories: tuple[str, ...] = DEFAULT_FINANCIAL_CATEGORIES
    # "auto" (unoserver if LibreOffice and unoserver are installed, else cold soffice, else none),
    # "unoserver", "gotenberg", "soffice", "none".
    converter: str = "auto"
    converter_slots: int = 2
    converter_timeout_seconds: float = 60.0
    converter_start_timeout_seconds: float = 60.0
    uno_python: str = "/usr/bin/python3"
    soffice_path: str = "soffice"
    gotenberg_url: str = "http://127.0.0.1:3000"
    conversion_poll_interval_seconds: float = 0.3
    conversion_max_attempts: int = 3

    @property
    def data_path(self) -> Path:
        return Path(self.data_dir) if self.data_dir else Path.cwd() / "var" / "documents"


def load(**overrides) -> DocumentsSettings:
    return load_settings(DocumentsSettings, SERVICE_NAME, **overrides)
