"""The live stream (GET /me/stream): what each person hears of, replay after Last-Event-ID, its bounds."""

import json
from datetime import timedelta

from sqlalchemy import func, select

from notification.db import LiveEvent
from notification.jobs import live_feed_retention_job
from platform_shared import clock
from platform_shared.testing.unit import bearer

STREAM = "/api/v1/me/stream"


def _events(client, headers, after=0, **params):
    """Every SSE event of a stream that replays what follows ``after`` and ends (max_seconds=0)."""
    response = client.get(
        STREAM, query_string={"max_seconds": 0, **params}, headers={**headers, "Last-Event-ID": str(after)}
    )
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.mimetype == "text/event-stream"
    events = []
    for block in response.get_data(as_text=True).split("\n\n"):
        fields = dict(line.split(": ", 1) for line in block.splitlines() if line and not line.startswith(":"))
        if "id" in fields:
            events.append({"id": int(fields["id"]), "event": fields["event"], "data": json.loads(fields["data"])})
    return events


def _changes(client, headers, dossier_id):
    return [
        e["data"]["type"]
        for e in _events(client, headers)
        if e["event"] == "dossier" and e["data"]["dossier_id"] == dossier_id
    ]


def _note(publish, dossier_id, visibility, actor=None):
    return publish(
        "dossier.note_added",
        {"dossier_id": dossier_id, "note_id": "n-" + visibility, "visibility": visibility, "text": "secret text"},
        actor=actor or {"sub": "agent-1", "role": "agent"},
    )


def _as(settings, role, sub, **claims):
    return bearer(settings, role, sub, **claims)


def test_an_in_app_notification_is_a_line_of_its_persons_stream(client, settings, publish, dossier_world):
    event = _note(publish, dossier_world, "requester")
    notifications = [e for e in _events(client, _as(settings, "client", "client-1")) if e["event"] == "notification"]
    assert [n["data"]["event_type"] for n in notifications] == ["dossier.note_added"]
    assert notifications[0]["data"]["dossier_id"] == dossier_world and notifications[0]["data"]["title"]
    others = _events(client, _as(settings, "client", "client-2"))
    assert [e for e in others if e["data"].get("dossier_id") == dossier_world] == []
    assert event.id


def test_staff_hear_of_every_change_and_the_client_only_of_what_they_may_see(client, settings, publish, dossier_world):
    _note(publish, dossier_world, "internal")
    staff = _changes(client, _as(settings, "agent", "agent-somebody"), dossier_world)
    admin = _changes(client, _as(settings, "admin", "admin-ann"), dossier_world)
    owner = _changes(client, _as(settings, "client", "client-1"), dossier_world)
    assert staff.count("dossier.note_added") == 1 and admin == staff
    assert "dossier.note_added" not in owner
    _note(publish, dossier_world, "requester")
    assert _changes(client, _as(settings, "client", "client-1"), dossier_world).count("dossier.note_added") == 1


def test_a_change_line_carries_ids_never_the_content(client, settings, publish, dossier_world):
    _note(publish, dossier_world, "participants")
    (line,) = [e for e in _events(client, _as(settings, "partner", "part-1")) if e["event"] == "dossier"]
    assert line["data"]["note_id"] == "n-participants" and "secret text" not in json.dumps(line)


def test_third_parties_hear_only_of_what_their_side_may_see(client, settings, publish, dossier_world):
    _note(publish, dossier_world, "participants")
    publish(
        "document.added",
        {"dossier_id": dossier_world, "document_id": "doc-fin", "visibility": {"client": True, "financial": True}},
        actor={"sub": "agent-1", "role": "agent"},
    )
    publish(
        "document.added",
        {"dossier_id": dossier_world, "document_id": "doc-guar", "visibility": {"roles": ["guarantor"]}},
        actor={"sub": "agent-1", "role": "agent"},
    )
    partner = _events(client, _as(settings, "partner", "partner-1"))
    participant = _events(client, _as(settings, "partner", "part-1"))
    guarantor = _events(client, _as(settings, "partner", "guar-1"))
    owner = _events(client, _as(settings, "client", "client-1"))
    documents = lambda events: sorted(e["data"]["document_id"] for e in events if "document_id" in e["data"])  # noqa: E731
    notes = lambda events: [e for e in events if e["data"].get("type") == "dossier.note_added"]  # noqa: E731
    assert documents(participant) == []  # participants never hear of a financial item
    assert documents(owner) == ["doc-fin"]
    assert documents(guarantor) == ["doc-guar"] and notes(guarantor) == []
    assert len(notes(partner)) == 1 and len(notes(participant)) == 1
    assert _events(client, _as(settings, "partner", "stranger-1")) == []  # attached to nothing


def test_a_partner_who_has_not_attached_or_was_revoked_hears_nothing(client, settings, publish, dossier_world):
    publish(
        "solicitation.revoked",
        {"solicitation_id": "s-1", "dossier_id": dossier_world, "partner_id": "p-s-1"},
        actor={"sub": "agent-1", "role": "agent"},
    )
    _note(publish, dossier_world, "participants")
    assert _changes(client, _as(settings, "partner", "partner-1"), dossier_world) == []


def test_a_partner_hears_of_nothing_while_the_status_is_not_partner_visible(client, settings, publish, dossier_world):
    publish(
        "dossier.status_changed",
        {
            "dossier_id": dossier_world,
            "from": "open",
            "to": "internal",
            "client_visible": False,
            "partner_visible": False,
        },
        actor={"sub": "agent-1", "role": "agent"},
    )
    _note(publish, dossier_world, "participants")
    partner = _changes(client, _as(settings, "partner", "partner-1"), dossier_world)
    owner = _changes(client, _as(settings, "client", "client-1"), dossier_world)
    assert "dossier.status_changed" not in partner and "dossier.note_added" not in partner
    assert "dossier.status_changed" not in owner and "dossier.note_added" in owner


def test_answers_and_invitations_are_told_to_staff_only(client, settings, publish, dossier_world):
    publish(
        "solicitation.answered",
        {"solicitation_id": "s-1", "dossier_id": dossier_world, "partner_id": "p-s-1", "verdict": "favourable"},
        actor={"sub": "partner-1", "role": "partner"},
    )
    (line,) = [
        e
        for e in _events(client, _as(settings, "agent", "agent-1"))
        if e["data"].get("type") == "solicitation.answered"
    ]
    assert line["data"]["solicitation_id"] == "s-1"
    for role, sub in (("client", "client-1"), ("partner", "part-1"), ("partner", "guar-1")):
        assert "solicitation.answered" not in _changes(client, _as(settings, role, sub), dossier_world)


def test_last_event_id_replays_exactly_the_lines_after_it_in_order(client, settings, publish, dossier_world):
    agent = _as(settings, "agent", "agent-9")
    before = _events(client, agent)
    mark = before[-1]["id"]
    for visibility in ("internal", "requester", "participants"):
        _note(publish, dossier_world, visibility)
    after = _events(client, agent, after=mark)
    assert [e["data"]["note_id"] for e in after] == ["n-internal", "n-requester", "n-participants"]
    ids = [e["id"] for e in after]
    assert ids == sorted(ids) and ids[0] > mark
    assert [e["id"] for e in _events(client, agent, after=ids[0])] == ids[1:]


def test_without_last_event_id_a_stream_sends_only_what_comes_next(client, settings, publish, dossier_world):
    _note(publish, dossier_world, "internal")
    response = client.get(STREAM, query_string={"max_seconds": 0}, headers=_as(settings, "agent", "agent-1"))
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and body.startswith(f"retry: {settings.live_stream_retry_ms}\n")
    assert "id:" not in body
    assert response.headers["Cache-Control"] == "no-store"


def test_a_stream_waits_for_new_lines_and_ends_after_max_seconds(client, settings, publish, dossier_world, app):
    app.config["SETTINGS"] = settings.replace(live_stream_poll_seconds=0.05, live_stream_heartbeat_seconds=0.1)
    response = client.get(
        STREAM, query_string={"max_seconds": 1}, headers=_as(settings, "agent", "agent-1"), buffered=False
    )
    chunks = iter(response.response)
    assert next(chunks).startswith(b"retry:")
    _note(publish, dossier_world, "internal")
    rest = b"".join(chunks).decode()
    assert "event: dossier" in rest and '"note_id":"n-internal"' in rest
    assert ": keepalive" in rest  # quiet after the note, until the end
    response.close()


def test_a_garbled_last_event_id_is_a_422_naming_the_header(client, settings):
    response = client.get(STREAM, headers={**_as(settings, "agent", "agent-1"), "Last-Event-ID": "abc"})
    assert response.status_code == 422 and response.mimetype == "application/problem+json"
    assert "Last-Event-ID" in json.dumps(response.get_json()["errors"])
    negative = client.get(STREAM, query_string={"max_seconds": -1}, headers=_as(settings, "agent", "agent-1"))
    assert negative.status_code == 422 and "max_seconds" in json.dumps(negative.get_json()["errors"])


def test_only_people_open_a_stream(client, settings):
    assert client.get(STREAM).status_code == 401
    assert client.get(STREAM, headers=_as(settings, "service", "dossier")).status_code == 403


def test_streams_beyond_the_process_limit_get_a_429_with_retry_after(settings, db, service_under_test):
    app = service_under_test.create_app(settings.replace(live_streams_per_process=1), db)
    client = app.test_client()
    headers = _as(settings, "client", "client-1")
    first = client.get(STREAM, query_string={"max_seconds": 0}, headers=headers, buffered=False)
    refused = client.get(STREAM, query_string={"max_seconds": 0}, headers=headers)
    assert first.status_code == 200 and refused.status_code == 429
    assert refused.mimetype == "application/problem+json" and int(refused.headers["Retry-After"]) >= 1
    first.close()  # the slot is given back when the response ends
    assert client.get(STREAM, query_string={"max_seconds": 0}, headers=headers).status_code == 200


def test_the_retention_job_forgets_old_lines_only(db, settings, publish, dossier_world):
    with db.read_only() as session:
        kept = session.execute(select(func.count()).select_from(LiveEvent)).scalar_one()
    assert kept > 0
    live_feed_retention_job(db, settings)
    with db.read_only() as session:
        assert session.execute(select(func.count()).select_from(LiveEvent)).scalar_one() == kept
    with clock.frozen_at(clock.now() + timedelta(hours=settings.live_feed_retention_hours + 1)):
        live_feed_retention_job(db, settings)
    with db.read_only() as session:
        assert session.execute(select(func.count()).select_from(LiveEvent)).scalar_one() == 0


def test_an_important_development_is_told_to_the_client_side_not_to_partners(client, settings, publish, dossier_world):
    publish(
        "dossier.development_added",
        {"dossier_id": dossier_world, "development_id": "dev-1", "text": "Permit granted"},
        actor={"sub": "agent-1", "role": "agent"},
    )
    assert "dossier.development_added" in _changes(client, _as(settings, "client", "client-1"), dossier_world)
    assert "dossier.development_added" in _changes(client, _as(settings, "partner", "part-1"), dossier_world)
    assert "dossier.development_added" not in _changes(client, _as(settings, "partner", "partner-1"), dossier_world)


def test_contract_and_attestation_events_are_no_dossier_change(client, settings, publish):
    publish(
        "attestation.issued",
        {
            "request_id": "r-1",
            "contract_id": "k-1",
            "document_id": "doc-1",
            "client_sub": "client-1",
            "dossier_id": "d-x",
        },
        actor={"sub": "agent-1", "role": "agent"},
    )
    assert [e for e in _events(client, _as(settings, "agent", "agent-1")) if e["event"] == "dossier"] == []
