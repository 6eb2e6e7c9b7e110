"""A dossier model's fields as form inputs: what a submitted value becomes before the API checks it."""

from __future__ import annotations

from web.portal import model_fields
from web.portal.model_fields import ModelField


def fields(*items: ModelField) -> list[ModelField]:
    return list(items)


def test_numbers_and_amounts_are_read_in_french_or_english_notation_and_sent_as_json_numbers(app):
    with app.test_request_context():
        specs = fields(
            ModelField("budget", "Budget", "amount", "write"), ModelField("count", "Count", "number", "write")
        )
        parsed = model_fields.parse(specs, {"field-budget": "18 500,50", "field-count": "3"})
    assert parsed.values == {"budget": 18500.5, "count": 3} and parsed.errors == {}


def test_an_amount_with_more_than_cents_or_letters_is_refused(app):
    with app.test_request_context():
        specs = fields(
            ModelField("budget", "Budget", "amount", "write"), ModelField("count", "Count", "number", "write")
        )
        parsed = model_fields.parse(specs, {"field-budget": "12.345", "field-count": "trois"})
    assert set(parsed.errors) == {"budget", "count"}


def test_read_only_fields_are_never_sent_and_a_cleared_optional_field_is_sent_as_empty(app):
    with app.test_request_context():
        specs = fields(
            ModelField("address", "Address", "text", "write"),
            ModelField("budget", "Budget", "amount", "read"),
            ModelField("start", "Start", "date", "write"),
            ModelField("urgent", "Urgent", "boolean", "write"),
        )
        parsed = model_fields.parse(specs, {"field-address": "", "field-budget": "1", "field-start": ""})
    assert parsed.values == {"address": "", "start": None, "urgent": False}


def test_dates_must_be_real_dates(app):
    with app.test_request_context():
        parsed = model_fields.parse(
            fields(ModelField("start", "Start", "date", "write")), {"field-start": "2026-02-30"}
        )
    assert "start" in parsed.errors
