"""The portal's home (by kind of person), the in-app notifications and document downloads."""

from __future__ import annotations

from flask import abort, current_app, redirect, request, url_for

from ..identity import signed_in
from . import bp
from .common import api, page, person, stream_document
from .forms import PlainForm
from .third_party import third_party_home


@bp.get("/")
@signed_in()
def home():
    if person().is_client:
        return redirect(url_for("portal.dossiers"))
    if person().is_third_party:
        return third_party_home()
    return redirect(url_for("staff.home"))


@bp.get("/documents/<document_id>/content")
@signed_in()
def download(document_id: str):
    rendition = request.args.get("rendition")
    if rendition not in (None, "original", "docx", "pdf"):
        abort(404)
    return stream_document(document_id, rendition)


@bp.get("/notifications")
@signed_in()
def notifications():
    cursor = request.args.get("cursor")
    feed = api().get("notification", "/notifications", {"limit": 30, "cursor": cursor})
    return page("portal/notifications.html", nav="notifications", feed=feed, form=PlainForm())


@bp.get("/notifications/badge")
@signed_in()
def unread_badge():
    """The unread count in the top bar, loaded after the page (htmx) so that no page waits for it."""
    count = api().get("notification", "/notifications/unread-count")["unread_count"]
    return page("partials/unread_badge.html", count=count)


@bp.post("/notifications/<notification_id>/read")
@signed_in()
def open_notification(notification_id: str):
    form = PlainForm()
    if not form.validate_on_submit():
        abort(400)
    notification = api().post("notification", f"/notifications/{notification_id}/read")
    return redirect(local_link(notification.get("link")) or url_for("portal.notifications"))


def local_link(link: str | None) -> str | None:
    """A notification's link when it points into this application (the services build them from
    ``PORTAL_BASE_URL`` / ``CRM_BASE_URL``); anything else stays on the notifications page."""
    base = current_app.extensions["web.settings"].web_base_url.rstrip("/")
    if link and link.startswith(base + "/"):
        return link[len(base) :]
    return None
