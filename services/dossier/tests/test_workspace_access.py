"""Who sees what of the workspace: one test per line of ``domain.workspace.SEES``, and a closed dossier.

Kinds of caller: staff; the client; a member of the client's company; a participant and a contributor
(through the partner-gateway's service route); a partner token (refused on every workspace route)."""

import pytest

from dossier.domain.workspace import ITEMS, SEES, may_see
from dossier.handlers import on_contributor_invited
from platform_shared.messaging.envelope import new_envelope

LINE = {"label": "Works", "quantity": "2", "unit_price": "100.00", "vat_rate": "20"}
MEETING = {
    "kind": "meeting",
    "title": "Kick-off",
    "starts_at": "2027-01-05T10:00:00",
    "ends_at": "2027-01-05T11:00:00",
    "timezone": "Europe/Paris",
}


def attach(db, dossier, contributor_id, kind, sub):
    with db.transaction() as session:
        for event_type, extra in (
            ("contributor.invited", {"name": sub.title()}),
            ("contributor.attached", {"account_sub": sub}),
        ):
            on_contributor_invited(
                session,
                new_envelope(
                    event_type,
                    {
                        "contributor_id": contributor_id,
                        "dossier_id": dossier["id"],
                        "kind": kind,
                        "role": "guarantor",
                        **extra,
                    },
                    producer="partner-gateway",
                ),
            )


@pytest.fixture
def workspace(client, as_agent, dossier, db):
    """A dossier with one of each item: sent quote (-> order), issued invoice, billed and unbilled expenses, an
    event, an activity, a participant and a contributor."""
    dossier_id = dossier["id"]
    quote = client.post(f"/api/v1/dossiers/{dossier_id}/quotes", json={"lines": [LINE]}, headers=as_agent).get_json()
    client.post(f"/api/v1/quotes/{quote['id']}/transitions", json={"to": "sent"}, headers=as_agent)
    order = client.post(
        f"/api/v1/quotes/{quote['id']}/transitions", json={"to": "accepted"}, headers=as_agent
    ).get_json()["order"]
    invoice = client.post(f"/api/v1/orders/{order['id']}/invoices", json={}, headers=as_agent).get_json()
    client.post(f"/api/v1/invoices/{invoice['id']}/transitions", json={"to": "issued"}, headers=as_agent)
    expense = {"spent_on": "2027-01-05", "label": "Fuel", "category": "travel", "amount": "10.00", "vat_rate": "20"}
    billed = client.post(
        f"/api/v1/dossiers/{dossier_id}/expenses", json={**expense, "billable": True}, headers=as_agent
    ).get_json()
    unbilled = client.post(
        f"/api/v1/dossiers/{dossier_id}/expenses", json={**expense, "billable": False}, headers=as_agent
    ).get_json()
    event = client.post(f"/api/v1/dossiers/{dossier_id}/events", json=MEETING, headers=as_agent).get_json()
    activity = client.post(
        f"/api/v1/dossiers/{dossier_id}/activities",
        json={"order_id": order["id"], "worked_on": "2027-01-05", "minutes": 60},
        headers=as_agent,
    ).get_json()
    attach(db, dossier, "c-part", "participant", "partner-paula")
    attach(db, dossier, "c-cont", "contributor", "partner-gary")
    return {
        "dossier": dossier_id,
        "quote": quote["id"],
        "order": order["id"],
        "invoice": invoice["id"],
        "billed_expense": billed["id"],
        "unbilled_expense": unbilled["id"],
        "event": event["id"],
        "activity": activity["id"],
    }


def reads(client, headers, w):
    """item -> whether the caller could read it over HTTP."""

    def ok(path):
        return client.get(path, headers=headers).status_code == 200

    def listed(path, item_id):
        response = client.get(path, headers=headers)
        return response.status_code == 200 and item_id in [i["id"] for i in response.get_json()["items"]]

    d = w["dossier"]
    return {
        "quote": ok(f"/api/v1/quotes/{w['quote']}") and listed(f"/api/v1/dossiers/{d}/quotes", w["quote"]),
        "order": ok(f"/api/v1/orders/{w['order']}") and listed(f"/api/v1/dossiers/{d}/orders", w["order"]),
        "invoice": ok(f"/api/v1/invoices/{w['invoice']}") and listed(f"/api/v1/dossiers/{d}/invoices", w["invoice"]),
        "billed_expense": listed(f"/api/v1/dossiers/{d}/expenses", w["billed_expense"]),
        "unbilled_expense": listed(f"/api/v1/dossiers/{d}/expenses", w["unbilled_expense"])
        or ok(f"/api/v1/expenses/{w['unbilled_expense']}"),
        "event": ok(f"/api/v1/events/{w['event']}") and ok(f"/api/v1/events/{w['event']}.ics"),
        "activity": listed(f"/api/v1/dossiers/{d}/activities", w["activity"]),
        "participant_names": ok(f"/api/v1/dossiers/{d}/participants"),
    }


def expected(audience):
    return {item: may_see(audience, item) for item in ITEMS if item != "finance_pdf"}


def test_the_rule_set_says_participants_see_what_clients_see_but_the_financial_items():
    assert SEES["client"] == SEES["company_member"]
    assert SEES["client"] - SEES["participant"] == {"quote", "order", "invoice", "finance_pdf"}
    assert SEES["contributor"] == SEES["partner"] == frozenset()
    assert "unbilled_expense" not in SEES["client"] and SEES["staff"] == frozenset(ITEMS)


def test_staff_see_everything(client, as_agent, workspace):
    assert reads(client, as_agent, workspace) == expected("staff")


def test_the_client_sees_their_quotes_orders_invoices_billed_expenses_events_activities(client, as_client, workspace):
    assert reads(client, as_client, workspace) == expected("client")


def test_a_member_of_the_clients_company_sees_what_the_client_sees(client, as_colleague, workspace):
    assert reads(client, as_colleague, workspace) == expected("company_member")


def test_a_client_of_another_company_sees_nothing(client, as_stranger, workspace):
    assert not any(reads(client, as_stranger, workspace).values())


def test_a_partner_token_is_refused_on_every_workspace_route(client, as_partner, workspace):
    assert not any(reads(client, as_partner, workspace).values())
    assert client.get(f"/api/v1/dossiers/{workspace['dossier']}/quotes", headers=as_partner).status_code == 403


def third_party(client, as_service, workspace, sub):
    return client.get(f"/api/v1/dossiers/{workspace['dossier']}/third-party-workspace?sub={sub}", headers=as_service)


def test_a_participant_sees_all_but_quotes_orders_invoices(client, as_service, workspace):
    view = third_party(client, as_service, workspace, "partner-paula").get_json()
    assert view["kind"] == "participant"
    assert [e["id"] for e in view["events"]] == [workspace["event"]]
    assert [e["id"] for e in view["expenses"]] == [workspace["billed_expense"]]
    assert [a["id"] for a in view["activities"]] == [workspace["activity"]]
    assert view["participants"][0]["name"] == "Partner-Paula"
    assert set(view) == {"kind", "events", "expenses", "activities", "activity_totals", "participants"}
    # the activity detail: the time spent, neither the order it was spent on nor its number or amounts
    assert workspace["order"] not in str(view) and "ORD-" not in str(view)
    assert view["activity_totals"]["minutes"] == 60 and view["activity_totals"]["orders"] == []


def test_a_contributor_sees_none_of_the_workspace(client, as_service, workspace):
    view = third_party(client, as_service, workspace, "partner-gary").get_json()
    assert (view["events"], view["expenses"], view["activities"], view["participants"]) == ([], [], [], [])


def test_a_stranger_to_the_dossier_gets_404_from_the_third_party_route(client, as_service, as_client, workspace):
    assert third_party(client, as_service, workspace, "partner-nobody").status_code == 404
    assert third_party(client, as_client, workspace, "partner-paula").status_code == 403


def test_clients_cannot_write_the_workspace(client, as_client, workspace):
    d = workspace["dossier"]
    assert client.post(f"/api/v1/dossiers/{d}/quotes", json={"lines": [LINE]}, headers=as_client).status_code == 403
    assert client.post(f"/api/v1/dossiers/{d}/events", json=MEETING, headers=as_client).status_code == 403
    to = {"to": "cancelled"}
    assert (
        client.post(f"/api/v1/orders/{workspace['order']}/transitions", json=to, headers=as_client).status_code == 403
    )


def test_a_closed_dossier_keeps_everything_readable_and_every_change_is_409(client, as_agent, as_client, workspace, db):
    d = workspace["dossier"]
    before = reads(client, as_client, workspace)
    assert client.post(f"/api/v1/dossiers/{d}/close", headers=as_agent).status_code == 200
    assert reads(client, as_client, workspace) == before
    changes = [
        ("post", f"/api/v1/dossiers/{d}/quotes", {"lines": [LINE]}),
        ("post", f"/api/v1/dossiers/{d}/invoices", {"lines": [LINE]}),
        ("post", f"/api/v1/orders/{workspace['order']}/transitions", {"to": "delivered"}),
        ("post", f"/api/v1/orders/{workspace['order']}/invoices", {}),
        ("post", f"/api/v1/invoices/{workspace['invoice']}/payments", {"amount": "1.00"}),
        ("post", f"/api/v1/invoices/{workspace['invoice']}/credit-notes", {}),
        ("post", f"/api/v1/invoices/{workspace['invoice']}/transitions", {"to": "cancelled"}),
        ("post", f"/api/v1/dossiers/{d}/events", MEETING),
        ("patch", f"/api/v1/events/{workspace['event']}", {"title": "Moved"}),
        ("post", f"/api/v1/events/{workspace['event']}/cancel", {}),
        (
            "post",
            f"/api/v1/dossiers/{d}/expenses",
            {
                "spent_on": "2027-01-05",
                "label": "x",
                "category": "other",
                "amount": "1.00",
                "vat_rate": "0",
                "billable": True,
            },
        ),
        (
            "post",
            f"/api/v1/dossiers/{d}/activities",
            {"order_id": workspace["order"], "worked_on": "2027-01-05", "minutes": 5},
        ),
    ]
    for method, path, body in changes:
        response = getattr(client, method)(path, json=body, headers=as_agent)
        assert response.status_code == 409, (path, response.get_json())
        assert response.mimetype == "application/problem+json"
    invoice = client.get(f"/api/v1/invoices/{workspace['invoice']}", headers=as_agent).get_json()
    assert invoice["paid"] == "0.00" and invoice["credit_notes"] == []
