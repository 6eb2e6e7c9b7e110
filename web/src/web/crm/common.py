"""What the CRM's screens share: form values as the APIs want them, API errors by field."""

from __future__ import annotations

from flask import request

from ..api_messages import translated
from ..clients import ApiError


def text(name: str) -> str:
    return (request.form.get(name) or "").strip()


def optional_text(name: str) -> str | None:
    return text(name) or None


def checked(name: str) -> bool:
    return request.form.get(name) in ("on", "true", "1", "yes")


def listed(name: str) -> list[str]:
    """A comma- or line-separated input as a list (blank items dropped)."""
    raw = request.form.get(name) or ""
    return [item.strip() for item in raw.replace("\n", ",").split(",") if item.strip()]


def errors_of(error: ApiError) -> dict[str, str]:
    """The API's ``errors`` by their dotted names, in the person's language when known; the detail under
    ``form`` when nothing names a field."""
    found = {name: translated(message) for name, message in error.errors.items()}
    if not found:
        found["form"] = error.detail or error.title
    return found
