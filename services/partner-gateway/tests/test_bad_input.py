"""Bad input is a 4xx problem+json, never a 500 (an absent body is fine where every field is optional)."""

from __future__ import annotations

import pytest
from gateway_world import unique

JUNK_BODIES = [
    None,
    [],
    "text",
    {"partner_id": 5, "type": None, "due_date": "yesterday", "open_statuses": "x"},
    {"key": ["a"]},
    {"values": "nope"},
    {"verdict": "maybe"},
    {"solicitation_ids": [1, 2]},
    {"kind": "contributor", "role": 3, "name": "", "email": "not-an-email"},
    {"reason": ["x"], "due_date": "soon", "open_statuses": []},
    {"model_id": 3, "title": "", "fields": "x", "person": {"name": "", "email": "no", "extra": 1}},
    {"fields": ["not", "a", "dict"], "contributor_ids": "x"},
]
ROUTES = [
    ("POST", "/api/v1/partners"),
    ("POST", "/api/v1/dossiers/{dossier}/solicitations"),
    ("POST", "/api/v1/dossiers/{dossier}/solicitations/remind"),
    ("POST", "/api/v1/attach"),
    ("POST", "/api/v1/solicitations/{solicitation}/opinion"),
    ("PATCH", "/api/v1/solicitations/{solicitation}/completion"),
    ("POST", "/api/v1/dossiers/{dossier}/contributors"),
    ("POST", "/api/v1/me/pieces/{solicitation}/payslip"),
    ("POST", "/api/v1/me/dossiers/{dossier}/notes"),
    ("PATCH", "/api/v1/solicitations/{solicitation}"),
    ("POST", "/api/v1/solicitations/{solicitation}/decline"),
    ("POST", "/api/v1/dossiers/{dossier}/contributors/remind"),
    ("POST", "/api/v1/filings"),
    ("PATCH", "/api/v1/me/filings/{solicitation}"),
]


@pytest.mark.parametrize("method,path", ROUTES)
def test_junk_bodies_never_cause_a_server_error(world, method, path):
    solicitation, sub, partner = world.attached_solicitation()
    url = path.format(dossier=solicitation["dossier_id"], solicitation=solicitation["id"])
    partner_paths = ("/me/", "attach", "/opinion", "/completion", "/decline", "/filings")
    headers = partner if any(part in path for part in partner_paths) else world.agent
    for body in JUNK_BODIES:
        response = world.client.open(url, method=method, json=body, headers=headers)
        assert response.status_code < 500, (url, body, response.get_json())
        if response.status_code >= 400:
            assert response.mimetype == "application/problem+json"


@pytest.mark.parametrize("query", ["limit=0", "limit=abc", "cursor=%%%", "cursor=bm9wZQ", "limit=201"])
def test_bad_paging_is_422(world, query):
    dossier_id = world.dossier()
    response = world.client.get(f"/api/v1/dossiers/{dossier_id}/solicitations?{query}", headers=world.agent)
    assert response.status_code == 422


def test_unknown_ids_are_404(world):
    partner = world.partner_headers(unique("partner"))
    assert world.client.post("/api/v1/solicitations/nope/revoke", headers=world.agent).status_code == 404
    assert world.client.get("/api/v1/me/dossiers/nope", headers=partner).status_code == 404
    assert world.client.post("/api/v1/solicitations/nope/submit", headers=partner).status_code == 404
    assert world.client.post("/api/v1/contributors/nope/revoke", headers=world.agent).status_code == 404
    assert world.client.patch("/api/v1/solicitations/nope", json={"scope": "x"}, headers=world.agent).status_code == 404
    assert (
        world.client.post("/api/v1/solicitations/nope/decline", json={"reason": "x"}, headers=partner).status_code
        == 404
    )
    assert world.client.get("/api/v1/me/filings/nope", headers=partner).status_code == 404
    assert world.client.post("/api/v1/me/filings/nope/submit", headers=partner).status_code == 404
