"""File rules: the type read from the bytes, safe display names, the download headers."""

from __future__ import annotations

import re
import unicodedata
import zipfile
from pathlib import Path
from urllib.parse import quote

CONTENT_TYPES = {
    "pdf": "application/pdf",
    "png": "image/png",
    "jpeg": "image/jpeg",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "odt": "application/vnd.oasis.opendocument.text",
    "txt": "text/plain; charset=utf-8",
    "csv": "text/csv; charset=utf-8",
}
# The extensions a name may carry for each kind (a name without an extension is accepted).
EXTENSIONS = {
    "pdf": {"pdf"},
    "png": {"png"},
    "jpeg": {"jpg", "jpeg", "jpe"},
    "docx": {"docx"},
    "xlsx": {"xlsx"},
    "odt": {"odt"},
    "txt": {"txt", "text", "log", "md"},
    "csv": {"csv"},
}
_OOXML_MAIN_PARTS = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
}
_TEXT_SAMPLE_BYTES = 64 * 1024
_MAX_NAME_LENGTH = 200


def _read_head(archive: zipfile.ZipFile, name: str) -> bytes:
    """At most the first 64 KiB of a member, however much it inflates to (zip bombs)."""
    with archive.open(name) as member:
        return member.read(_TEXT_SAMPLE_BYTES)


def _sniff_zip(path: Path) -> str | None:
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            if (
                "mimetype" in names
                and _read_head(archive, "mimetype").strip() == b"application/vnd.oasis.opendocument.text"
            ):
                return "odt"
            if "[Content_Types].xml" in names:
                content_types = _read_head(archive, "[Content_Types].xml").decode("utf-8", "replace")
                for kind, main_part in _OOXML_MAIN_PARTS.items():
                    if main_part in content_types:
                        return kind
    except (zipfile.BadZipFile, OSError, KeyError, RuntimeError, NotImplementedError):
        return None
    return None


def _looks_like_text(sample: bytes) -> bool:
    if b"\x00" in sample:
        return False
    try:
        text = sample.decode("utf-8")
    except UnicodeDecodeError as error:
        # A multi-byte character cut by the end of the sample is still text.
        if error.start < len(sample) - 4:
            return False
        text = sample[: error.start].decode("utf-8")
    return all(char.isprintable() or char in "\t\r\n\f" for char in text)


def sniff_kind(path: Path, filename: str) -> str | None:
    """The kind of the file at ``path`` judged on its bytes only (``filename`` only tells csv from txt)."""
    with open(path, "rb") as handle:
        head = handle.read(_TEXT_SAMPLE_BYTES)
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"PK\x03\x04"):
        return _sniff_zip(path)
    if head and _looks_like_text(head):
        return "csv" if extension_of(filename) == "csv" else "txt"
    return None


def extension_of(filename: str) -> str:
    stem, dot, extension = filename.rpartition(".")
    return extension.lower() if dot and stem else ""


def name_matches_kind(filename: str, kind: str) -> bool:
    """A name claiming another type than its bytes is a lie (415); no extension at all is fine."""
    extension = extension_of(filename)
    return not extension or extension in EXTENSIONS[kind]


def sanitise_filename(raw: str | None, fallback: str = "file") -> str:
    """A display name only (never a path): last path segment, no control characters, no leading dots."""
    name = unicodedata.normalize("NFC", raw or "")
    name = re.split(r"[\\/]", name)[-1]
    name = "".join(char for char in name if char.isprintable())
    name = name.strip().lstrip(".").strip()
    if len(name) > _MAX_NAME_LENGTH:
        stem, dot, extension = name.rpartition(".")
        keep = _MAX_NAME_LENGTH - len(extension) - 1 if dot and len(extension) < 16 else _MAX_NAME_LENGTH
        name = (stem[:keep] + "." + extension) if dot and len(extension) < 16 else name[:keep]
    return name or fallback


def content_disposition(filename: str) -> str:
    """``attachment`` with an ASCII fallback and the exact UTF-8 name (RFC 6266 / RFC 5987)."""
    ascii_name = unicodedata.normalize("NFKD", filename).encode("ascii", "ignore").decode("ascii")
    ascii_name = re.sub(r"[^A-Za-z0-9._ ()+,-]", "_", ascii_name).strip() or "file"
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename, safe='')}"
