"""Service-only partner view and partner values, for the partner-gateway."""

import pytest

from platform_shared.testing.unit import outbox_events


def test_the_partner_view_lists_its_fields_with_modes_and_values(client, as_service, as_agent, dossier):
    client.patch(f"/api/v1/dossiers/{dossier['id']}", json={"fields": {"work_type": "roof"}}, headers=as_agent)
    response = client.get(f"/api/v1/dossiers/{dossier['id']}/partner-view", headers=as_service)
    assert response.status_code == 200
    view = response.get_json()
    assert (view["status"], view["partner_visible"], view["closed"]) == ("submitted", False, False)
    assert [(f["key"], f["mode"], f["source"], f["value"]) for f in view["fields"]] == [
        ("start_date", "read", "portal", None),
        ("work_type", "write", "crm", "roof"),
        ("partner_estimate", "write", "partner", None),
    ]
    assert [f["key"] for f in view["fields"] if f["financial"]] == ["partner_estimate"]


def test_the_partner_view_says_when_the_status_is_partner_visible(client, as_service, as_agent, dossier):
    client.post(f"/api/v1/dossiers/{dossier['id']}/transitions", json={"to": "in_review"}, headers=as_agent)
    view = client.get(f"/api/v1/dossiers/{dossier['id']}/partner-view", headers=as_service).get_json()
    assert view["partner_visible"] is True and view["status_label"] == "In review"


@pytest.mark.parametrize("headers_name", ["as_agent", "as_client", "as_partner"])
def test_partner_routes_are_for_service_tokens_only(client, request, dossier, headers_name):
    headers = request.getfixturevalue(headers_name)
    assert client.get(f"/api/v1/dossiers/{dossier['id']}/partner-view", headers=headers).status_code == 403
    assert (
        client.patch(
            f"/api/v1/dossiers/{dossier['id']}/partner-values", json={"values": {}}, headers=headers
        ).status_code
        == 403
    )


def test_the_gateway_writes_partner_writable_fields(client, as_service, as_agent, dossier, db):
    response = client.patch(
        f"/api/v1/dossiers/{dossier['id']}/partner-values",
        json={"values": {"partner_estimate": 950.5, "work_type": "walls"}},
        headers=as_service,
    )
    assert response.status_code == 200
    fields = client.get(f"/api/v1/dossiers/{dossier['id']}", headers=as_agent).get_json()["fields"]
    assert (fields["partner_estimate"], fields["work_type"]) == (950.5, "walls")
    (event,) = outbox_events(db, "dossier.updated")
    assert event.data["changed_fields"] == ["partner_estimate", "work_type"]


@pytest.mark.parametrize(
    "values, key", [({"start_date": "2027-01-01"}, "start_date"), ({"budget": 1}, "budget"), ({"ghost": 1}, "ghost")]
)
def test_anything_not_partner_writable_is_422_and_changes_nothing(
    client, as_service, as_agent, dossier, db, values, key
):
    response = client.patch(
        f"/api/v1/dossiers/{dossier['id']}/partner-values",
        json={"values": {"partner_estimate": 1, **values}},
        headers=as_service,
    )
    assert response.status_code == 422
    assert list(response.get_json()["errors"]["fields"]) == [key]
    fields = client.get(f"/api/v1/dossiers/{dossier['id']}", headers=as_agent).get_json()["fields"]
    assert fields["partner_estimate"] is None
    assert outbox_events(db, "dossier.updated") == []


def test_the_partner_view_of_an_unknown_dossier_is_404(client, as_service):
    assert client.get("/api/v1/dossiers/nope/partner-view", headers=as_service).status_code == 404


def test_a_participant_sees_the_client_view_without_financial_fields(client, as_service, as_agent, dossier):
    client.patch(f"/api/v1/dossiers/{dossier['id']}", json={"fields": {"urgent": True}}, headers=as_agent)
    response = client.get(f"/api/v1/dossiers/{dossier['id']}/participant-view", headers=as_service)
    assert response.status_code == 200
    view = response.get_json()
    assert view["fields"] == {"site_name": "Main street", "start_date": None, "contact_email": None, "urgent": True}
    assert "budget" not in view["fields"] and set(view["field_modes"].values()) == {"read"}
    assert "client_sub" not in view
    assert client.get(f"/api/v1/dossiers/{dossier['id']}/participant-view", headers=as_agent).status_code == 403
