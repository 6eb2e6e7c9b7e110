"""Optimistic concurrency on a document's visibility: ETag on reads and on the PATCH, If-Match (412/428)."""

import pytest

from platform_shared.testing.unit import outbox_events


@pytest.fixture
def strict_client(settings, db, service_under_test):
    """The service with REQUIRE_IF_MATCH on."""
    app = service_under_test.create_app(settings.replace(require_if_match=True), db)
    app.config["TESTING"] = True
    return app.test_client()


def test_a_visibility_patch_honours_if_match(upload, client, as_agent, db):
    document = upload(as_agent).get_json()
    url = f"/api/v1/documents/{document['id']}"
    tag = client.get(url, headers=as_agent).headers["ETag"]
    assert tag.startswith('"') and not tag.startswith("W/")
    shared = client.patch(url, json={"client": True}, headers={**as_agent, "If-Match": tag})
    assert shared.status_code == 200, shared.get_json()
    assert shared.headers["ETag"] != tag
    assert client.get(url, headers=as_agent).headers["ETag"] == shared.headers["ETag"]
    stale = client.patch(url, json={"client": False, "partner": True}, headers={**as_agent, "If-Match": tag})
    assert stale.status_code == 412 and stale.mimetype == "application/problem+json"
    after = client.get(url, headers=as_agent).get_json()
    assert after["visibility"]["client"] is True and after["visibility"]["partner"] is False
    assert len(outbox_events(db, "document.visibility_changed")) == 1


@pytest.mark.parametrize("header", ["W/{tag}", "{bare}", "nonsense", ""])
def test_weak_or_garbled_tags_are_412_and_change_nothing(upload, client, as_agent, db, header):
    document = upload(as_agent).get_json()
    url = f"/api/v1/documents/{document['id']}"
    tag = client.get(url, headers=as_agent).headers["ETag"]
    value = header.format(tag=tag, bare=tag.strip('"'))
    response = client.patch(url, json={"client": True}, headers={**as_agent, "If-Match": value})
    assert response.status_code == 412 and response.mimetype == "application/problem+json"
    assert outbox_events(db, "document.visibility_changed") == []


def test_without_if_match_the_patch_is_allowed_unless_required(upload, client, strict_client, as_agent, db):
    document = upload(as_agent).get_json()
    url = f"/api/v1/documents/{document['id']}"
    assert client.patch(url, json={"client": True}, headers=as_agent).status_code == 200
    refused = strict_client.patch(url, json={"partner": True}, headers=as_agent)
    assert refused.status_code == 428 and refused.get_json()["type"].endswith("/precondition-required")
    assert client.get(url, headers=as_agent).get_json()["visibility"]["partner"] is False
    assert len(outbox_events(db, "document.visibility_changed")) == 1


def test_the_openapi_documents_it(client):
    operation = client.get("/openapi.json").get_json()["paths"]["/api/v1/documents/{document_id}"]["patch"]
    assert {"412", "428"} <= set(operation["responses"]) and "ETag" in operation["responses"]["200"]["headers"]
