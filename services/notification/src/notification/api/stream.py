"""``/api/v1/me/stream``: the signed-in person's live updates as server-sent events (``text/event-stream``).

Each line of the person's live feed (``services/live.py``) is one SSE event: ``id`` (what the client sends back as
``Last-Event-ID`` when it reconnects), ``event`` (``notification`` or ``dossier``) and ``data`` (JSON). A response
replays the lines after ``Last-Event-ID`` (none: only what comes next), then reads new ones every
``LIVE_STREAM_POLL_SECONDS``, says ``: keepalive`` when it has been quiet for ``LIVE_STREAM_HEARTBEAT_SECONDS``
and ends after ``max_seconds`` (at most ``LIVE_STREAM_MAX_SECONDS``): a stream holds one of gunicorn's threads,
so none is held forever and at most ``LIVE_STREAMS_PER_PROCESS`` are open at once (429 beyond). On SIGTERM
(gunicorn's graceful stop, ``make run``'s Ctrl-C) every stream of the process ends at once, so the stop does not wait
for them (gunicorn's own handler still runs: the signal is chained); the client's EventSource reconnects elsewhere.
"""

from __future__ import annotations

import json
import signal
import threading
import time
from collections.abc import Callable, Iterator

from flask import Flask, Response, current_app, stream_with_context
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import EXCLUDE, Schema, fields, validate

from platform_shared.auth import current_caller, require_roles
from platform_shared.db import Database
from platform_shared.errors import TooManyRequests
from platform_shared.openapi import problems
from platform_shared.web import app_db, app_settings

from ..db import LiveEvent
from ..domain import live as live_rules
from ..services import live

blp = Blueprint("stream", __name__, url_prefix="/api/v1/me", description="Live updates")
PEOPLE = ("agent", "client", "partner")
REPLAY_BATCH = 200
_SLOTS = "notification.live_stream_slots"
EVENT_STREAM = "text/event-stream"


class StreamArgsSchema(Schema):
    """How long this response may last."""

    max_seconds = fields.Integer(
        load_default=None,
        validate=validate.Range(min=0, max=86_400),
        metadata={
            "description": "End the response after this many seconds (capped by the service's "
            "LIVE_STREAM_MAX_SECONDS); 0 replays what is missed and ends at once."
        },
    )


class StreamHeadersSchema(Schema):
    """The last event the client received (EventSource sends it when it reconnects)."""

    class Meta:
        unknown = EXCLUDE

    last_event_id = fields.Integer(
        data_key="Last-Event-ID",
        load_default=None,
        validate=validate.Range(min=0, max=2**53),
        metadata={"description": "Replay the events after this id, then the live ones."},
    )


STOPPING = threading.Event()  # set at SIGTERM: every open stream ends


def install_slots(app: Flask, settings) -> None:
    """The process's bounded number of open streams (one semaphore per app), ended by SIGTERM."""
    app.extensions[_SLOTS] = threading.BoundedSemaphore(settings.live_streams_per_process)
    end_streams_on_sigterm()


def end_streams_on_sigterm() -> None:
    """Chain a SIGTERM handler that sets ``STOPPING`` before the one installed so far (gunicorn's, which a
    worker installs before it loads the app). Only in the main thread, where handlers can be set; once."""
    if threading.current_thread() is not threading.main_thread():
        return
    previous = signal.getsignal(signal.SIGTERM)
    if getattr(previous, "ends_streams", False):
        return

    def on_sigterm(signum, frame):
        STOPPING.set()
        if callable(previous):
            previous(signum, frame)
        elif previous == signal.SIG_DFL:
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
            signal.raise_signal(signal.SIGTERM)

    on_sigterm.ends_streams = True
    signal.signal(signal.SIGTERM, on_sigterm)


def _take_slot(retry_after: int) -> Callable[[], None]:
    slots: threading.BoundedSemaphore = current_app.extensions[_SLOTS]
    if not slots.acquire(blocking=False):
        raise TooManyRequests("Too many live streams are open on this server; retry later.", retry_after=retry_after)
    released = threading.Event()

    def release() -> None:
        if not released.is_set():
            released.set()
            slots.release()

    return release


def _frame(line: LiveEvent) -> str:
    return f"id: {line.id}\nevent: {line.kind}\ndata: {json.dumps(line.data, separators=(',', ':'))}\n\n"


def _frames(
    db: Database, settings, audiences: tuple[str, ...], after_id: int, seconds: int, release: Callable[[], None]
) -> Iterator[str]:
    try:
        yield from _lines(db, settings, audiences, after_id, seconds)
    finally:
        release()  # at the end; a client gone mid-stream is the response's close (call_on_close)


def _lines(db: Database, settings, audiences: tuple[str, ...], after_id: int, seconds: int) -> Iterator[str]:
    yield f"retry: {settings.live_stream_retry_ms}\n: connected\n\n"
    deadline = time.monotonic() + seconds
    quiet_since = time.monotonic()
    while not STOPPING.is_set():
        with db.read_only() as session:
            lines = live.lines_after(session, audiences, after_id, limit=REPLAY_BATCH)
            frames = [_frame(line) for line in lines]
        if lines:
            after_id, quiet_since = lines[-1].id, time.monotonic()
            yield "".join(frames)
            if len(lines) == REPLAY_BATCH:
                continue  # more to replay before waiting
        now = time.monotonic()
        if now >= deadline:
            return
        if now - quiet_since >= settings.live_stream_heartbeat_seconds:
            yield ": keepalive\n\n"
            quiet_since = now
        STOPPING.wait(min(settings.live_stream_poll_seconds, max(deadline - now, 0)))


@blp.route("/stream")
class Stream(MethodView):
    @require_roles(*PEOPLE)
    @blp.arguments(StreamArgsSchema, location="query")
    @blp.arguments(StreamHeadersSchema, location="headers")
    @blp.doc(
        responses={
            "200": {
                "description": "Server-sent events: `notification` (one of the caller's in-app notifications) and "
                "`dossier` (a change of a dossier the caller may see: its type and ids, never its content), "
                "each with its `id`; `: keepalive` comments while quiet; `retry:` first.",
                "content": {EVENT_STREAM: {"schema": {"type": "string"}}},
            }
        }
    )
    @problems(429)
    def get(self, args, headers):
        """The caller's live updates as server-sent events, resumable with Last-Event-ID."""
        settings = app_settings()
        caller = current_caller()
        seconds = settings.live_stream_max_seconds
        if args["max_seconds"] is not None:
            seconds = min(seconds, args["max_seconds"])
        db = app_db()
        release = _take_slot(retry_after=max(1, settings.live_stream_retry_ms // 1000))
        try:
            with db.read_only() as session:
                newest = live.last_id(session)
        except Exception:
            release()
            raise
        after_id = newest if headers["last_event_id"] is None else min(headers["last_event_id"], newest)
        audiences = live_rules.audiences_of_caller(caller.sub, caller.role)
        response = Response(
            stream_with_context(_frames(db, settings, audiences, after_id, seconds, release)), mimetype=EVENT_STREAM
        )
        response.call_on_close(release)
        response.headers["Cache-Control"] = "no-store"
        response.headers["X-Accel-Buffering"] = "no"  # nginx passes each event on at once
        return response
