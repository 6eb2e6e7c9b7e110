"""Events of a dossier, the per-event .ics, the secret iCalendar feed, and participants' names."""

import icalendar
import pytest

from dossier.handlers import on_contributor_invited, on_contributor_revoked
from platform_shared.messaging.envelope import new_envelope
from platform_shared.pseudonyms import pseudonym
from platform_shared.testing.unit import bearer, outbox_events

MEETING = {
    "kind": "meeting",
    "title": "Site visit",
    "starts_at": "2027-03-10T09:30:00",
    "ends_at": "2027-03-10T11:00:00",
    "timezone": "Europe/Paris",
    "location": "12 Main street",
}


def schedule(client, headers, dossier, **changes):
    return client.post(f"/api/v1/dossiers/{dossier['id']}/events", json={**MEETING, **changes}, headers=headers)


def invite(db, dossier, contributor_id="c-1", kind="participant", name="Paula Plumber", sub="partner-paula"):
    with db.transaction() as session:
        for event_type, data in (
            ("contributor.invited", {"name": name, "email": "paula@plumbing.example"}),
            ("contributor.attached", {"account_sub": sub}),
        ):
            envelope = new_envelope(
                event_type,
                {
                    "contributor_id": contributor_id,
                    "dossier_id": dossier["id"],
                    "kind": kind,
                    "role": "guarantor",
                    **data,
                },
                producer="partner-gateway",
            )
            on_contributor_invited(session, envelope)


def test_a_meeting_is_stored_in_utc_and_published_with_its_ics(client, as_agent, dossier, db):
    response = schedule(client, as_agent, dossier, attendees=[{"sub": "client-bob"}])
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["starts_at"].startswith("2027-03-10T08:30:00")  # 09:30 Paris in winter is 08:30 UTC
    assert body["attendees"][0]["sub"] == "client-bob"
    (event,) = outbox_events(db, "event.scheduled")
    assert event.data["event_id"] == body["id"] and "BEGIN:VCALENDAR" in event.data["ics"]
    assert "METHOD:REQUEST" in event.data["ics"]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"ends_at": "2027-03-10T09:00:00"}, "ends_at"),
        ({"timezone": "Mars/Olympus"}, "timezone"),
        ({"timezone": "Europe"}, "timezone"),
        ({"timezone": "../../etc/passwd"}, "timezone"),
        ({"starts_at": "0001-01-01T00:00:00+14:00"}, "starts_at"),
        ({"attendees": [{"sub": "somebody-else"}]}, "attendees.0.sub"),
    ],
)
def test_bad_events_are_422_naming_the_field_and_nothing_is_written(client, as_agent, dossier, db, changes, field):
    response = schedule(client, as_agent, dossier, **changes)
    assert response.status_code == 422 and field in response.get_json()["errors"]
    assert client.get(f"/api/v1/dossiers/{dossier['id']}/events", headers=as_agent).get_json()["items"] == []
    assert outbox_events(db, "event.scheduled") == []


def test_an_attached_participant_may_attend(client, as_agent, dossier, db):
    invite(db, dossier)
    assert schedule(client, as_agent, dossier, attendees=[{"sub": "partner-paula"}]).status_code == 201


def test_the_event_ics_is_rfc5545_in_its_time_zone(client, as_agent, as_client, dossier):
    event = schedule(client, as_agent, dossier).get_json()
    response = client.get(f"/api/v1/events/{event['id']}.ics", headers=as_client)
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    calendar = icalendar.Calendar.from_ical(response.data)
    (vevent,) = calendar.walk("VEVENT")
    assert str(vevent["summary"]).startswith("Site visit")
    assert vevent["dtstart"].dt.tzinfo is not None and vevent["dtstart"].dt.hour == 9
    assert calendar.walk("VTIMEZONE")[0]["tzid"] == "Europe/Paris"
    assert response.data.count(b"\r\n") > 5  # CRLF lines, as RFC 5545 wants


def test_moving_and_cancelling_bump_the_sequence_and_are_announced(client, as_agent, dossier, db):
    event = schedule(client, as_agent, dossier).get_json()
    moved = client.patch(
        f"/api/v1/events/{event['id']}",
        json={"starts_at": "2027-03-11T09:30:00", "ends_at": "2027-03-11T10:30:00"},
        headers=as_agent,
    )
    assert moved.status_code == 200 and moved.get_json()["sequence"] == 1
    assert outbox_events(db, "event.rescheduled")[0].data["starts_at"].startswith("2027-03-11T08:30")
    bad = client.patch(f"/api/v1/events/{event['id']}", json={"ends_at": "2027-03-11T08:00:00"}, headers=as_agent)
    assert bad.status_code == 422
    cancelled = client.post(f"/api/v1/events/{event['id']}/cancel", json={"reason": "Rain"}, headers=as_agent)
    assert cancelled.get_json()["cancelled"] is True and cancelled.get_json()["sequence"] == 2
    assert "METHOD:CANCEL" in outbox_events(db, "event.cancelled")[0].data["ics"]
    assert client.post(f"/api/v1/events/{event['id']}/cancel", json={}, headers=as_agent).status_code == 409


def test_the_client_feed_has_their_dossiers_events_and_renewing_kills_the_old_url(
    client, as_agent, as_client, as_stranger, new_dossier
):
    mine = new_dossier()
    theirs = new_dossier(client_sub="client-dave", client_org="globex")
    schedule(client, as_agent, mine, title="Our meeting")
    schedule(client, as_agent, theirs, title="Their meeting")
    made = client.post("/api/v1/calendar/feed", json={}, headers=as_client)
    assert made.status_code == 201
    url = made.get_json()["url"]
    path = url[url.index("/api/v1/") :]
    feed = client.get(path)  # no Bearer token
    assert feed.status_code == 200 and feed.mimetype == "text/calendar"
    summaries = [str(e["summary"]) for e in icalendar.Calendar.from_ical(feed.data).walk("VEVENT")]
    assert summaries == [f"Our meeting ({mine['reference']})"]
    renewed = client.post("/api/v1/calendar/feed", json={}, headers=as_client).get_json()["url"]
    assert renewed != url
    assert client.get(path).status_code == 404
    assert client.get(renewed[renewed.index("/api/v1/") :]).status_code == 200
    assert client.get("/api/v1/calendar/feeds/not-a-token.ics").status_code == 404
    assert client.get("/api/v1/calendar/feed", headers=as_client).get_json()["active"] is True


def test_the_client_reads_participant_names_but_not_contributors_or_emails(client, as_agent, as_client, dossier, db):
    invite(db, dossier)
    invite(db, dossier, contributor_id="c-2", kind="contributor", name="Gary Guarantor", sub="partner-gary")
    seen = client.get(f"/api/v1/dossiers/{dossier['id']}/participants", headers=as_client).get_json()["items"]
    assert seen == [{"kind": "participant", "role": "guarantor", "name": "Paula Plumber", "attached": True}]
    staff = client.get(f"/api/v1/dossiers/{dossier['id']}/participants", headers=as_agent).get_json()["items"]
    assert {row["name"] for row in staff} == {"Paula Plumber", "Gary Guarantor"} and staff[0]["email"]


def test_a_new_place_or_link_is_a_move_announced_with_the_updated_ics_but_a_new_title_is_not(
    client, as_agent, dossier, db
):
    event = schedule(client, as_agent, dossier).get_json()
    renamed = client.patch(f"/api/v1/events/{event['id']}", json={"title": "Site visit (2)"}, headers=as_agent)
    assert renamed.status_code == 200
    (updated,) = outbox_events(db, "event.updated")
    assert updated.data["changed_fields"] == ["title"]
    assert outbox_events(db, "event.rescheduled") == []
    for change in ({"location": "3 quai Perrache, Lyon"}, {"url": "https://meet.example.org/site"}):
        assert client.patch(f"/api/v1/events/{event['id']}", json=change, headers=as_agent).status_code == 200
    by_place, by_link = outbox_events(db, "event.rescheduled")
    assert by_place.data["changed_fields"] == ["location"] and by_link.data["changed_fields"] == ["url"]
    assert "LOCATION:3 quai Perrache\\, Lyon" in by_place.data["ics"] and "METHOD:REQUEST" in by_place.data["ics"]
    assert "SEQUENCE:2" in by_place.data["ics"]


def revoke(db, dossier, contributor_id="c-1", kind="participant", sub="partner-paula"):
    data = {"contributor_id": contributor_id, "dossier_id": dossier["id"], "kind": kind, "account_sub": sub}
    with db.transaction() as session:
        on_contributor_revoked(session, new_envelope("contributor.revoked", data, producer="partner-gateway"))


def test_a_revoked_participant_is_no_attendee_no_name_and_sees_no_workspace_even_after_a_late_attach(
    client, as_agent, as_client, as_service, dossier, db
):
    invite(db, dossier)
    workspace = f"/api/v1/dossiers/{dossier['id']}/third-party-workspace"
    assert client.get(workspace, query_string={"sub": "partner-paula"}, headers=as_service).status_code == 200
    revoke(db, dossier)
    assert client.get(workspace, query_string={"sub": "partner-paula"}, headers=as_service).status_code == 404
    names = client.get(f"/api/v1/dossiers/{dossier['id']}/participants", headers=as_client).get_json()["items"]
    assert names == []
    refused = schedule(client, as_agent, dossier, attendees=[{"sub": "partner-paula"}])
    assert refused.status_code == 422
    invite(db, dossier)  # a retried invitation or attachment arriving after the revocation
    assert client.get(workspace, query_string={"sub": "partner-paula"}, headers=as_service).status_code == 404


def test_a_client_reads_the_attendees_by_name_and_never_another_persons_account_id(
    client, as_agent, as_client, as_colleague, as_service, new_dossier, db
):
    dossier = new_dossier(assignee_sub="agent-alice", assignee_email="alice@firm.example")
    invite(db, dossier)  # Paula Plumber, account partner-paula
    everyone = ["client-bob", "agent-alice", "partner-paula"]
    event = schedule(client, as_agent, dossier, attendees=[{"sub": sub} for sub in everyone]).get_json()
    assert [a["sub"] for a in event["attendees"]] == everyone  # the agent who scheduled it reads them
    listed = f"/api/v1/dossiers/{dossier['id']}/events"
    one = f"/api/v1/events/{event['id']}"

    for path in (listed, one):
        for headers in (as_agent, as_service):  # staff and services keep every account id
            body = client.get(path, headers=headers).get_json()
            item = body["items"][0] if "items" in body else body
            assert [a["sub"] for a in item["attendees"]] == everyone

        # the dossier's client: their own account id stays (the portal marks "mine" by it), nobody else's
        answer = client.get(path, headers=as_client)
        assert answer.status_code == 200
        body = answer.get_json()
        item = body["items"][0] if "items" in body else body
        assert item["attendees"] == [
            {"sub": "client-bob", "role": "client", "name": pseudonym("client-bob", "client")},
            {"role": "agent", "name": pseudonym("agent-alice", "agent")},
            {"role": "participant", "name": "Paula Plumber"},
        ]
        text = answer.get_data(as_text=True)
        assert "agent-alice" not in text and "partner-paula" not in text

        # a colleague of the client's company: no account id at all
        colleague = client.get(path, headers=as_colleague)
        item = colleague.get_json()["items"][0] if path == listed else colleague.get_json()
        assert all("sub" not in attendee for attendee in item["attendees"])
        assert not any(sub in colleague.get_data(as_text=True) for sub in everyone)


def test_a_client_reads_an_attendee_by_the_directorys_name(client, settings, as_agent, as_client, new_dossier):
    client.post("/api/v1/people/me", headers=bearer(settings, "agent", "agent-alice", name="Alice Martin"))
    dossier = new_dossier(assignee_sub="agent-alice", assignee_email="alice@firm.example")
    event = schedule(client, as_agent, dossier, attendees=[{"sub": "agent-alice"}]).get_json()
    seen = client.get(f"/api/v1/events/{event['id']}", headers=as_client).get_json()
    assert seen["attendees"] == [{"role": "agent", "name": "Alice Martin"}]
    assert client.get(f"/api/v1/events/{event['id']}", headers=as_agent).get_json()["attendees"] == [
        {"sub": "agent-alice", "role": "agent", "name": None}
    ]


def test_the_openapi_says_an_attendees_sub_may_be_absent(client):
    attendee = client.get("/openapi.json").get_json()["components"]["schemas"]["Attendee"]
    assert "sub" in attendee["properties"] and "sub" not in attendee.get("required", [])
    assert "left out" in attendee["properties"]["sub"]["description"]
