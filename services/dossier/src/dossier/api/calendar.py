"""Events of a dossier and calendars: ``/dossiers/{id}/events``, ``/events/{id}``, ``/events/{id}.ics``,
``/calendar/feed`` (the caller's secret feed URL) and ``/calendar/feeds/{token}.ics`` (no Bearer token:
calendar clients cannot send one; the secret in the URL is the credential)."""

from __future__ import annotations

from flask import Response, request
from flask.views import MethodView
from flask_smorest import Blueprint

from platform_shared.auth import current_caller, require_roles
from platform_shared.pagination import PageArgsSchema, page_schema
from platform_shared.web import app_db, app_settings

from ..services import actors, events
from .schemas import documents_problems
from .workspace_schemas import (
    EventCancelSchema,
    EventCreateSchema,
    EventPatchSchema,
    EventSchema,
    FeedCreateSchema,
    FeedSchema,
    ParticipantListSchema,
)

blp = Blueprint("calendar", __name__, url_prefix="/api/v1", description="Events, iCalendar feeds, participants")
CALENDAR = "text/calendar; charset=utf-8"
READERS = ("agent", "client", "service")


def _calendar_response(description: str) -> dict:
    return {"200": {"description": description, "content": {"text/calendar": {"schema": {"type": "string"}}}}}


def _ics(body: bytes, filename: str) -> Response:
    response = Response(body, mimetype="text/calendar")
    response.headers["Content-Type"] = CALENDAR
    response.headers["Content-Disposition"] = f'inline; filename="{filename}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


@blp.route("/dossiers/<dossier_id>/events")
class Events(MethodView):
    @require_roles("agent")
    @blp.arguments(EventCreateSchema)
    @blp.response(201, EventSchema)
    @documents_problems(blp, 403, 404, 409, 422)
    def post(self, body, dossier_id):
        """Schedule an appointment or a meeting (attendees among the dossier's actors; 422 otherwise)."""
        with app_db().transaction() as session:
            return events.schedule(session, current_caller(), dossier_id, body)

    @require_roles(*READERS)
    @blp.arguments(PageArgsSchema, location="query")
    @blp.response(200, page_schema(EventSchema))
    @documents_problems(blp, 403, 404)
    def get(self, page, dossier_id):
        """The dossier's events by start time, cancelled ones included (flagged)."""
        with app_db().read_only() as session:
            return events.list_events(session, current_caller(), dossier_id, **page)


@blp.route("/events/<event_id>")
class EventById(MethodView):
    @require_roles(*READERS)
    @blp.response(200, EventSchema)
    @documents_problems(blp, 403, 404)
    def get(self, event_id):
        """One event."""
        with app_db().read_only() as session:
            return events.read_event(session, current_caller(), event_id)

    @require_roles("agent")
    @blp.arguments(EventPatchSchema)
    @blp.response(200, EventSchema)
    @documents_problems(blp, 403, 404, 409, 422)
    def patch(self, body, event_id):
        """Move or change an event (409 once cancelled or when the dossier is closed)."""
        with app_db().transaction() as session:
            return events.reschedule(session, current_caller(), event_id, body)


@blp.route("/events/<event_id>/cancel")
class EventCancel(MethodView):
    @require_roles("agent")
    @blp.arguments(EventCancelSchema)
    @blp.response(200, EventSchema)
    @documents_problems(blp, 403, 404, 409)
    def post(self, body, event_id):
        """Cancel an event (it stays listed, ``STATUS:CANCELLED`` in calendars; the actors are told)."""
        with app_db().transaction() as session:
            return events.cancel(session, current_caller(), event_id, body.get("reason") or "")


@blp.route("/events/<event_id>.ics")
class EventIcs(MethodView):
    @require_roles(*READERS)
    @blp.doc(responses=_calendar_response("The event as an iCalendar file (RFC 5545)."))
    @documents_problems(blp, 403, 404)
    def get(self, event_id):
        """One event as ``text/calendar``."""
        with app_db().read_only() as session:
            event, dossier = events.get_event(session, current_caller(), event_id)
            return _ics(events.event_ics(event, dossier.reference), f"{dossier.reference}-{event.id[:8]}.ics")


def _feed_url(token: str) -> str:
    base = (app_settings().calendar_base_url or request.url_root).rstrip("/")
    return f"{base}/api/v1/calendar/feeds/{token}.ics"


@blp.route("/calendar/feed")
class Feed(MethodView):
    @require_roles("agent", "client")
    @blp.response(200, FeedSchema)
    def get(self):
        """Whether the caller has a feed (its URL is shown only when made)."""
        with app_db().read_only() as session:
            feed = events.feed_status(session, current_caller())
            return {"url": None, "active": feed is not None, "created_at": feed.created_at if feed else None}

    @require_roles("agent", "client")
    @blp.arguments(FeedCreateSchema)
    @blp.response(201, FeedSchema)
    def post(self, body):
        """Make (or renew) the caller's secret feed URL: the previous URL stops working at once."""
        with app_db().transaction() as session:
            token = events.new_feed(session, current_caller(), body["name"])
            feed = events.feed_status(session, current_caller())
            return {"url": _feed_url(token), "active": True, "created_at": feed.created_at}

    @require_roles("agent", "client")
    @blp.response(200, FeedSchema)
    def delete(self):
        """Stop the caller's feed (its URL answers 404 from now on)."""
        with app_db().transaction() as session:
            events.revoke_feed(session, current_caller())
            return {"url": None, "active": False, "created_at": None}


@blp.route("/calendar/feeds/<feed_token>.ics")
class FeedIcs(MethodView):
    @blp.doc(responses=_calendar_response("The owner's events (RFC 5545)."))
    @documents_problems(blp, 404)
    def get(self, feed_token):
        """The events of every dossier the feed's owner may see. No Bearer token: the URL's secret is the key."""
        with app_db().read_only() as session:
            return _ics(events.feed_ics(session, feed_token), "dossiers.ics")


@blp.route("/dossiers/<dossier_id>/participants")
class Participants(MethodView):
    @require_roles(*READERS)
    @blp.response(200, ParticipantListSchema)
    @documents_problems(blp, 403, 404)
    def get(self, dossier_id):
        """The dossier's participants by name (the client side); staff also see contributors and emails."""
        with app_db().read_only() as session:
            return {"items": actors.participant_names(session, current_caller(), dossier_id)}
