"""Optimistic concurrency on dossiers and models: ETag on reads and writes, If-Match honoured (412/428)."""

import pytest

from platform_shared.testing.unit import outbox_events


def url(dossier):
    return f"/api/v1/dossiers/{dossier['id']}"


@pytest.fixture
def strict_client(settings, db, service_under_test):
    """The service with REQUIRE_IF_MATCH on."""
    app = service_under_test.create_app(settings.replace(require_if_match=True), db)
    app.config["TESTING"] = True
    return app.test_client()


def test_a_dossier_read_has_a_strong_etag_that_every_reader_shares(client, as_agent, as_client, dossier):
    first = client.get(url(dossier), headers=as_agent)
    again = client.get(url(dossier), headers=as_client)
    tag = first.headers["ETag"]
    assert tag.startswith('"') and tag.endswith('"') and not tag.startswith("W/")
    assert again.headers["ETag"] == tag


def test_a_patch_with_the_current_etag_succeeds_and_answers_the_new_one(client, as_agent, dossier, db):
    tag = client.get(url(dossier), headers=as_agent).headers["ETag"]
    response = client.patch(url(dossier), json={"title": "New roof"}, headers={**as_agent, "If-Match": tag})
    assert response.status_code == 200, response.get_json()
    new_tag = response.headers["ETag"]
    assert new_tag != tag
    assert client.get(url(dossier), headers=as_agent).headers["ETag"] == new_tag
    assert len(outbox_events(db, "dossier.updated")) == 1


def test_a_stale_etag_is_412_and_nothing_is_written(client, as_agent, as_client, dossier, db):
    stale = client.get(url(dossier), headers=as_agent).headers["ETag"]
    first = client.patch(url(dossier), json={"client_reference": "BOB-1"}, headers={**as_client, "If-Match": stale})
    assert first.status_code == 200
    second = client.patch(url(dossier), json={"title": "Second writer"}, headers={**as_agent, "If-Match": stale})
    assert second.status_code == 412
    assert second.mimetype == "application/problem+json"
    assert second.get_json()["type"].endswith("/precondition-failed")
    assert "ETag" not in second.headers
    after = client.get(url(dossier), headers=as_agent)
    assert after.get_json()["title"] == "Roof repair" and after.get_json()["client_reference"] == "BOB-1"
    assert after.headers["ETag"] == first.headers["ETag"]
    assert len(outbox_events(db, "dossier.updated")) == 1


def test_a_list_of_tags_matches_when_one_is_current_and_star_matches_any(client, as_agent, dossier):
    tag = client.get(url(dossier), headers=as_agent).headers["ETag"]
    listed = client.patch(url(dossier), json={"title": "A"}, headers={**as_agent, "If-Match": f'"old", {tag}'})
    assert listed.status_code == 200
    star = client.patch(url(dossier), json={"title": "B"}, headers={**as_agent, "If-Match": "*"})
    assert star.status_code == 200


@pytest.mark.parametrize("header", ["W/{tag}", "{bare}", "garbage, {tag}", '""', ""])
def test_weak_or_garbled_tags_never_match_and_are_412_not_500(client, as_agent, dossier, header):
    tag = client.get(url(dossier), headers=as_agent).headers["ETag"]
    value = header.format(tag=tag, bare=tag.strip('"'))
    response = client.patch(url(dossier), json={"title": "Changed"}, headers={**as_agent, "If-Match": value})
    assert response.status_code == 412
    assert response.mimetype == "application/problem+json"
    assert client.get(url(dossier), headers=as_agent).get_json()["title"] == "Roof repair"


def test_without_if_match_a_patch_is_still_allowed_by_default(client, as_agent, dossier):
    response = client.patch(url(dossier), json={"title": "No precondition"}, headers=as_agent)
    assert response.status_code == 200
    assert response.headers["ETag"]


def test_with_require_if_match_a_patch_without_it_is_428_and_nothing_is_written(strict_client, as_agent, dossier, db):
    response = strict_client.patch(url(dossier), json={"title": "Blind write"}, headers=as_agent)
    assert response.status_code == 428
    assert response.mimetype == "application/problem+json"
    assert response.get_json()["type"].endswith("/precondition-required")
    assert strict_client.get(url(dossier), headers=as_agent).get_json()["title"] == "Roof repair"
    assert outbox_events(db, "dossier.updated") == []
    tag = strict_client.get(url(dossier), headers=as_agent).headers["ETag"]
    ok = strict_client.patch(url(dossier), json={"title": "Careful"}, headers={**as_agent, "If-Match": tag})
    assert ok.status_code == 200


def test_a_transition_changes_the_dossier_etag(client, as_agent, dossier):
    tag = client.get(url(dossier), headers=as_agent).headers["ETag"]
    moved = client.post(url(dossier) + "/transitions", json={"to": "screening"}, headers=as_agent)
    assert moved.status_code == 200
    response = client.patch(url(dossier), json={"title": "Late"}, headers={**as_agent, "If-Match": tag})
    assert response.status_code == 412


def test_a_model_read_has_an_etag_and_a_put_honours_if_match(client, as_admin, model_id, model_body):
    model_url = f"/api/v1/models/{model_id}"
    tag = client.get(model_url, headers=as_admin).headers["ETag"]
    saved = client.put(model_url, json=model_body(name="Works v2"), headers={**as_admin, "If-Match": tag})
    assert saved.status_code == 200, saved.get_json()
    assert saved.headers["ETag"] != tag
    assert client.get(model_url, headers=as_admin).headers["ETag"] == saved.headers["ETag"]
    stale = client.put(model_url, json=model_body(name="Works v3"), headers={**as_admin, "If-Match": tag})
    assert stale.status_code == 412
    current = client.get(model_url, headers=as_admin).get_json()
    assert current["name"] == "Works v2" and current["version"] == 2
    old = client.get(model_url + "?version=1", headers=as_admin).headers["ETag"]
    assert old == tag


def test_a_model_put_without_if_match_is_428_when_required(strict_client, as_admin, model_id, model_body):
    response = strict_client.put(f"/api/v1/models/{model_id}", json=model_body(name="Blind"), headers=as_admin)
    assert response.status_code == 428
    assert strict_client.get(f"/api/v1/models/{model_id}", headers=as_admin).get_json()["version"] == 1


def test_the_openapi_documents_etag_if_match_412_and_428(client):
    spec = client.get("/openapi.json").get_json()
    patch = spec["paths"]["/api/v1/dossiers/{dossier_id}"]["patch"]
    assert {"412", "428"} <= set(patch["responses"])
    assert "ETag" in patch["responses"]["200"]["headers"]
    assert any(p["name"] == "If-Match" and p["in"] == "header" for p in patch["parameters"])
    get = spec["paths"]["/api/v1/dossiers/{dossier_id}"]["get"]
    assert "ETag" in get["responses"]["200"]["headers"] and "412" not in get["responses"]
    put = spec["paths"]["/api/v1/models/{model_id}"]["put"]
    assert {"412", "428"} <= set(put["responses"])
