"""Appointments and meetings of a dossier, and their iCalendar form (RFC 5545).

Times are stored in UTC with the event's IANA time zone; the ``.ics`` carries them in that zone (with its
VTIMEZONE). Each change bumps ``sequence`` (iCalendar SEQUENCE) so calendar clients replace the old copy; a
cancelled event stays in feeds with ``STATUS:CANCELLED`` so clients remove it."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from platform_shared import clock
from platform_shared.auth import Caller
from platform_shared.errors import NotFound
from platform_shared.messaging.outbox import record_event
from platform_shared.pagination import Page, keyset_page
from platform_shared.pseudonyms import for_reader, pseudonym

from .. import SERVICE_NAME
from ..db import Dossier
from ..domain.access import sees_everything
from ..domain.workspace import timeline_visibility
from ..domain.workspace_errors import InvalidWorkspaceInput, NotEditable, invalid
from ..workspace_db import CalendarFeed, DossierEvent
from . import timeline
from .actors import actors_of
from .people import names_by_sub
from .workspace_access import display_name, readable_dossier, writable_dossier

if TYPE_CHECKING:
    import icalendar

EVENT_KINDS = ("appointment", "meeting")
FEED_HISTORY_DAYS = 180
FEED_MAX_EVENTS = 2000
PRODID = "-//Dossier service//Workspace events//EN"


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):  # OSError: a folder of the database, e.g. "Europe"
        raise invalid("timezone", "Not an IANA time zone (e.g. Europe/Paris).") from None


def _aware(value: datetime, zone: ZoneInfo, field: str) -> datetime:
    """A naive time is read in the event's zone; every time is stored in UTC (years 1900 to 9000)."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=zone)
    if not 1900 <= value.year <= 9000:
        raise invalid(field, "Out of range (years 1900 to 9000).")
    return value.astimezone(ZoneInfo("UTC"))


def _attendees(session: Session, dossier: Dossier, raw: list[dict]) -> list[dict]:
    actors = actors_of(session, dossier)
    problems: dict[str, list[str]] = {}
    chosen: list[dict] = []
    for index, attendee in enumerate(raw):
        actor = actors.get(attendee["sub"])
        if actor is None:
            problems[f"attendees.{index}.sub"] = ["Not an actor of this dossier."]
        elif actor["sub"] not in {a["sub"] for a in chosen}:
            chosen.append(actor)
    if problems:
        raise InvalidWorkspaceInput(problems)
    return chosen


def _validate_times(starts_at: datetime, ends_at: datetime) -> None:
    if ends_at <= starts_at:
        raise invalid("ends_at", "Must be after starts_at.")
    if ends_at - starts_at > timedelta(days=31):
        raise invalid("ends_at", "An event lasts at most 31 days.")


def schedule(session: Session, caller: Caller, dossier_id: str, body: dict[str, Any]) -> dict:
    dossier = writable_dossier(session, caller, dossier_id)
    zone = _zone(body["timezone"])
    starts_at, ends_at = _aware(body["starts_at"], zone, "starts_at"), _aware(body["ends_at"], zone, "ends_at")
    _validate_times(starts_at, ends_at)
    attendees = _attendees(session, dossier, body.get("attendees") or [])
    now = clock.now()
    event = DossierEvent(
        id=clock.new_id(),
        dossier_id=dossier.id,
        kind=body["kind"],
        title=body["title"],
        description=body.get("description") or "",
        starts_at=starts_at,
        ends_at=ends_at,
        timezone=body["timezone"],
        location=body.get("location") or "",
        url=body.get("url") or "",
        attendees=attendees,
        cancelled_at=None,
        sequence=0,
        created_by=caller.sub,
        created_at=now,
        updated_at=now,
    )
    session.add(event)
    session.flush()
    _publish(session, caller, dossier, event, "event.scheduled", f"{event.kind.capitalize()} scheduled: {event.title}")
    return present(event)


MOVING_FIELDS = frozenset({"starts_at", "ends_at", "location", "url"})


def reschedule(session: Session, caller: Caller, event_id: str, body: dict[str, Any]) -> dict:
    event, dossier = _writable(session, caller, event_id)
    zone = _zone(body.get("timezone") or event.timezone)
    starts_at = _aware(body["starts_at"], zone, "starts_at") if body.get("starts_at") else event.starts_at
    ends_at = _aware(body["ends_at"], zone, "ends_at") if body.get("ends_at") else event.ends_at
    _validate_times(starts_at, ends_at)
    attendees = _attendees(session, dossier, body["attendees"]) if body.get("attendees") is not None else None
    changed = [key for key, value in (("starts_at", starts_at), ("ends_at", ends_at)) if value != getattr(event, key)]
    event.starts_at, event.ends_at = starts_at, ends_at
    event.timezone = body.get("timezone") or event.timezone
    for key in ("title", "description", "location", "url"):
        if body.get(key) is not None and body[key] != getattr(event, key):
            changed.append(key)
            setattr(event, key, body[key])
    # Moved (another time or another place or link): announced to the attendees with the updated .ics.
    moved = bool(set(changed) & MOVING_FIELDS)
    if attendees is not None:
        event.attendees = attendees
    event.sequence += 1
    event.updated_at = clock.now()
    summary = f"{event.kind.capitalize()} {'moved' if moved else 'changed'}: {event.title}"
    _publish(
        session,
        caller,
        dossier,
        event,
        "event.rescheduled" if moved else "event.updated",
        summary,
        {"changed_fields": changed},
    )
    return present(event)


def cancel(session: Session, caller: Caller, event_id: str, reason: str = "") -> dict:
    event, dossier = _writable(session, caller, event_id)
    if event.cancelled_at is not None:
        raise NotEditable("The event is already cancelled.")
    event.cancelled_at = clock.now()
    event.sequence += 1
    event.updated_at = event.cancelled_at
    _publish(
        session,
        caller,
        dossier,
        event,
        "event.cancelled",
        f"{event.kind.capitalize()} cancelled: {event.title}",
        {"reason": reason} if reason else None,
    )
    return present(event)


def _writable(session: Session, caller: Caller, event_id: str) -> tuple[DossierEvent, Dossier]:
    event = session.get(DossierEvent, event_id)
    if event is None:
        raise NotFound("No such event.")
    dossier = writable_dossier(session, caller, event.dossier_id)
    if event.cancelled_at is not None:
        raise NotEditable("A cancelled event no longer changes.")
    return event, dossier


def _publish(
    session: Session,
    caller: Caller,
    dossier: Dossier,
    event: DossierEvent,
    event_type: str,
    summary: str,
    extra: dict | None = None,
):
    record_event(
        session,
        event_type,
        {
            "event_id": event.id,
            "dossier_id": dossier.id,
            "reference": dossier.reference,
            "kind": event.kind,
            "title": event.title,
            "starts_at": clock.isoformat(event.starts_at),
            "ends_at": clock.isoformat(event.ends_at),
            "timezone": event.timezone,
            "location": event.location,
            "url": event.url,
            "attendees": [{k: a.get(k) for k in ("sub", "role", "name", "email")} for a in event.attendees],
            "sequence": event.sequence,
            "cancelled": event.cancelled_at is not None,
            "client_sub": dossier.client_sub,
            "client_org": dossier.client_org,
            # The invitation itself, for the notification service to attach (text/calendar).
            "ics": event_ics(event, dossier.reference).decode(),
            **(extra or {}),
        },
        producer=SERVICE_NAME,
        aggregate_id=dossier.id,
        actor=caller.as_actor(),
    )
    timeline.append(
        session,
        dossier.id,
        event_type.replace(".", "_"),
        f"{summary} by {display_name(caller)}",
        visibility=timeline_visibility("event"),
        actor=caller.as_actor(),
        details={"event_id": event.id, "actor_name": display_name(caller)},
        subject_id=event.id,
    )


def present(event: DossierEvent) -> dict:
    return {
        "id": event.id,
        "dossier_id": event.dossier_id,
        "kind": event.kind,
        "title": event.title,
        "description": event.description,
        "starts_at": event.starts_at,
        "ends_at": event.ends_at,
        "timezone": event.timezone,
        "location": event.location,
        "url": event.url,
        "attendees": [{"sub": a["sub"], "role": a.get("role"), "name": a.get("name")} for a in event.attendees],
        "cancelled": event.cancelled_at is not None,
        "cancelled_at": event.cancelled_at,
        "sequence": event.sequence,
        "created_at": event.created_at,
        "updated_at": event.updated_at,
    }


def present_for_reader(session: Session, events: list[DossierEvent], caller: Caller) -> list[dict]:
    """The events as ``caller`` reads them: staff and services whole; a client (or any reader who is not staff)
    reads the attendees by name (the one given, else the directory's, else a pseudonym) and keeps only their own
    account id, never another attendee's (architecture §5, "who sees what")."""
    presented = [present(event) for event in events]
    if sees_everything(caller):
        return presented
    attendees = [attendee for event in presented for attendee in event["attendees"]]
    names = names_by_sub(session, (attendee["sub"] for attendee in attendees if not attendee.get("name")))
    for attendee in attendees:
        if not attendee.get("name") and attendee.get("sub"):
            attendee["name"] = names.get(attendee["sub"]) or pseudonym(attendee["sub"], attendee.get("role"))
    return [for_reader(event, caller) for event in presented]


def get_event(session: Session, caller: Caller, event_id: str) -> tuple[DossierEvent, Dossier]:
    event = session.get(DossierEvent, event_id)
    if event is None:
        raise NotFound("No such event.")
    dossier, _ = readable_dossier(session, caller, event.dossier_id, "event")
    return event, dossier


def read_event(session: Session, caller: Caller, event_id: str) -> dict:
    """One event as ``caller`` reads it (404 when its dossier is not theirs)."""
    event, _ = get_event(session, caller, event_id)
    (presented,) = present_for_reader(session, [event], caller)
    return presented


def list_events(session: Session, caller: Caller, dossier_id: str, *, limit: int, cursor: str | None) -> Page:
    readable_dossier(session, caller, dossier_id, "event")
    statement = select(DossierEvent).where(DossierEvent.dossier_id == dossier_id)
    page = keyset_page(session, statement, [DossierEvent.starts_at, DossierEvent.id], limit=limit, cursor=cursor)
    return Page(present_for_reader(session, page.items, caller), page.next_cursor)


# --- iCalendar ------------------------------------------------------------------------------------------
# icalendar (with pytz and dateutil, ~3 MiB) is imported where a calendar is written, not by every process that
# imports this module (issue 18: memory).


def _vevent(event: DossierEvent, reference: str) -> icalendar.Event:
    import icalendar

    zone = ZoneInfo(event.timezone)
    vevent = icalendar.Event()
    vevent.add("uid", f"{event.id}@dossier")
    vevent.add("dtstamp", event.updated_at.astimezone(ZoneInfo("UTC")))
    vevent.add("dtstart", event.starts_at.astimezone(zone))
    vevent.add("dtend", event.ends_at.astimezone(zone))
    vevent.add("summary", f"{event.title} ({reference})")
    vevent.add("sequence", event.sequence)
    vevent.add("status", "CANCELLED" if event.cancelled_at else "CONFIRMED")
    if event.description:
        vevent.add("description", event.description)
    if event.location:
        vevent.add("location", event.location)
    if event.url:
        vevent.add("url", event.url)
    vevent.add("categories", [event.kind.upper()])
    for attendee in event.attendees:
        if attendee.get("email"):
            address = icalendar.vCalAddress(f"mailto:{attendee['email']}")
            if attendee.get("name"):
                address.params["cn"] = icalendar.vText(attendee["name"])
            vevent.add("attendee", address, encode=0)
    return vevent


def _calendar(events: list[tuple[DossierEvent, str]], name: str, *, method: str | None = None) -> bytes:
    import icalendar

    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    if method:
        calendar.add("method", method)
    calendar.add("x-wr-calname", name)
    for event, reference in events:
        calendar.add_component(_vevent(event, reference))
    calendar.add_missing_timezones()
    return calendar.to_ical()


def event_ics(event: DossierEvent, reference: str) -> bytes:
    """One event as a calendar (METHOD:REQUEST, or CANCEL once cancelled): what an email carries."""
    return _calendar([(event, reference)], reference, method="CANCEL" if event.cancelled_at else "REQUEST")


def new_feed(session: Session, caller: Caller, name: str = "Dossiers") -> str:
    """A new secret feed token for the caller; the previous one stops working at once."""
    now = clock.now()
    for feed in session.scalars(
        select(CalendarFeed).where(CalendarFeed.sub == caller.sub, CalendarFeed.revoked_at.is_(None))
    ):
        feed.revoked_at = now
    token = secrets.token_urlsafe(32)
    session.add(
        CalendarFeed(
            token_hash=_hash(token), sub=caller.sub, role=caller.role, org=caller.org, name=name, created_at=now
        )
    )
    session.flush()
    return token


def revoke_feed(session: Session, caller: Caller) -> int:
    count = 0
    for feed in session.scalars(
        select(CalendarFeed).where(CalendarFeed.sub == caller.sub, CalendarFeed.revoked_at.is_(None))
    ):
        feed.revoked_at = clock.now()
        count += 1
    return count


def feed_status(session: Session, caller: Caller) -> CalendarFeed | None:
    return session.scalars(
        select(CalendarFeed).where(CalendarFeed.sub == caller.sub, CalendarFeed.revoked_at.is_(None))
    ).first()


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def feed_ics(session: Session, token: str) -> bytes:
    """The events of every dossier the feed's owner may see (404 for an unknown or renewed token)."""
    feed = session.get(CalendarFeed, _hash(token)) if len(token) <= 100 else None
    if feed is None or feed.revoked_at is not None:
        raise NotFound("No such calendar.")
    owner = Caller(sub=feed.sub, role=feed.role, org=feed.org)
    since = clock.now() - timedelta(days=FEED_HISTORY_DAYS)
    statement = (
        select(DossierEvent, Dossier.reference)
        .join(Dossier, Dossier.id == DossierEvent.dossier_id)
        .where(DossierEvent.ends_at >= since)
        .order_by(DossierEvent.starts_at, DossierEvent.id)
        .limit(FEED_MAX_EVENTS)
    )
    if not (owner.is_staff or owner.is_service):
        if owner.role != "client":
            raise NotFound("No such calendar.")
        mine = Dossier.client_sub == owner.sub
        statement = statement.where(or_(mine, Dossier.client_org == owner.org) if owner.org else mine)
    return _calendar([(event, reference) for event, reference in session.execute(statement)], feed.name)
