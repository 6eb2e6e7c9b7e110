"""My calendar (CRM and portal) against the boundary fake of the services: whether a feed is active, its secret
address shown once in the answer to making or renewing it (with a copy button, never stored nor redirected
to), stopping it; third parties have no feed."""

from __future__ import annotations

import json

from fake_apis import problem
from helpers import csrf_token, sign_in

FEED_URL = "http://127.0.0.1:8001/api/v1/calendar/feeds/Zk3Q9sV1x7Lm2Pa8Rt4Yw6Nb0Hc5Jd.ics"
ACTIVE = {"url": None, "active": True, "created_at": "2026-12-01T09:00:00Z"}
NONE = {"url": None, "active": False, "created_at": None}


def test_without_a_feed_the_page_offers_to_make_one_and_shows_its_address_once(client, apis):
    sign_in(client, "client")
    apis.answer("dossier", "GET", "/calendar/feed", body=NONE)
    page = client.get("/portal/calendar").get_data(as_text=True)
    assert "/portal/calendar/feed" in page and FEED_URL not in page
    apis.answer("dossier", "POST", "/calendar/feed", 201, {**ACTIVE, "url": FEED_URL})
    token = csrf_token(client, "/portal/calendar")
    apis.answer("dossier", "GET", "/calendar/feed", body=ACTIVE)
    response = client.post("/portal/calendar/feed", data={"csrf_token": token})
    page = response.get_data(as_text=True)
    assert response.status_code == 201  # the address in this answer, not behind a redirect
    assert f'id="feed-url-value">{FEED_URL}<' in page and 'data-copy="#feed-url-value"' in page
    [made] = apis.calls("dossier", "POST", "/calendar/feed")
    assert json.loads(made.body) == {"name": "Mes dossiers"}
    with client.session_transaction() as session:
        assert FEED_URL not in json.dumps(dict(session), default=str)  # never kept by the web application
    assert FEED_URL not in client.get("/portal/calendar").get_data(as_text=True)  # shown once


def test_an_active_feed_is_renewed_or_stopped_by_staff_too(client, apis):
    sign_in(client, "agent")
    apis.answer("dossier", "GET", "/calendar/feed", body=ACTIVE)
    page = client.get("/crm/calendar").get_data(as_text=True)
    assert "Renouveler mon adresse" in page and "/crm/calendar/feed/stop" in page
    apis.answer("dossier", "DELETE", "/calendar/feed", body=NONE)
    response = client.post("/crm/calendar/feed/stop", data={"csrf_token": csrf_token(client, "/crm/calendar")})
    assert response.status_code == 302 and response.headers["Location"].endswith("/crm/calendar")
    assert apis.calls("dossier", "DELETE", "/calendar/feed")


def test_the_calendar_pages_are_not_for_third_parties(client, apis):
    sign_in(client, "participant")
    assert client.get("/portal/calendar").status_code in (403, 404)
    assert client.get("/crm/calendar").status_code in (302, 403, 404)
    assert not apis.calls("dossier")


def test_a_dossier_service_that_is_down_gives_the_503_page(client, apis):
    sign_in(client, "client")
    apis.answer("dossier", "GET", "/calendar/feed", 503, problem(503, "Service Unavailable"))
    assert client.get("/portal/calendar").status_code == 503


def test_the_dossier_lists_link_my_calendar(client, apis):
    sign_in(client, "client")
    apis.answer("dossier", "GET", "/dossiers", body={"items": [], "next_cursor": None})
    assert 'href="/portal/calendar"' in client.get("/portal/dossiers").get_data(as_text=True)


def test_the_crm_dossier_list_links_my_calendar(client, apis):
    sign_in(client, "agent")
    for service, path in (
        ("dossier", "/dossiers"),
        ("dossier", "/models"),
        ("dossier", "/categories"),
        ("partner-gateway", "/partners"),
    ):
        apis.answer(service, "GET", path, body={"items": [], "next_cursor": None})
    assert 'href="/crm/calendar"' in client.get("/crm/dossiers").get_data(as_text=True)
