"""``/portal/live``: the signed-in person's live updates, relayed from the notification service's stream.

A browser's ``EventSource`` cannot send the bearer token, so the page opens this same-origin URL and the web
application calls ``GET /me/stream`` with the person's own token (public APIs only), passing each chunk on as it
comes. ``Last-Event-ID`` (sent by the browser when it reconnects, or ``last_event_id`` in the query when the
script opens a new stream after a failure) goes to the service, which replays what was missed. Each relay holds
one of gunicorn's threads: at most ``WEB_LIVE_STREAMS_PER_PROCESS`` at once (beyond, 429 and the page keeps
polling), each ending after ``WEB_LIVE_STREAM_SECONDS`` (the browser reconnects on its own).
"""

from __future__ import annotations

import threading

from flask import Response, current_app, request, stream_with_context

from ..clients import ApiError
from ..identity import signed_in
from . import bp
from .common import api

_SLOTS = "web.live_slots"
EVENT_STREAM = "text/event-stream"
HEARTBEAT_WAIT_SECONDS = 45.0  # longer than the service's keepalive (15 s): a silent upstream is a dead one


def _slots() -> threading.BoundedSemaphore:
    slots = current_app.extensions.get(_SLOTS)
    if slots is None:  # the first stream of this app (setdefault: two first streams share one semaphore)
        limit = current_app.extensions["web.settings"].web_live_streams_per_process
        slots = current_app.extensions.setdefault(_SLOTS, threading.BoundedSemaphore(limit))
    return slots


def _last_event_id() -> str | None:
    value = request.headers.get("Last-Event-ID") or request.args.get("last_event_id")
    return value if value and value.isdigit() and len(value) <= 18 else None


def _refused(status: int, retry_after: int | None = None) -> Response:
    response = Response("", status=status, mimetype="text/plain")
    if retry_after:
        response.headers["Retry-After"] = str(retry_after)
    return response


@bp.get("/live")
@signed_in()
def live():
    """The person's server-sent events (notifications, changes of the dossiers they may see)."""
    slots = _slots()
    if not slots.acquire(blocking=False):
        return _refused(429, retry_after=30)
    released = threading.Event()

    def release() -> None:
        if not released.is_set():
            released.set()
            slots.release()

    settings = current_app.extensions["web.settings"]
    last = _last_event_id()
    try:
        upstream = api().send(
            "notification",
            "GET",
            "/me/stream",
            stream=True,
            params={"max_seconds": settings.web_live_stream_seconds},
            headers={"Accept": EVENT_STREAM, **({"Last-Event-ID": last} if last else {})},
            timeout=(settings.http_timeout_seconds, HEARTBEAT_WAIT_SECONDS),
        )
    except ApiError as error:
        release()
        return _refused(error.status if error.status in (401, 403, 429) else 503, error.retry_after)

    def relay():
        try:
            yield from upstream.iter_content(chunk_size=None)
        except OSError:
            return  # the service went away: the browser reconnects, or the page polls
        finally:
            upstream.close()
            release()

    response = Response(stream_with_context(relay()), mimetype=EVENT_STREAM)
    response.call_on_close(release)
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Accel-Buffering"] = "no"
    return response
