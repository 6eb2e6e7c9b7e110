"""Optimistic concurrency on a solicitation's PATCH: ETag on reads and answers, If-Match honoured (412/428)."""

from __future__ import annotations

import pytest

from platform_shared.testing.unit import outbox_events


@pytest.fixture
def strict_client(settings, db, service_under_test):
    """The service with REQUIRE_IF_MATCH on."""
    app = service_under_test.create_app(settings.replace(require_if_match=True), db)
    app.config["TESTING"] = True
    return app.test_client()


def url(solicitation):
    return f"/api/v1/solicitations/{solicitation['id']}"


def test_a_change_with_the_current_etag_succeeds_and_a_stale_one_is_412(world):
    solicitation, _, _ = world.attached_solicitation()
    tag = world.client.get(url(solicitation), headers=world.agent).headers["ETag"]
    assert tag.startswith('"') and not tag.startswith("W/")
    changed = world.client.patch(
        url(solicitation), json={"instructions": "Also the roof."}, headers={**world.agent, "If-Match": tag}
    )
    assert changed.status_code == 200, changed.get_json()
    assert changed.headers["ETag"] != tag
    assert world.client.get(url(solicitation), headers=world.agent).headers["ETag"] == changed.headers["ETag"]
    stale = world.client.patch(
        url(solicitation), json={"instructions": "Overwrite."}, headers={**world.agent, "If-Match": tag}
    )
    assert stale.status_code == 412 and stale.mimetype == "application/problem+json"
    assert world.client.get(url(solicitation), headers=world.agent).get_json()["instructions"] == "Also the roof."
    assert len(outbox_events(world.db, "solicitation.changed")) == 1


def test_the_partner_attaching_moves_the_etag(world):
    dossier_id = world.dossier()
    solicitation = world.solicit(dossier_id)
    tag = world.client.get(url(solicitation), headers=world.agent).headers["ETag"]
    assert world.attach(solicitation["access_key"], "partner-etag").status_code == 200
    response = world.client.patch(url(solicitation), json={"scope": "legal"}, headers={**world.agent, "If-Match": tag})
    assert response.status_code == 412


@pytest.mark.parametrize("header", ["W/{tag}", "{bare}", "junk", ""])
def test_weak_or_garbled_tags_are_412(world, header):
    solicitation, _, _ = world.attached_solicitation()
    tag = world.client.get(url(solicitation), headers=world.agent).headers["ETag"]
    value = header.format(tag=tag, bare=tag.strip('"'))
    response = world.client.patch(
        url(solicitation), json={"scope": "legal"}, headers={**world.agent, "If-Match": value}
    )
    assert response.status_code == 412
    assert outbox_events(world.db, "solicitation.changed") == []


def test_without_if_match_the_change_is_allowed_unless_required(world, strict_client):
    solicitation, _, _ = world.attached_solicitation()
    refused = strict_client.patch(url(solicitation), json={"scope": "legal"}, headers=world.agent)
    assert refused.status_code == 428 and refused.get_json()["type"].endswith("/precondition-required")
    assert world.client.get(url(solicitation), headers=world.agent).get_json()["scope"] == "financial"
    assert world.client.patch(url(solicitation), json={"scope": "legal"}, headers=world.agent).status_code == 200


def test_the_openapi_documents_it(client):
    operation = client.get("/openapi.json").get_json()["paths"]["/api/v1/solicitations/{solicitation_id}"]["patch"]
    assert {"412", "428"} <= set(operation["responses"]) and "ETag" in operation["responses"]["200"]["headers"]
