import json

import pytest

from platform_shared.auth import Caller
from platform_shared.logs import correlation_id_var
from platform_shared.messaging.envelope import InvalidEnvelope, new_envelope, parse_envelope
from platform_shared.messaging.sealed import SealError, seal, unseal


def test_an_envelope_round_trips_with_every_field_of_the_design():
    envelope = new_envelope(
        "dossier.created", {"dossier_id": "d1"}, producer="dossier", actor={"sub": "alice", "role": "agent"}
    )
    raw = json.loads(envelope.to_json())
    assert set(raw) == {"id", "type", "version", "occurred_at", "producer", "correlation_id", "actor", "data"}
    assert raw["occurred_at"].endswith("Z")
    assert parse_envelope(envelope.to_json()) == envelope


def test_an_actor_key_a_later_release_adds_does_not_make_the_event_invalid():
    body = new_envelope(
        "dossier.note_added", {"dossier_id": "d1"}, producer="dossier", actor={"sub": "alice", "role": "agent"}
    ).to_dict()
    body["actor"]["department"] = "legal"
    assert parse_envelope(json.dumps(body)).actor == {"sub": "alice", "role": "agent", "department": "legal"}


def test_an_actor_with_the_callers_company_is_a_valid_envelope_actor():
    actor = Caller(sub="claire", role="client", org="acme", email="claire@acme.test").as_actor()
    envelope = new_envelope("dossier.note_added", {"dossier_id": "d1"}, producer="dossier", actor=actor)
    assert parse_envelope(envelope.to_json()).actor == actor


def test_publishing_an_event_with_a_malformed_type_is_refused():
    with pytest.raises(InvalidEnvelope):
        new_envelope("DossierCreated", {}, producer="dossier")


@pytest.mark.parametrize(
    "body",
    [
        b"not json",
        b"[]",
        json.dumps({"id": "x"}).encode(),
        json.dumps(
            {
                "id": "6f1c6ad0-3f3e-4a4c-9a43-6f0b1b8c8c5e",
                "type": "a.b",
                "version": 1,
                "occurred_at": "2026-01-01T00:00:00Z",
                "producer": "p",
                "correlation_id": None,
                "actor": None,
                "data": {},
                "extra": 1,
            }
        ).encode(),
    ],
)
def test_consuming_a_message_that_is_not_a_valid_envelope_is_refused(body):
    with pytest.raises(InvalidEnvelope):
        parse_envelope(body)


def test_the_correlation_id_being_served_travels_into_the_event():
    token = correlation_id_var.set("req-42")
    try:
        assert new_envelope("a.b", {}, producer="p").correlation_id == "req-42"
    finally:
        correlation_id_var.reset(token)


def test_a_sealed_secret_opens_only_with_the_same_key():
    sealed = seal("7KQ2-M9XD", "key-one")
    assert "7KQ2" not in sealed
    assert unseal(sealed, "key-one") == "7KQ2-M9XD"
    with pytest.raises(SealError):
        unseal(sealed, "key-two")
