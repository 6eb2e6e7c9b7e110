"""Settings of the documents service (shared settings plus its own)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, PositiveFloat, PositiveInt

from platform_shared.config import CREDENTIAL, CommaSeparated, LowerCase, Settings, load_settings, one_of

from . import SERVICE_NAME
from .domain.files import CONTENT_TYPES

DEFAULT_ALLOWED_TYPES = ("pdf", "png", "jpeg", "docx", "xlsx", "odt", "txt", "csv")
DEFAULT_FINANCIAL_CATEGORIES = ("invoice", "quote", "order")
# "auto" (unoserver if LibreOffice and unoserver are installed, else cold soffice, else none),
# or one of the converters ``conversion.make_converter`` builds.
ConverterName = Literal["auto", "unoserver", "gotenberg", "soffice", "none"]


class DocumentsSettings(Settings):
    # Where the local storage, converter profiles and temporary files live (DATA_DIR).
    data_dir: str = ""
    # "local" (content-addressed files under DATA_DIR/blobs) or "s3" (boto3, e.g. MinIO).
    storage_backend: Annotated[Literal["local", "s3"], LowerCase] = "local"
    s3_endpoint_url: str = ""
    s3_bucket: str = "documents"
    s3_region: str = "us-east-1"
    s3_access_key_id: str = ""
    s3_secret_access_key: Annotated[str, CREDENTIAL] = ""
    max_upload_bytes: PositiveInt = 20 * 1024 * 1024
    # The file types accepted on upload, among those the service recognises from a file's bytes.
    allowed_types: CommaSeparated[Annotated[str, LowerCase, one_of(CONTENT_TYPES)]] = DEFAULT_ALLOWED_TYPES
    # Categories whose documents are financial (hidden from participants) unless staff say otherwise.
    financial_categories: CommaSeparated[str] = DEFAULT_FINANCIAL_CATEGORIES
    converter: Annotated[ConverterName, LowerCase] = "auto"
    converter_slots: PositiveInt = 2
    converter_timeout_seconds: PositiveFloat = 60.0
    converter_start_timeout_seconds: PositiveFloat = 60.0
    uno_python: str = "/usr/bin/python3"
    soffice_path: str = "soffice"
    gotenberg_url: str = "http://127.0.0.1:3000"
    conversion_poll_interval_seconds: PositiveFloat = 0.3
    conversion_max_attempts: PositiveInt = 3
    # Template renders (conversion/render_process.py): each in a child process with these limits.
    render_timeout_seconds: PositiveFloat = Field(10.0, description="Wall-clock limit of one render (422 past it).")
    render_memory_bytes: PositiveInt = Field(
        256 * 1024 * 1024,
        description="Address-space limit of the process a render runs in (422 past it); a render process "
        "starts at about 50 MiB. Concurrent renders times this must fit the API's memory limit.",
    )
    render_output_bytes: PositiveInt = Field(
        20 * 1024 * 1024, description="Largest .docx a render may produce (422 past it)."
    )

    @property
    def data_path(self) -> Path:
        return Path(self.data_dir) if self.data_dir else Path.cwd() / "var" / "documents"


def load(**overrides) -> DocumentsSettings:
    return load_settings(DocumentsSettings, SERVICE_NAME, **overrides)
