"""A partner sees a dossier only while attached, not revoked/cancelled, and the dossier open with its status
partner-visible and in the solicitation's open statuses, or closed (read-only); otherwise 404 and gone from
GET /me/dossiers."""

from __future__ import annotations

import dataclasses

from gateway_world import unique

from partner_gateway.app import create_app
from partner_gateway.domain.rules import DossierStatus, partner_may_see
from partner_gateway.handlers import handlers
from platform_shared.messaging.envelope import new_envelope
from platform_shared.testing.unit import bearer, deliver


def listed(world, headers) -> list[str]:
    return [item["dossier_id"] for item in world.client.get("/api/v1/me/dossiers", headers=headers).get_json()["items"]]


def sees(world, headers, dossier_id) -> bool:
    response = world.client.get(f"/api/v1/me/dossiers/{dossier_id}", headers=headers)
    assert response.status_code in (200, 404), response.get_json()
    return response.status_code == 200 and dossier_id in listed(world, headers)


def test_an_attached_partner_sees_the_partner_view_the_solicitation_and_partner_documents(world, upstream):
    dossier_id = world.dossier()
    shared = upstream.add_document("dossier", dossier_id, uploaded_by="agent-alice", partner=True)
    upstream.add_document("dossier", dossier_id, uploaded_by="agent-alice", partner=False)
    solicitation, _, headers = world.attached_solicitation(dossier_id)
    body = world.client.get(f"/api/v1/me/dossiers/{dossier_id}", headers=headers).get_json()
    assert body["dossier"]["fields"][0]["key"] == "court"
    assert body["solicitations"][0]["solicitation"]["instructions"] == "Check the figures."
    assert body["solicitations"][0]["solicitation"]["scope"] == "financial"
    assert [document["id"] for document in body["documents"]] == [shared]
    assert upstream.authorizations[-1].startswith("Bearer ")
    assert listed(world, headers) == [dossier_id]


def test_a_partner_who_has_not_attached_sees_nothing(world):
    dossier_id = world.dossier()
    world.solicit(dossier_id)
    assert not sees(world, world.partner_headers(unique("partner")), dossier_id)


def test_a_partner_does_not_see_a_dossier_through_another_partners_solicitation(world):
    solicitation, _, _ = world.attached_solicitation()
    stranger = world.partner_headers(unique("partner"))
    assert not sees(world, stranger, solicitation["dossier_id"])
    response = world.client.post(
        f"/api/v1/solicitations/{solicitation['id']}/opinion", json={"verdict": "favorable"}, headers=stranger
    )
    assert response.status_code == 404


def test_partner_loses_access_when_status_hidden_and_regains_it_when_visible_again(world):
    solicitation, _, headers = world.attached_solicitation()
    dossier_id = solicitation["dossier_id"]
    world.change_status(dossier_id, "internal_check", partner_visible=False)
    assert not sees(world, headers, dossier_id)
    world.change_status(dossier_id, "review", partner_visible=True)
    assert sees(world, headers, dossier_id)


def test_a_partner_visible_status_outside_the_open_statuses_hides_the_dossier(world):
    solicitation, _, headers = world.attached_solicitation()
    world.change_status(solicitation["dossier_id"], "decision", partner_visible=True)
    assert not sees(world, headers, solicitation["dossier_id"])


def test_a_closed_dossier_stays_readable_to_the_partner_read_only(world):
    """Issue 14: a closed dossier stays readable (read-only) to its partners; writes are 409
    (test_partner_rules.py). Before, it disappeared."""
    solicitation, _, headers = world.attached_solicitation()
    world.close(solicitation["dossier_id"])
    assert sees(world, headers, solicitation["dossier_id"])
    view = world.client.get(f"/api/v1/me/dossiers/{solicitation['dossier_id']}", headers=headers).get_json()
    assert view["read_only"] is True


def test_revoking_removes_access_at_once(world):
    solicitation, _, headers = world.attached_solicitation()
    assert (
        world.client.post(f"/api/v1/solicitations/{solicitation['id']}/revoke", headers=world.agent).status_code == 200
    )
    assert not sees(world, headers, solicitation["dossier_id"])


def test_cancelling_removes_access_at_once(world):
    solicitation, _, headers = world.attached_solicitation()
    assert world.client.delete(f"/api/v1/solicitations/{solicitation['id']}", headers=world.agent).status_code == 200
    assert not sees(world, headers, solicitation["dossier_id"])
    assert (
        world.client.get(
            f"/api/v1/dossiers/{solicitation['dossier_id']}/solicitations", headers=world.agent
        ).get_json()["items"][0]["state"]
        == "cancelled"
    )


def test_events_about_the_past_do_not_overwrite_a_newer_status(world, db):
    solicitation, _, headers = world.attached_solicitation()
    late = new_envelope(
        "dossier.status_changed",
        {"dossier_id": solicitation["dossier_id"], "from": "a", "to": "hidden", "partner_visible": False},
        producer="dossier",
    )
    world.change_status(solicitation["dossier_id"], "review", partner_visible=True)
    stale = dataclasses.replace(late, occurred_at="2001-01-01T00:00:00Z")
    deliver(db, "partner-gateway", handlers(world.settings), "dossier.status_changed", {}, envelope=stale)
    assert sees(world, headers, solicitation["dossier_id"])


def test_the_rule_in_plain_code():
    visible = DossierStatus(status="review", partner_visible=True, closed=False)
    assert partner_may_see("attached", ["review"], visible)
    assert not partner_may_see("revoked", ["review"], visible)
    assert not partner_may_see("cancelled", ["review"], visible)
    assert not partner_may_see("attached", ["decision"], visible)
    assert not partner_may_see("attached", ["review"], None)
    assert not partner_may_see("attached", ["review"], DossierStatus("review", False, False))
    assert not partner_may_see("attached", ["review"], DossierStatus("review", True, True))


def test_the_access_route_tells_the_documents_service_what_a_third_party_may_see_now(world, client, settings):
    solicitation, sub, _ = world.attached_solicitation()
    service = bearer(settings, "service", "service:documents")
    url = f"/api/v1/access?dossier_id={solicitation['dossier_id']}&sub={sub}"
    assert client.get(url, headers=service).get_json() == {
        "dossier_id": solicitation["dossier_id"],
        "sub": sub,
        "partner": True,
        "solicitation_ids": [solicitation["id"]],
        "contributor_roles": [],
        "participant": False,
    }
    world.change_status(solicitation["dossier_id"], "internal_check", partner_visible=False)
    assert client.get(url, headers=service).get_json()["partner"] is False
    assert client.get(url, headers=world.partner_headers(sub)).status_code == 403


def test_the_partner_routes_refuse_clients(world, as_client):
    assert world.client.get("/api/v1/me/dossiers", headers=as_client).status_code == 403


def test_an_unreachable_dossier_service_makes_the_composed_view_a_503_not_a_500(world, settings, db):
    solicitation, _, headers = world.attached_solicitation()
    unreachable = settings.replace(dossier_url="http://127.0.0.1:1", documents_url="http://127.0.0.1:1")
    client = create_app(unreachable, db).test_client()
    response = client.get(f"/api/v1/me/dossiers/{solicitation['dossier_id']}", headers=headers)
    assert response.status_code == 503 and response.mimetype == "application/problem+json"
