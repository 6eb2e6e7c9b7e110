"""My calendar for staff: the same page as the portal's (``portal/calendar.py``) under ``/crm/calendar``."""

from __future__ import annotations

from ..identity import signed_in
from ..portal.calendar import calendar_page, make_feed, stop_feed
from . import bp


@bp.get("/calendar")
@signed_in("agent")
def calendar():
    return calendar_page("crm", "crm-calendar")


@bp.post("/calendar/feed")
@signed_in("agent")
def make_calendar_feed():
    return make_feed("crm", "crm-calendar")


@bp.post("/calendar/feed/stop")
@signed_in("agent")
def stop_calendar_feed():
    return stop_feed("crm")
