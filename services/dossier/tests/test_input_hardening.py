"""Input PostgreSQL would choke on, or that a client forged, is a 422 and never reaches the database."""

import base64

import pytest


def forged(raw: str) -> str:
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


@pytest.mark.parametrize("raw", ['[1, "a"]', '[{"$dt": "2020-01-01"}, [1]]', "[null, null]", '[{"$dt": 5}, "x"]'])
@pytest.mark.parametrize("route", ["/api/v1/dossiers", "/api/v1/models", "notes", "timeline"])
def test_a_cursor_with_values_of_the_wrong_type_is_422(client, as_admin, dossier, raw, route):
    if not route.startswith("/"):
        route = f"/api/v1/dossiers/{dossier['id']}/{route}"
    response = client.get(f"{route}?cursor={forged(raw)}", headers=as_admin)
    assert response.status_code == 422
    assert response.get_json()["errors"] == {"cursor": ["Invalid cursor."]}


@pytest.mark.parametrize(
    "method, path, body",
    [
        ("get", "/api/v1/dossiers/ab%00cd", None),
        ("get", "/api/v1/dossiers?q=roof%00", None),
        ("post", "/api/v1/dossiers", {"title": "Roof\u0000", "model_id": "m"}),
        ("patch", "/api/v1/dossiers/x", {"fields": {"site\u0000": 1}}),
    ],
)
def test_nul_characters_are_refused_before_any_database_work(client, as_agent, method, path, body):
    response = getattr(client, method)(path, json=body, headers=as_agent)
    assert response.status_code == 422
    assert response.get_json()["detail"] == "Text may not contain NUL characters."
