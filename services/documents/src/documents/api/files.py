"""What the upload routes share: the app's storage, and an uploaded file spooled to disk for one request."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from flask import current_app

from platform_shared.web import app_settings

from ..storage import Spooled, Storage, spool, tmp_dir


def app_storage() -> Storage:
    return current_app.extensions["documents_storage"]


@contextlib.contextmanager
def spooled_upload(upload) -> Iterator[Spooled]:
    """The upload's bytes in a temporary file (413 past ``MAX_UPLOAD_BYTES``), removed when the block ends."""
    settings = app_settings()
    spooled = spool(upload.stream, tmp_dir(settings), settings.max_upload_bytes)
    try:
        yield spooled
    finally:
        spooled.path.unlink(missing_ok=True)
