"""Classifying a portal request: admin rules (keywords found in the title, the description and chosen fields)
put it into one of the configured categories; the first rule that matches wins, and says why.

Keywords match at the start of a word, whatever the case and the accents ("brevet" finds "Brevets" and
"BREVET"; "contrefacon" finds "contrefaçon"), so a keyword catches its plural without catching the inside of
another word.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

WHERE_TITLE, WHERE_DESCRIPTION = "title", "description"


@dataclass(frozen=True)
class ClassificationRule:
    id: str
    name: str
    category: str
    keywords: tuple[str, ...]
    fields: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()  # empty: dossier and contract requests alike


@dataclass(frozen=True)
class Match:
    """Why a request got its category: the rule, the keyword, and where it was found (title, description,
    or ``fields.<key>``)."""

    rule_id: str
    rule_name: str
    category: str
    keyword: str
    found_in: str

    def as_dict(self) -> dict[str, str]:
        return {
            "source": "rule",
            "rule_id": self.rule_id,
            "rule_name": self.rule_name,
            "keyword": self.keyword,
            "found_in": self.found_in,
        }


def folded(text: str) -> str:
    """Lower case without accents: what keywords are compared on."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _found(keyword: str, text: str) -> bool:
    needle = folded(keyword).strip()
    return bool(needle) and re.search(r"(?<!\w)" + re.escape(needle), folded(text)) is not None


def _places(rule: ClassificationRule, title: str, description: str, values: Mapping[str, Any]) -> list[tuple]:
    places = [(WHERE_TITLE, title or ""), (WHERE_DESCRIPTION, description or "")]
    for key in rule.fields:
        value = values.get(key)
        if isinstance(value, str | int | float) and not isinstance(value, bool):
            places.append((f"fields.{key}", str(value)))
    return places


def classify(
    rules: Iterable[ClassificationRule], *, kind: str, title: str, description: str, values: Mapping[str, Any]
) -> Match | None:
    """The first rule (in order) with a keyword in one of its places, or None."""
    for rule in rules:
        if rule.kinds and kind not in rule.kinds:
            continue
        for where, text in _places(rule, title, description, values):
            for keyword in rule.keywords:
                if _found(keyword, text):
                    return Match(rule.id, rule.name, rule.category, keyword, where)
    return None


def unknown_categories(rule_categories: Sequence[str], configured: Iterable[str]) -> list[str]:
    known = set(configured)
    return [category for category in rule_categories if category not in known]
