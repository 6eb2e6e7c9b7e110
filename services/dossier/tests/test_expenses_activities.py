"""Expenses (billable or not, with a receipt) and activities against orders, with totals."""

import pytest

from platform_shared.testing.unit import outbox_events

EXPENSE = {
    "spent_on": "2027-03-10",
    "label": "Train to the site",
    "category": "travel",
    "amount": "84.50",
    "vat_rate": "10",
    "billable": True,
    "receipt_document_id": "doc-receipt-1",
}
LINE = {"label": "Works", "quantity": "10", "unit": "h", "unit_price": "60.00", "vat_rate": "20"}


@pytest.fixture(autouse=True)
def receipt(documents, dossier):
    """The receipt of ``EXPENSE`` is a document of the dossier."""
    documents.file(EXPENSE["receipt_document_id"], dossier["id"])


@pytest.fixture
def order(client, as_agent, dossier):
    quote = client.post(f"/api/v1/dossiers/{dossier['id']}/quotes", json={"lines": [LINE]}, headers=as_agent).get_json()
    for to in ("sent", "accepted"):
        answer = client.post(f"/api/v1/quotes/{quote['id']}/transitions", json={"to": to}, headers=as_agent)
    return answer.get_json()["order"]


def expense(client, headers, dossier, **changes):
    return client.post(f"/api/v1/dossiers/{dossier['id']}/expenses", json={**EXPENSE, **changes}, headers=headers)


def test_an_expense_has_its_vat_and_receipt_and_is_published(client, as_agent, dossier, db):
    response = expense(client, as_agent, dossier)
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert (body["amount"], body["vat"], body["total"]) == ("84.50", "8.45", "92.95")
    assert body["receipt_document_id"] == "doc-receipt-1"
    assert outbox_events(db, "expense.recorded")[0].data["total"] == "92.95"


@pytest.mark.parametrize(
    ("changes", "field"),
    [({"amount": "-3.00"}, "amount"), ({"vat_rate": "7"}, "vat_rate"), ({"currency": "GBP"}, "currency")],
)
def test_bad_expenses_are_422_and_nothing_is_written(client, as_agent, dossier, db, changes, field):
    response = expense(client, as_agent, dossier, **changes)
    assert response.status_code == 422 and field in response.get_json()["errors"]
    assert outbox_events(db, "expense.recorded") == []


def test_the_client_sees_only_billed_expenses(client, as_agent, as_client, dossier):
    billed = expense(client, as_agent, dossier).get_json()
    internal = expense(client, as_agent, dossier, billable=False, label="Lunch").get_json()
    seen = client.get(f"/api/v1/dossiers/{dossier['id']}/expenses", headers=as_client).get_json()["items"]
    assert [item["id"] for item in seen] == [billed["id"]]
    assert client.get(f"/api/v1/expenses/{internal['id']}", headers=as_client).status_code == 404
    assert client.get(f"/api/v1/expenses/{billed['id']}", headers=as_client).status_code == 200
    staff = client.get(f"/api/v1/dossiers/{dossier['id']}/expenses", headers=as_agent).get_json()["items"]
    assert len(staff) == 2


def activity(client, headers, dossier, order_id, minutes=90, **changes):
    return client.post(
        f"/api/v1/dossiers/{dossier['id']}/activities",
        json={"order_id": order_id, "worked_on": "2027-03-11", "minutes": minutes, "description": "Roof", **changes},
        headers=headers,
    )


def test_activities_total_per_order_and_dossier_and_the_client_reads_the_detail(
    client, as_agent, as_client, dossier, order, db
):
    assert activity(client, as_agent, dossier, order["id"], 90).status_code == 201
    assert activity(client, as_agent, dossier, order["id"], 45).status_code == 201
    totals = client.get(f"/api/v1/dossiers/{dossier['id']}/activity-totals", headers=as_client).get_json()
    assert totals["minutes"] == 135 and totals["duration"] == "2h15"
    assert totals["orders"] == [
        {"order_id": order["id"], "order_number": order["number"], "minutes": 135, "activities": 2}
    ]
    detail = client.get(f"/api/v1/dossiers/{dossier['id']}/activities", headers=as_client).get_json()["items"]
    assert [item["person_name"] for item in detail] == ["alice@firm.example"] * 2
    assert len(outbox_events(db, "activity.logged")) == 2


def test_an_activity_needs_an_order_of_this_dossier(client, as_agent, dossier, new_dossier, order):
    other = new_dossier()
    response = activity(client, as_agent, other, order["id"])
    assert response.status_code == 422 and "order_id" in response.get_json()["errors"]
    assert activity(client, as_agent, dossier, order["id"], minutes=0).status_code == 422


def test_no_time_on_a_cancelled_order(client, as_agent, dossier, order):
    client.post(f"/api/v1/orders/{order['id']}/transitions", json={"to": "cancelled"}, headers=as_agent)
    assert activity(client, as_agent, dossier, order["id"]).status_code == 409


def test_a_receipt_must_be_a_document_of_this_dossier_422_and_nothing_is_written(
    client, as_agent, dossier, new_dossier, documents, db
):
    other = new_dossier()
    documents.file("doc-elsewhere", other["id"])
    for receipt_id in ("doc-elsewhere", "doc-unknown"):
        response = expense(client, as_agent, dossier, receipt_document_id=receipt_id)
        assert response.status_code == 422 and "receipt_document_id" in response.get_json()["errors"]
    assert outbox_events(db, "expense.recorded") == []
    assert expense(client, as_agent, dossier, receipt_document_id=None).status_code == 201


def test_an_expense_on_a_closed_dossier_is_409_before_its_receipt_is_looked_up(client, as_agent, dossier):
    assert client.post(f"/api/v1/dossiers/{dossier['id']}/close", headers=as_agent).status_code == 200
    assert expense(client, as_agent, dossier, receipt_document_id="doc-unknown").status_code == 409
