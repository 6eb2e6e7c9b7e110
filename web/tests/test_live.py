"""The live updates' relay (/portal/live): the person's stream from the notification service, passed on as it
comes with their own token and the last event they received; refused (the page keeps polling) when full."""

from fake_apis import problem
from helpers import make_settings, sign_in

from web.app import create_app

STREAM = b'retry: 3000\n: connected\n\nid: 7\nevent: notification\ndata: {"id":"n-1"}\n\n'


def _stream(apis, **options):
    apis.answer(
        "notification", "GET", "/me/stream", body=STREAM, headers={"Content-Type": "text/event-stream"}, **options
    )


def test_the_stream_is_relayed_with_the_persons_token_and_the_last_event_id(client, apis):
    sign_in(client, "client")
    _stream(apis)
    response = client.get("/portal/live", headers={"Last-Event-ID": "6"})
    assert response.status_code == 200 and response.mimetype == "text/event-stream"
    assert response.get_data() == STREAM
    assert response.headers["Cache-Control"] == "no-store"
    (call,) = apis.calls("notification", "GET", "/me/stream")
    assert call.headers["Authorization"].startswith("Bearer ") and call.headers["Last-Event-Id"] == "6"
    assert call.query["max_seconds"] == "55"  # bounded: the browser reconnects on its own


def test_a_new_stream_after_a_failure_resumes_from_the_query_and_ignores_a_garbled_id(client, apis):
    sign_in(client, "agent")
    _stream(apis)
    client.get("/portal/live?last_event_id=41").get_data()
    client.get("/portal/live", headers={"Last-Event-ID": "x1"}).get_data()
    first, garbled = apis.calls("notification", "GET", "/me/stream")
    assert first.headers["Last-Event-Id"] == "41" and "Last-Event-Id" not in garbled.headers


def test_a_stream_the_service_refuses_is_refused_so_the_page_keeps_polling(client, apis):
    sign_in(client, "client")
    apis.answer(
        "notification", "GET", "/me/stream", status=429, body=problem(429, "Too many"), headers={"Retry-After": "3"}
    )
    response = client.get("/portal/live")
    assert response.status_code == 429 and response.headers["Retry-After"] == "3"


def test_streams_beyond_the_process_limit_are_refused_until_one_ends(apis):
    app = create_app(make_settings(apis, web_live_streams_per_process=1), {"TESTING": True})
    client = app.test_client()
    sign_in(client, "client")
    _stream(apis)
    held = client.get("/portal/live", buffered=False)
    assert held.status_code == 200
    assert client.get("/portal/live").status_code == 429
    held.close()
    assert client.get("/portal/live").status_code == 200


def test_only_a_signed_in_person_has_a_stream(client, apis):
    assert client.get("/portal/live").status_code == 302
    assert apis.calls("notification") == []


def test_every_signed_in_page_names_its_stream_and_the_badge_falls_back_to_polling(client, apis):
    sign_in(client, "client")
    apis.answer("dossier", "GET", "/dossiers", body={"items": [], "next_cursor": None})
    page = client.get("/portal/dossiers").get_data(as_text=True)
    assert 'data-live-url="/portal/live"' in page
    assert 'data-live-kind="notification"' in page and 'hx-trigger="load, live-change, every 30s"' in page
