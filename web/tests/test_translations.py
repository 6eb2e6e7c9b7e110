"""Every sentence of the pages has its French translation (French is the default language)."""

from __future__ import annotations

from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

WEB = Path(__file__).resolve().parents[1]
CATALOG = WEB / "src" / "web" / "translations" / "fr" / "LC_MESSAGES" / "messages.po"
METHODS = [("src/web/**.py", "python"), ("src/web/templates/**.html", "jinja2")]
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "lazy_gettext": None, "_l": None}


def extracted() -> set[str]:
    found = set()
    for _, _, message, _, _ in extract_from_dir(str(WEB), METHODS, keywords=KEYWORDS):
        found.add(message[0] if isinstance(message, tuple) else message)
    return found


def test_every_message_of_the_web_application_is_translated_into_french():
    with CATALOG.open("rb") as handle:
        catalog = read_po(handle)
    translated = {
        (message.id[0] if isinstance(message.id, tuple) else message.id)
        for message in catalog
        if message.id and all(message.string) and not message.fuzzy
    }
    missing = sorted(extracted() - translated)
    assert not missing, f"untranslated (run pybabel update, see web/README.md): {missing}"
