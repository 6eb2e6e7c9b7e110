"""The language a person reads, and values (dates, amounts) written the way that language writes them.

Every service answers clients in French or English: the token's ``locale`` claim decides, else the
request's ``Accept-Language``, else French. Dates and amounts are formatted by Babel (CLDR data), so
"1 234,56 €" and "12/03/2026" come out exactly as a French reader expects, and "€1,234.56" and
"12 March 2026" as a British English one does.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from babel.dates import format_date as babel_format_date
from babel.numbers import format_currency, format_decimal

LANGUAGES = ("fr", "en")
DEFAULT_LANGUAGE = "fr"
# The CLDR locale each language is written in; English dates are day-first, as on a European certificate.
BABEL_LOCALES = {"fr": "fr_FR", "en": "en_GB"}
DATE_FORMATS = {"fr": "short", "en": "long"}


def supported(language: str | None, languages: Sequence[str] = LANGUAGES) -> str | None:
    """``language`` (``en``, ``en-GB``, ``fr_CA``...) reduced to one of ``languages``, or None."""
    if not language or not isinstance(language, str):
        return None
    primary = language.replace("_", "-").split("-")[0].strip().lower()
    return primary if primary in languages else None


def pick_language(
    locale: str | None,
    accept_language: str | None,
    *,
    languages: Sequence[str] = LANGUAGES,
    default: str = DEFAULT_LANGUAGE,
) -> str:
    """The token's locale when it is one we write, else the best ``Accept-Language`` match, else ``default``."""
    chosen = supported(locale, languages)
    if chosen:
        return chosen
    from werkzeug.datastructures import LanguageAccept  # a request's header: werkzeug is not loaded in the workers
    from werkzeug.http import parse_accept_header

    # In the header's order of preference, each tag counted by its primary language (``en-US`` is English):
    # werkzeug's ``best_match`` prefers a less wanted exact match (``fr``) to a wanted regional one.
    for tag, quality in parse_accept_header(accept_language or "", LanguageAccept):
        chosen = supported(tag, languages)
        if chosen and quality > 0:
            return chosen
    return default


def request_language(caller=None, *, languages: Sequence[str] = LANGUAGES, default: str = DEFAULT_LANGUAGE) -> str:
    """The language of the current Flask request: ``caller.locale``, else ``Accept-Language``, else ``default``."""
    from flask import request

    return pick_language(
        getattr(caller, "locale", None),
        request.headers.get("Accept-Language"),
        languages=languages,
        default=default,
    )


def babel_locale(language: str) -> str:
    return BABEL_LOCALES.get(supported(language) or DEFAULT_LANGUAGE, BABEL_LOCALES[DEFAULT_LANGUAGE])


def format_date(value: date | str | None, language: str) -> str:
    """``12/03/2026`` in French, ``12 March 2026`` in English; empty for no date."""
    if value in (None, ""):
        return ""
    if isinstance(value, str):
        value = date.fromisoformat(value)
    language = supported(language) or DEFAULT_LANGUAGE
    return babel_format_date(value, format=DATE_FORMATS[language], locale=babel_locale(language))


def format_amount(value: Decimal | str | None, language: str, currency: str = "EUR") -> str:
    """``1 234,56 €`` in French, ``€1,234.56`` in English (Babel's spacing: narrow no-break spaces)."""
    if value in (None, ""):
        return ""
    return format_currency(Decimal(value), currency, locale=babel_locale(language))


def format_number(value: Decimal | int | str, language: str) -> str:
    return format_decimal(Decimal(value), locale=babel_locale(language))
