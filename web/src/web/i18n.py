"""French by default, English available: the language the person chose, else their ``locale`` claim, else
what the browser asks for."""

from __future__ import annotations

from flask import current_app, request, session

LANGUAGES = ("fr", "en")
LANGUAGE_NAMES = {"fr": "Français", "en": "English"}
SESSION_KEY = "language"


def _supported(value: str | None) -> str | None:
    if not value:
        return None
    language = value.replace("_", "-").split("-")[0].lower()
    return language if language in LANGUAGES else None


def select_locale() -> str:
    from .identity import current_person

    chosen = _supported(session.get(SESSION_KEY))
    if chosen:
        return chosen
    person = current_person()
    if person and _supported(person.locale):
        return _supported(person.locale)
    browser = request.accept_languages.best_match(LANGUAGES) if request else None
    return browser or current_app.config["BABEL_DEFAULT_LOCALE"]


def choose(language: str) -> bool:
    supported = _supported(language)
    if supported:
        session[SESSION_KEY] = supported
    return bool(supported)
