"""Live updates (issue 20 point 7): the notification service's SSE stream read by a real streaming HTTP client
from the running gunicorn process, while other services' APIs change the dossier.

What the stream promises: a partner's answer reaches staff as it is submitted; a note reaches the client's
stream (with the in-app notification) only when its visibility lets the client see it; a client of another
company and a partner attached to nothing never hear of the dossier; a reconnection with ``Last-Event-ID``
gets exactly the events sent while it was away, in order. "Never hear of" is checked without waiting for
nothing: ids grow in commit order, so once a later event has arrived every earlier line is readable.
"""

from __future__ import annotations

import json
import queue
import signal
import threading
from datetime import date, timedelta

import requests
from review_model import REVIEW_MODEL
from scenario_helpers import address, call, create_model, ok, unique
from scenario_partners_helpers import move

END = object()


class Stream:
    """One ``GET /me/stream`` read by a thread as it arrives: its events (id, event, data) in a queue."""

    def __init__(self, platform, headers: dict, *, last_event_id: int | None = None, max_seconds: int = 90):
        extra = {} if last_event_id is None else {"Last-Event-ID": str(last_event_id)}
        self.response = requests.get(
            platform.api("notification", "/me/stream"),
            headers={**headers, **extra, "Accept": "text/event-stream"},
            params={"max_seconds": max_seconds},
            stream=True,
            timeout=(5, 40),
        )
        assert self.response.status_code == 200, self.response.text
        assert self.response.headers["Content-Type"].startswith("text/event-stream")
        self.queue: queue.Queue = queue.Queue()
        self.received: list[dict] = []
        self.comments: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        fields: dict[str, str] = {}
        try:
            for line in self.response.iter_lines(chunk_size=None, decode_unicode=True):
                if line.startswith(":"):
                    self.comments.append(line)
                elif line:
                    name, _, value = line.partition(":")
                    fields[name] = value.removeprefix(" ")
                elif "id" in fields:
                    self.queue.put(
                        {"id": int(fields["id"]), "event": fields["event"], "data": json.loads(fields["data"])}
                    )
                    fields = {}
                else:
                    fields = {}
        except (requests.RequestException, AttributeError, ValueError):
            pass  # closed by the test
        finally:
            self.queue.put(END)

    def wait_for(self, wanted, timeout: float = 60) -> dict:
        """The first event (from now on) for which ``wanted(event)`` is true; every one read is kept."""
        while True:
            event = self.queue.get(timeout=timeout)
            assert event is not END, f"the stream ended before the event; it sent {self.received}"
            self.received.append(event)
            if wanted(event):
                return event

    def close(self) -> None:
        self.response.close()


def replay(platform, headers: dict, after: int) -> list[dict]:
    """What a reconnection after ``after`` replays at once (``max_seconds=0``: no waiting)."""
    stream = Stream(platform, headers, last_event_id=after, max_seconds=0)
    events = []
    while (event := stream.queue.get(timeout=30)) is not END:
        events.append(event)
    return events


def about(dossier_id: str, change: str | None = None):
    def wanted(event: dict) -> bool:
        data = event["data"]
        return data.get("dossier_id") == dossier_id and (change is None or data.get("type") == change)

    return wanted


def _dossier(platform, agent: dict, client_sub: str, org: str) -> str:
    body = {
        "model_id": create_model(platform, REVIEW_MODEL),
        "title": "Extension",
        "client_sub": client_sub,
        "client_org": org,
        "fields": {"address": "1 rue de la Paix", "budget": 90000},
    }
    return ok(call(platform, "dossier", "POST", "/dossiers", agent, json=body), 201)["id"]


def _attached_solicitation(platform, agent: dict, dossier_id: str, partner: dict) -> str:
    created = ok(
        call(
            platform,
            "partner-gateway",
            "POST",
            "/partners",
            agent,
            json={"name": "Expert", "email": address("expert"), "kind": "external"},
        ),
        201,
    )
    solicitation = ok(
        call(
            platform,
            "partner-gateway",
            "POST",
            f"/dossiers/{dossier_id}/solicitations",
            agent,
            json={
                "partner_id": created["id"],
                "type": "opinion",
                "scope": "technical",
                "due_date": (date.today() + timedelta(days=10)).isoformat(),
                "open_statuses": ["review"],
            },
        ),
        201,
    )
    ok(call(platform, "partner-gateway", "POST", "/attach", partner, json={"key": solicitation["access_key"]}))
    return solicitation["id"]


def _note(platform, agent: dict, dossier_id: str, visibility: str) -> str:
    body = {"body": f"A {visibility} note", "visibility": visibility}
    return ok(call(platform, "dossier", "POST", f"/dossiers/{dossier_id}/notes", agent, json=body), 201)["id"]


def test_a_partners_answer_reaches_staff_as_it_is_submitted_and_no_one_who_may_not_see_the_dossier(platform):
    agent = platform.headers("agent", unique("agent"), email=address("agent"))
    colleague = platform.headers("agent", unique("colleague"))  # staff see every dossier, assigned or not
    owner_sub, org = unique("client"), unique("org")
    owner = platform.headers("client", owner_sub, org=org)
    other = platform.headers("client", unique("other"), org=unique("org"))
    stranger = platform.headers("partner", unique("stranger"))
    partner = platform.headers("partner", unique("partner"))
    dossier_id = _dossier(platform, agent, owner_sub, org)
    move(platform, agent, dossier_id, "review")
    solicitation_id = _attached_solicitation(platform, agent, dossier_id, partner)

    staff_stream = Stream(platform, colleague)  # open (200): it sends every line committed from now on
    try:
        ok(
            call(
                platform,
                "partner-gateway",
                "POST",
                f"/solicitations/{solicitation_id}/opinion",
                partner,
                json={"verdict": "favorable", "comment": "Go."},
            )
        )
        ok(call(platform, "partner-gateway", "POST", f"/solicitations/{solicitation_id}/submit", partner))
        answered = staff_stream.wait_for(about(dossier_id, "solicitation.answered"))
    finally:
        staff_stream.close()
    assert answered["event"] == "dossier" and answered["data"]["solicitation_id"] == solicitation_id
    assert "Go." not in json.dumps(answered)  # a change says what changed, the page reads the content

    # every line up to the answer's id is committed: what the others would have been sent is readable now
    for headers in (other, stranger):
        assert [event for event in replay(platform, headers, 0) if about(dossier_id)(event)] == []
    assert [e for e in replay(platform, owner, 0) if about(dossier_id, "solicitation.answered")(e)] == []


def test_a_note_reaches_the_clients_stream_only_when_its_visibility_lets_them_see_it(platform):
    agent = platform.headers("agent", unique("agent"))
    owner_sub, org = unique("client"), unique("org")
    owner = platform.headers("client", owner_sub, org=org, email=address("owner"))
    dossier_id = _dossier(platform, agent, owner_sub, org)
    stream = Stream(platform, owner)
    try:
        _note(platform, agent, dossier_id, "internal")
        requester_note = _note(platform, agent, dossier_id, "requester")
        change = stream.wait_for(about(dossier_id, "dossier.note_added"))
        notification = stream.wait_for(lambda event: event["event"] == "notification")
    finally:
        stream.close()
    assert change["data"]["note_id"] == requester_note  # the internal note, written first, never came
    assert notification["data"]["dossier_id"] == dossier_id and notification["data"]["title"]
    unread = ok(call(platform, "notification", "GET", "/notifications", owner))["items"]
    assert notification["data"]["id"] in [item["id"] for item in unread]


def test_a_reconnection_with_last_event_id_gets_exactly_the_events_it_missed(platform):
    agent = platform.headers("agent", unique("agent"))
    watcher = platform.headers("agent", unique("watcher"))
    dossier_id = _dossier(platform, agent, unique("client"), unique("org"))
    stream = Stream(platform, watcher)
    try:
        first = _note(platform, agent, dossier_id, "internal")
        seen = stream.wait_for(about(dossier_id, "dossier.note_added"))
    finally:
        stream.close()
    assert seen["data"]["note_id"] == first
    missed = [_note(platform, agent, dossier_id, "internal") for _ in range(2)]

    def both_written() -> bool:
        notes = [e for e in replay(platform, watcher, seen["id"]) if about(dossier_id, "dossier.note_added")(e)]
        return len(notes) == 2

    assert platform.wait_until(both_written, timeout=60)
    again = Stream(platform, watcher, last_event_id=seen["id"], max_seconds=5)
    try:
        events = [again.wait_for(about(dossier_id, "dossier.note_added")) for _ in missed]
    finally:
        again.close()
    assert [event["data"]["note_id"] for event in events] == missed
    ids = [event["id"] for event in again.received]
    assert ids == sorted(set(ids)) and min(ids) > seen["id"]  # in order, none twice, none before the mark


def test_a_stream_says_how_soon_to_reconnect_and_ends_when_its_time_is_up(platform):
    watcher = platform.headers("client", unique("client"), org=unique("org"))
    response = requests.get(
        platform.api("notification", "/me/stream"), headers=watcher, params={"max_seconds": 1}, timeout=30
    )
    assert response.status_code == 200 and response.text.startswith("retry: ")


def test_sigterm_ends_the_open_streams_so_the_api_stops_without_waiting_for_them(tmp_path):
    """``make run``'s Ctrl-C and an orchestrator's stop: the process ends its streams and exits cleanly, long
    before their ``max_seconds`` or gunicorn's graceful timeout (both set far beyond the wait below)."""
    from harness import Platform

    isolated = Platform(
        tmp_path,
        services=["notification"],
        extra_env={"GUNICORN_GRACEFUL_TIMEOUT": "600", "LIVE_STREAM_MAX_SECONDS": "600", "LOG_LEVEL": "INFO"},
    ).start()
    try:
        watcher = isolated.headers("client", unique("client"), org=unique("org"))
        stream = Stream(isolated, watcher, max_seconds=600)
        api = isolated.processes["notification"].api
        api.send_signal(signal.SIGTERM)
        assert api.wait(timeout=60) == 0  # with the stream still open it would wait 600 s
        stream.response.close()
        assert "Shutting down: Master" in isolated.log_text("notification")
    finally:
        isolated.stop()
