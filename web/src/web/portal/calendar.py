"""My calendar: the secret address of the iCalendar feed the dossier service keeps for the signed-in person
(``/calendar/feed``), for clients here and for staff in the CRM (``crm/calendar.py``, same page). The address is
shown once, when made or renewed (the service stores only its digest): the page says whether a feed is active,
makes or renews it (the previous address stops working at once) and stops it."""

from __future__ import annotations

from flask import flash, redirect, url_for
from flask_babel import gettext as _

from ..identity import signed_in
from . import bp
from .common import api, page


def calendar_page(blueprint: str, nav: str, new_url: str | None = None, status: int = 200):
    feed = api().get("dossier", "/calendar/feed")
    return (
        page(
            "portal/calendar.html",
            nav=nav,
            feed=feed,
            new_url=new_url,
            make_url=url_for(f"{blueprint}.make_calendar_feed"),
            stop_url=url_for(f"{blueprint}.stop_calendar_feed"),
        ),
        status,
    )


def make_feed(blueprint: str, nav: str):
    """The new address in the answer's page (never stored by the web application, never in a redirect)."""
    made = api().post("dossier", "/calendar/feed", {"name": _("My dossiers")})
    return calendar_page(blueprint, nav, new_url=made["url"], status=201)


def stop_feed(blueprint: str):
    api().delete("dossier", "/calendar/feed")
    flash(_("Your calendar address is stopped: calendars that use it get nothing more."), "success")
    return redirect(url_for(f"{blueprint}.calendar"))


@bp.get("/calendar")
@signed_in("client")
def calendar():
    return calendar_page("portal", "calendar")


@bp.post("/calendar/feed")
@signed_in("client")
def make_calendar_feed():
    return make_feed("portal", "calendar")


@bp.post("/calendar/feed/stop")
@signed_in("client")
def stop_calendar_feed():
    return stop_feed("portal")
