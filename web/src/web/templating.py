"""What every template may use: the signed-in person, the languages, date and size formats, icons."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from flask import Flask, g
from flask_babel import format_currency, format_date, format_datetime, get_locale

from . import labels
from .i18n import LANGUAGE_NAMES


def _parse(value):
    if isinstance(value, datetime | date):
        return value
    if not value:
        return None
    text = str(value)
    try:
        if len(text) == 10:
            return date.fromisoformat(text)
        return datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None


def when(value, style: str = "medium") -> str:
    parsed = _parse(value)
    if parsed is None:
        return str(value or "")
    if isinstance(parsed, datetime):
        return format_datetime(parsed, "short" if style == "short" else "medium")
    return format_date(parsed, style)


def day(value) -> str:
    parsed = _parse(value)
    if parsed is None:
        return str(value or "")
    return format_date(parsed.date() if isinstance(parsed, datetime) else parsed, "medium")


def file_size(size) -> str:
    try:
        size = int(size)
    except (TypeError, ValueError):
        return ""
    for unit in ("B", "KB", "MB"):
        if size < 1024 or unit == "MB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    return ""


def money(value, currency: str = "EUR") -> str:
    """An amount as the API sends it (a decimal string), in the person's language; never through float."""
    try:
        return format_currency(Decimal(str(value)), currency)
    except (InvalidOperation, ValueError):
        return str(value or "")


def duration(minutes) -> str:
    """Minutes as people read a duration: "45 min", "1 h 30", "2 h"."""
    try:
        minutes = int(minutes)
    except (TypeError, ValueError):
        return ""
    hours, rest = divmod(minutes, 60)
    if not hours:
        return f"{rest} min"
    return f"{hours} h {rest:02d}" if rest else f"{hours} h"


def zip_labels(values, items) -> list[tuple[str, str]]:
    """``(value, label)`` options: each value with its item's ``name`` (or ``label``, or the value itself)."""
    return [
        (value, str(item.get("name") or item.get("label") or value)) for value, item in zip(values, items, strict=False)
    ]


def register(app: Flask) -> None:
    app.jinja_env.filters.update(when=when, day=day, file_size=file_size, zip_labels=zip_labels, duration=duration)
    app.jinja_env.filters.update(
        category_option=lambda code: (code, labels.label(labels.DOCUMENT_CATEGORIES, code)),
        note_option=lambda code: (code, labels.label(labels.STAFF_NOTE_AUDIENCES, code)),
        pair=lambda code: (code, code),
        prefix=lambda value, text: f"{text}{value}",
    )
    # Globals (not context): macros imported without context use them too.
    app.jinja_env.globals.update(
        labels=labels,
        role_label=lambda role: labels.label(labels.ROLES, role),
        role_name=lambda code: str(code or "").replace("_", " ").capitalize(),
        tone=labels.tone,
        money=money,
        timeline_text=labels.timeline_text,
    )
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True

    @app.context_processor
    def common():
        settings = app.extensions["web.settings"]
        return {
            "person": g.get("person"),
            "languages": LANGUAGE_NAMES,
            "current_language": str(get_locale() or settings.web_default_locale),
            "development_sign_in": settings.development_sign_in,
        }
