"""The event schemas (platform_shared.events): checked when recorded, when consumed, and as AsyncAPI."""

import json
from pathlib import Path

import jsonschema
import pytest
from marshmallow import Schema, fields
from sqlalchemy import func, select

from platform_shared.events import EVENTS, EventType, InvalidEventData, check_consumed, check_recorded, event_data
from platform_shared.events.asyncapi import asyncapi_document, data_json_schema
from platform_shared.events.base import Text, is_conditional
from platform_shared.events.contracts_doc import producers_in, refresh
from platform_shared.events.dossier import DossierClosed
from platform_shared.messaging.envelope import new_envelope
from platform_shared.messaging.inbox import handle_once
from platform_shared.messaging.outbox import record_event
from platform_shared.messaging.tables import outbox_table
from platform_shared.testing.unit import deliver

NOTE = {
    "dossier_id": "d-1",
    "note_id": "n-1",
    "visibility": "internal",
    "author_sub": "alice",
    "author_role": "agent",
    "excerpt": "Call the client back.",
}


def _outbox_rows(db) -> int:
    with db.read_only() as session:
        return session.execute(select(func.count()).select_from(outbox_table)).scalar_one()


def test_a_payload_matching_its_schema_is_recorded(db):
    with db.transaction() as session:
        record_event(session, "dossier.note_added", NOTE, producer="dossier")
    assert _outbox_rows(db) == 1


@pytest.mark.parametrize(
    "change, field",
    [
        ({"dossier_id": None}, "dossier_id"),  # a required field null
        ({"visibility": 3}, "visibility"),  # a wrong type
        ({"author_name": "Alice"}, "author_name"),  # a key the schema does not declare
    ],
)
def test_recording_a_payload_that_does_not_match_its_schema_raises_and_writes_nothing(db, change, field):
    with pytest.raises(InvalidEventData, match=field), db.transaction() as session:
        record_event(session, "dossier.note_added", {**NOTE, **change}, producer="dossier")
    assert _outbox_rows(db) == 0


def test_a_producer_may_not_leave_out_a_field_it_always_sends_even_an_optional_one(db):
    without_excerpt = {key: value for key, value in NOTE.items() if key != "excerpt"}
    assert check_consumed("dossier.note_added", without_excerpt) is None  # an older event may lack it
    with pytest.raises(InvalidEventData, match="excerpt"), db.transaction() as session:
        record_event(session, "dossier.note_added", without_excerpt, producer="dossier")


def _value(field: fields.Field):
    """The least a field accepts: null where it may be, else a value of its type."""
    if field.allow_none and not field.required:
        return None
    if isinstance(field, fields.Nested):
        return _sample(field.nested())
    samples = {fields.Boolean: True, fields.Integer: 1, fields.List: [], fields.String: "x-1"}
    return next(value for kind, value in samples.items() if isinstance(field, kind))


def _sample(schema: Schema) -> dict:
    return {field.data_key or name: _value(field) for name, field in schema.fields.items() if not is_conditional(field)}


def test_a_conditional_field_may_be_left_out_by_the_producer():
    schema = EVENTS["solicitation.created"].schema()
    assert is_conditional(schema.fields["sealed_key"])
    check_recorded("solicitation.created", _sample(schema), producer="partner-gateway")
    with pytest.raises(InvalidEventData, match="partner_name"):
        check_recorded(
            "solicitation.created",
            {key: value for key, value in _sample(schema).items() if key != "partner_name"},
            producer="partner-gateway",
        )


def test_a_platform_service_may_not_record_a_type_it_does_not_declare(db):
    for event_type, producer in (("dossier.archived", "dossier"), ("document.added", "dossier")):
        with pytest.raises(InvalidEventData, match="declares no event type"), db.transaction() as session:
            record_event(session, event_type, {"dossier_id": "d-1"}, producer=producer)
    assert _outbox_rows(db) == 0


def test_a_consumer_keeps_keys_a_newer_producer_added_and_refuses_a_missing_required_field():
    assert check_consumed("dossier.note_added", {**NOTE, "added_later": 1}) is None
    problem = check_consumed("dossier.note_added", {"note_id": "n-1"})
    assert problem.startswith("data of 'dossier.note_added' does not match its schema") and "dossier_id" in problem
    assert "not an object" in check_consumed("dossier.closed", ["d-1"])
    assert check_consumed("thing.created", {"anything": True}) is None  # not a platform type


def test_event_data_gives_the_handler_every_declared_field_and_keeps_unknown_ones():
    envelope = new_envelope("dossier.closed", {"dossier_id": "d-1", "later": "x"}, producer="dossier")
    assert event_data(envelope) == {"dossier_id": "d-1", "closed_at": None, "later": "x"}
    status = new_envelope("dossier.status_changed", {"dossier_id": "d-1", "from": "new", "to": "open"}, producer="p")
    assert event_data(status)["from"] == "new"  # a Python keyword, declared as the field name
    with pytest.raises(InvalidEventData, match="dossier_id"):
        event_data(new_envelope("dossier.closed", {}, producer="dossier"))


def test_delivering_a_malformed_event_in_unit_tests_raises_as_the_consumer_would_dead_letter_it(db):
    ran: list[str] = []
    handlers = {"dossier.closed": lambda session, envelope: ran.append(envelope.id)}
    with pytest.raises(InvalidEventData):
        deliver(db, "demo", handlers, "dossier.closed", {"closed_at": "2026-01-01T00:00:00Z"})
    envelope = deliver(db, "demo", handlers, "dossier.closed", {"dossier_id": "d-1"})
    assert ran == [envelope.id]
    assert handle_once(db, "demo", handlers, envelope) is False  # the inbox still works as before


def test_every_event_schema_converts_to_a_json_schema_that_accepts_a_payload_its_producer_may_record():
    for event_type, event in EVENTS.items():
        converted = data_json_schema(event.schema)
        jsonschema.Draft202012Validator.check_schema(converted)
        payload = _sample(event.schema())
        check_recorded(event_type, payload, producer=event.producer)
        jsonschema.validate(payload, converted, cls=jsonschema.Draft202012Validator)
        assert converted["description"], f"{event_type}: the schema's docstring describes the event"


def test_the_asyncapi_document_sends_what_the_service_produces_and_receives_what_it_handles():
    document = asyncapi_document("attestation", receives=["document.rendered", "dossier.created", "thing.else"])
    assert document["asyncapi"] == "3.0.0"
    actions = {
        (operation["action"], document["channels"][operation["channel"]["$ref"].rsplit("/", 1)[1]]["address"])
        for operation in document["operations"].values()
    }
    sent = {name for name, event in EVENTS.items() if event.producer == "attestation"}
    assert actions == {("send", name) for name in sent} | {
        ("receive", "document.rendered"),
        ("receive", "dossier.created"),
    }
    message = document["components"]["messages"]["attestation_failed"]
    assert message["payload"]["allOf"][1]["properties"]["data"] == {"$ref": "#/components/schemas/AttestationFailed"}
    failed = document["components"]["schemas"]["AttestationFailed"]
    assert "only when" in failed["properties"]["dossier_id"]["description"]
    json.dumps(document)  # plain JSON


def test_the_asyncapi_document_is_served_publicly_next_to_the_openapi(client):
    response = client.get("/asyncapi.json")
    assert response.status_code == 200
    assert response.get_json()["info"]["title"] == "Demo: events"  # no token needed


CONTRACTS = Path(__file__).resolve().parents[2] / "docs" / "contracts.md"


def test_the_event_tables_of_contracts_md_are_the_ones_the_schemas_write():
    text = CONTRACTS.read_text(encoding="utf-8")
    assert sorted(producers_in(text)) == sorted({event.producer for event in EVENTS.values()})
    assert refresh(text) == text, "run: python -m platform_shared.events.contracts_doc docs/contracts.md"


def test_the_contracts_check_fails_for_an_undocumented_type_or_field(monkeypatch):
    text = CONTRACTS.read_text(encoding="utf-8")
    monkeypatch.setitem(EVENTS, "dossier.archived", EventType("dossier.archived", "dossier", DossierClosed))
    assert refresh(text) != text and "`dossier.archived`" in refresh(text)
    monkeypatch.delitem(EVENTS, "dossier.archived")
    monkeypatch.setitem(DossierClosed._declared_fields, "closed_by", Text())
    assert "`closed_by`" in refresh(text) and refresh(text) != text
