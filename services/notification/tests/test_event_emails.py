"""Issue 13 point 7: a scheduled, moved or cancelled appointment/meeting is mailed to its other actors
with the .ics attached (text/calendar; METHOD:REQUEST, or CANCEL)."""

from datetime import UTC, datetime

import icalendar
from sqlalchemy import select

from notification.db import Delivery, Notification
from notification.jobs import sender_job
from notification.services import operators

AGENT = {"sub": "agent-1", "role": "agent", "email": "agent@x.test"}
DOSSIER = "d-0001"


def _ics(method: str, sequence: int = 0, status: str = "CONFIRMED") -> str:
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//dossier-platform//test//EN")
    calendar.add("version", "2.0")
    calendar.add("method", method)
    event = icalendar.Event()
    event.add("uid", "ev-1@dossier-platform")
    event.add("summary", "Site visit")
    event.add("dtstart", datetime(2026, 12, 10, 13, 0, tzinfo=UTC))
    event.add("dtend", datetime(2026, 12, 10, 14, 0, tzinfo=UTC))
    event.add("dtstamp", datetime(2026, 12, 1, 9, 0, tzinfo=UTC))
    event.add("sequence", sequence)
    event.add("status", status)
    calendar.add_component(event)
    return calendar.to_ical().decode()


def _event(*, cancelled=False, sequence=0, attendees=None, client_sub="client-1"):
    data = {
        "event_id": "ev-1",
        "dossier_id": DOSSIER,
        "reference": "DOS-1",
        "kind": "meeting",
        "title": "Site visit",
        "starts_at": "2026-12-10T13:00:00Z",
        "ends_at": "2026-12-10T14:00:00Z",
        "timezone": "Europe/Paris",
        "location": "12 rue de la Paix",
        "url": None,
        "attendees": attendees
        if attendees is not None
        else [
            {"sub": "agent-1", "role": "agent", "name": "Agent", "email": "agent@x.test"},
            {"sub": "part-1", "role": "participant", "name": "Paul", "email": "paul@x.test"},
            {"sub": "client-1", "role": "client", "name": None, "email": "client@x.test"},
        ],
        "sequence": sequence,
        "cancelled": cancelled,
        "client_sub": client_sub,
        "client_org": None,
        "ics": _ics("CANCEL" if cancelled else "REQUEST", sequence, "CANCELLED" if cancelled else "CONFIRMED"),
    }
    if cancelled:
        data["reason"] = "The roofer is ill"
    return data


def _recipients(db, event_id):
    with db.read_only() as session:
        return sorted(
            (row.recipient, row.rule)
            for row in session.execute(select(Delivery).where(Delivery.event_id == event_id)).scalars()
        )


def _calendar_part(message):
    parts = [part for part in message.iter_attachments() if part.get_content_type() == "text/calendar"]
    assert len(parts) == 1, [part.get_content_type() for part in message.iter_attachments()]
    return parts[0]


def test_a_scheduled_meeting_reaches_exactly_the_attendees_but_the_actor(publish, db):
    envelope = publish("event.scheduled", _event(), actor=AGENT)
    assert _recipients(db, envelope.id) == [
        ("client@x.test", "builtin:event_invitation"),
        ("paul@x.test", "builtin:event_invitation"),
    ]
    with db.read_only() as session:
        feed = sorted(session.execute(select(Notification.sub).where(Notification.event_id == envelope.id)).scalars())
    assert feed == ["client-1", "part-1"]  # in-app too, never the agent who scheduled it


def test_the_client_side_is_told_even_when_not_an_attendee_and_an_attendee_actor_is_left_out(publish, db):
    attendees = [
        {"sub": "agent-1", "role": "agent", "name": "Agent", "email": "agent@x.test"},
        {"sub": "part-1", "role": "participant", "name": "Paul", "email": "paul@x.test"},
        {"sub": "agent-2", "role": "agent", "name": "Anna", "email": "anna@x.test"},
    ]
    envelope = publish(
        "event.rescheduled",
        _event(attendees=attendees, sequence=1),
        actor={"sub": "part-1", "role": "participant", "email": "paul@x.test"},
    )
    recipients = [recipient for recipient, _ in _recipients(db, envelope.id)]
    # the dossier's client has no address in this event nor in a local copy: recorded, skipped, by account
    assert recipients == ["agent@x.test", "anna@x.test", "sub:client-1"]


def test_the_invitation_carries_a_text_calendar_request_parseable_and_a_name_less_greeting(
    publish, db, sending_settings, smtp_server
):
    publish("event.scheduled", _event(), actor=AGENT)
    sender_job(db, sending_settings)
    mails = {message["To"]: message for message in smtp_server.messages}
    assert sorted(mails) == ["client@x.test", "paul@x.test"]
    client_mail = mails["client@x.test"]
    assert client_mail["Subject"].startswith("Invitation : Site visit (")
    text = client_mail.get_body(("plain",)).get_content()
    assert text.startswith("Bonjour,\r\n") and "Bonjour ," not in text  # no name known for the client
    assert "14:00" in text  # 13:00 UTC, written in the event's timezone (Europe/Paris)
    assert mails["paul@x.test"].get_body(("plain",)).get_content().startswith("Bonjour Paul,")
    part = _calendar_part(client_mail)
    assert part.get_param("method") == "REQUEST"
    assert part.get_filename() == "invite.ics"
    calendar = icalendar.Calendar.from_ical(part.get_content())
    assert str(calendar["METHOD"]) == "REQUEST"
    [event] = calendar.walk("VEVENT")
    assert str(event["UID"]) == "ev-1@dossier-platform" and str(event["SUMMARY"]) == "Site visit"
    assert client_mail.get_body(("html",)) is not None  # text and HTML stay, the invitation is an attachment


def test_a_cancellation_announces_it_with_a_cancel_calendar(publish, db, sending_settings, smtp_server):
    envelope = publish("event.cancelled", _event(cancelled=True, sequence=2), actor=AGENT)
    assert {rule for _, rule in _recipients(db, envelope.id)} == {"builtin:event_cancelled"}
    sender_job(db, sending_settings)
    mail = {message["To"]: message for message in smtp_server.messages}["paul@x.test"]
    assert mail["Subject"].startswith("Annulé : Site visit")
    text = mail.get_body(("plain",)).get_content()
    assert "est annulée" in text and "Motif : The roofer is ill" in text
    part = _calendar_part(mail)
    assert part.get_param("method") == "CANCEL"
    calendar = icalendar.Calendar.from_ical(part.get_content())
    assert str(calendar["METHOD"]) == "CANCEL"
    [event] = calendar.walk("VEVENT")
    assert str(event["STATUS"]) == "CANCELLED" and int(event["SEQUENCE"]) == 2


def test_an_english_reader_gets_the_english_invitation(publish, db, sending_settings, smtp_server, client, as_admin):
    response = client.post(
        "/api/v1/contacts",
        json={"email": "paul@x.test", "sub": "part-1", "name": "Paul", "language": "en"},
        headers=as_admin,
    )
    assert response.status_code == 201, response.get_data(as_text=True)
    publish("event.rescheduled", _event(sequence=1), actor=AGENT)
    sender_job(db, sending_settings)
    mail = {message["To"]: message for message in smtp_server.messages}["paul@x.test"]
    assert mail["Subject"].startswith("Moved: Site visit")
    assert "was moved" in mail.get_body(("plain",)).get_content()
    assert _calendar_part(mail).get_param("method") == "REQUEST"


def test_a_resent_delivery_attaches_the_invitation_again(publish, db, sending_settings, smtp_server):
    publish(
        "event.scheduled",
        _event(attendees=[{"sub": "part-1", "role": "participant", "name": "Paul", "email": "paul@x.test"}])
        | {"event_id": "ev-2"},
        actor=AGENT,
    )
    with db.transaction() as session:
        delivery = session.execute(select(Delivery).where(Delivery.recipient == "paul@x.test")).scalar_one()
        delivery.status = "unknown"  # the worker stopped while sending
        operators.resend(session, [delivery.id], "ops-1")
    sender_job(db, sending_settings)
    [mail] = [message for message in smtp_server.messages if message["To"] == "paul@x.test"]
    assert _calendar_part(mail).get_param("method") == "REQUEST"


def test_admins_can_switch_the_invitations_off(publish, db, client, as_admin):
    response = client.delete("/api/v1/rules/builtin:event_invitation", headers=as_admin)
    assert response.status_code == 204, response.get_data(as_text=True)
    envelope = publish("event.scheduled", _event(), actor=AGENT)
    assert _recipients(db, envelope.id) == []
