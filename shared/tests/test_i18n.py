"""The language a person reads (token locale, then Accept-Language, then French) and values written in it."""

from datetime import date
from decimal import Decimal

import pytest

from platform_shared.auth import Caller, mint_token
from platform_shared.i18n import format_amount, format_date, pick_language, request_language


def test_the_tokens_locale_wins_over_accept_language():
    assert pick_language("en-GB", "fr-FR,fr;q=0.9") == "en"
    assert pick_language("fr", "en") == "fr"


def test_accept_language_decides_without_a_locale_claim():
    assert pick_language(None, "de-DE,en-US;q=0.8,fr;q=0.5") == "en"
    assert pick_language(None, "fr-CA") == "fr"


def test_french_is_the_default_for_an_unknown_or_missing_language():
    assert pick_language(None, None) == "fr"
    assert pick_language("de", "es, it;q=0.5") == "fr"
    assert pick_language("", "") == "fr"


def test_request_language_reads_the_caller_and_the_header():
    from flask import Flask

    app = Flask("i18n")
    with app.test_request_context(headers={"Accept-Language": "en"}):
        assert request_language() == "en"
        assert request_language(Caller(sub="x", role="client", locale="fr")) == "fr"
    with app.test_request_context():
        assert request_language(Caller(sub="x", role="client")) == "fr"


@pytest.mark.parametrize(
    ("language", "expected"), [("fr", "12/03/2026"), ("en", "12 March 2026"), ("de", "12/03/2026")]
)
def test_dates_are_written_the_way_the_language_writes_them(language, expected):
    assert format_date(date(2026, 3, 12), language) == expected
    assert format_date("2026-03-12", language) == expected


def test_amounts_are_written_the_way_the_language_writes_them():
    assert format_amount(Decimal("1234.56"), "fr") == "1\u202f234,56\xa0€"
    assert format_amount("1234.56", "en") == "€1,234.56"
    assert format_amount(None, "fr") == "" and format_date(None, "fr") == ""


def test_a_token_carries_locale_and_company_name_into_the_caller_and_the_events_actor():
    from platform_shared.auth import TokenVerifier
    from platform_shared.config import load_settings

    settings = load_settings(service_name="test")
    token = mint_token(settings, sub="camille", role="client", org="org-7", org_name="Acme SA", locale="en")
    caller = TokenVerifier(settings).verify(token)
    assert (caller.org_name, caller.locale) == ("Acme SA", "en")
    assert caller.as_actor() == {
        "sub": "camille",
        "role": "client",
        "org": "org-7",
        "org_name": "Acme SA",
        "locale": "en",
    }
