"""Quotes, orders, invoices, payments and credit notes: Decimal money, gapless numbers, statuses, bad input."""

from decimal import Decimal

import pytest

from dossier.domain import money
from platform_shared.events import check_consumed
from platform_shared.testing.unit import outbox_events

LINES = [
    {"label": "Survey", "quantity": "1", "unit": "day", "unit_price": "650.00", "vat_rate": "20"},
    {"label": "Roof tiles", "quantity": "3.5", "unit": "m2", "unit_price": "19.99", "vat_rate": "20"},
    {"label": "Report", "quantity": "1", "unit_price": "0.05", "vat_rate": "5.5"},
]


def test_line_amounts_are_rounded_half_up_to_the_cent_on_each_line():
    # 3.5 x 19.99 = 69.965 -> 69.97; VAT 20% = 13.994 -> 13.99
    assert money.line_amounts(3500, 1999, 2000) == money.LineAmounts(6997, 1399, 8396)
    # 0.05 x 5.5% = 0.00275 -> 0.00; 0.125 x 0.04 = 0.005 -> 0.01 (half-up, not banker's)
    assert money.line_amounts(1000, 5, 550).vat_cents == 0
    assert money.line_amounts(125, 4, 0).net_cents == 1


def test_money_refuses_floats_and_too_many_decimals():
    for bad in (1.5, True, None, "1.234", "abc", "NaN", "Infinity", "1E+999999", "-1E+999999999"):
        with pytest.raises(money.MoneyError):
            money.parse_decimal(bad, places=2)
    assert money.parse_decimal("12.50", places=2) == Decimal("12.50")
    assert money.format_cents(123450) == "1234.50"


def quote(client, headers, dossier, lines=LINES, **extra):
    return client.post(
        f"/api/v1/dossiers/{dossier['id']}/quotes", json={"currency": "EUR", "lines": lines, **extra}, headers=headers
    )


def move(client, headers, kind, document_id, to):
    return client.post(f"/api/v1/{kind}/{document_id}/transitions", json={"to": to}, headers=headers)


def test_a_quote_totals_its_rounded_lines_as_decimal_strings(client, as_agent, dossier):
    response = quote(client, as_agent, dossier)
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["status"] == "draft" and body["number"] is None
    assert [line["net"] for line in body["lines"]] == ["650.00", "69.97", "0.05"]
    assert [line["vat"] for line in body["lines"]] == ["130.00", "13.99", "0.00"]
    assert (body["net"], body["vat"], body["total"]) == ("720.02", "143.99", "864.01")
    assert body["lines"][1]["quantity"] == "3.5" and body["lines"][1]["vat_rate"] == "20"


@pytest.mark.parametrize(
    ("line", "field"),
    [
        ({"quantity": "-1"}, "lines.0.quantity"),
        ({"quantity": "0"}, "lines.0.quantity"),
        ({"unit_price": "-5.00"}, "lines.0.unit_price"),
        ({"unit_price": "1.005"}, "lines.0.unit_price"),
        ({"vat_rate": "19.6"}, "lines.0.vat_rate"),
    ],
)
def test_bad_lines_are_422_naming_the_field_and_nothing_is_written(client, as_agent, dossier, db, line, field):
    response = quote(client, as_agent, dossier, lines=[{**LINES[0], **line}])
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    assert field in response.get_json()["errors"]
    assert client.get(f"/api/v1/dossiers/{dossier['id']}/quotes", headers=as_agent).get_json()["items"] == []
    assert outbox_events(db, "quote.created") == []


def test_a_json_number_as_money_is_422(client, as_agent, dossier):
    response = quote(client, as_agent, dossier, lines=[{**LINES[0], "unit_price": 650.0}])
    assert response.status_code == 422


def test_an_unconfigured_currency_is_422(client, as_agent, dossier):
    response = quote(client, as_agent, dossier, currency="USD")
    assert response.status_code == 422 and "currency" in response.get_json()["errors"]


def test_quote_numbers_are_gapless_and_taken_when_sent(client, as_agent, dossier):
    first = quote(client, as_agent, dossier).get_json()
    second = quote(client, as_agent, dossier).get_json()
    third = quote(client, as_agent, dossier).get_json()
    assert move(client, as_agent, "quotes", second["id"], "sent").get_json()["number"].endswith("-0001")
    # A failed send (not allowed) takes no number.
    assert move(client, as_agent, "quotes", second["id"], "sent").status_code == 409
    assert move(client, as_agent, "quotes", third["id"], "sent").get_json()["number"].endswith("-0002")
    sent = move(client, as_agent, "quotes", first["id"], "sent").get_json()
    assert sent["number"].startswith("QUO-") and sent["number"].endswith("-0003")


def test_the_quote_lifecycle_ends_in_an_order_with_the_same_lines(client, as_agent, dossier, db):
    created = quote(client, as_agent, dossier).get_json()
    assert move(client, as_agent, "quotes", created["id"], "accepted").status_code == 409  # draft -> accepted
    move(client, as_agent, "quotes", created["id"], "sent")
    accepted = move(client, as_agent, "quotes", created["id"], "accepted").get_json()
    order = accepted["order"]
    assert order["status"] == "open" and order["number"].startswith("ORD-") and order["source_id"] == created["id"]
    assert [line["total"] for line in order["lines"]] == [line["total"] for line in accepted["lines"]]
    assert move(client, as_agent, "quotes", created["id"], "refused").status_code == 409
    (event,) = outbox_events(db, "quote.accepted")
    assert event.data["total"] == "864.01" and event.data["number"] == accepted["number"]
    assert outbox_events(db, "order.created")[0].data["quote_id"] == created["id"]


def test_a_sent_quote_never_changes(client, as_agent, dossier):
    created = quote(client, as_agent, dossier).get_json()
    patched = client.patch(f"/api/v1/quotes/{created['id']}", json={"lines": LINES[:1]}, headers=as_agent)
    assert patched.status_code == 200 and patched.get_json()["total"] == "780.00"
    move(client, as_agent, "quotes", created["id"], "sent")
    response = client.patch(f"/api/v1/quotes/{created['id']}", json={"lines": LINES}, headers=as_agent)
    assert response.status_code == 409
    assert client.get(f"/api/v1/quotes/{created['id']}", headers=as_agent).get_json()["total"] == "780.00"


@pytest.fixture
def order(client, as_agent, dossier):
    created = quote(client, as_agent, dossier).get_json()
    move(client, as_agent, "quotes", created["id"], "sent")
    return move(client, as_agent, "quotes", created["id"], "accepted").get_json()["order"]


def invoice_of(client, headers, order, **body):
    return client.post(f"/api/v1/orders/{order['id']}/invoices", json=body, headers=headers)


def test_part_of_an_order_is_invoiced_and_never_billed_twice(client, as_agent, order):
    survey = order["lines"][0]["id"]
    tiles = order["lines"][1]["id"]
    body = {"lines": [{"order_line_id": survey}, {"order_line_id": tiles, "quantity": "2"}]}
    invoice = invoice_of(client, as_agent, order, **body).get_json()
    assert invoice["status"] == "draft" and invoice["number"] is None
    assert [line["net"] for line in invoice["lines"]] == ["650.00", "39.98"]
    again = invoice_of(client, as_agent, order, lines=[{"order_line_id": tiles, "quantity": "2"}])
    assert again.status_code == 422 and "lines.0.quantity" in again.get_json()["errors"]
    rest = invoice_of(client, as_agent, order).get_json()  # what remains: 1.5 tiles and the report
    assert [line["quantity"] for line in rest["lines"]] == ["1.5", "1"]


def test_issue_pay_in_two_payments_and_overpaying_is_422(client, as_agent, order, db):
    invoice = invoice_of(client, as_agent, order).get_json()
    pay = f"/api/v1/invoices/{invoice['id']}/payments"
    assert client.post(pay, json={"amount": "10.00"}, headers=as_agent).status_code == 409  # draft
    issued = move(client, as_agent, "invoices", invoice["id"], "issued").get_json()
    assert issued["number"].startswith("INV-") and issued["balance_due"] == "864.01"
    assert client.post(pay, json={"amount": "400.00"}, headers=as_agent).status_code == 201
    assert client.get(f"/api/v1/invoices/{invoice['id']}", headers=as_agent).get_json()["status"] == "partially_paid"
    too_much = client.post(pay, json={"amount": "464.02"}, headers=as_agent)
    assert too_much.status_code == 422 and "amount" in too_much.get_json()["errors"]
    assert client.post(pay, json={"amount": "464.01"}, headers=as_agent).status_code == 201
    paid = client.get(f"/api/v1/invoices/{invoice['id']}", headers=as_agent).get_json()
    assert (paid["status"], paid["paid"], paid["balance_due"]) == ("paid", "864.01", "0.00")
    assert [e.data["amount"] for e in outbox_events(db, "payment.recorded")] == ["400.00", "464.01"]
    assert len(client.get(pay, headers=as_agent).get_json()["items"]) == 2
    assert client.post(pay, json={"amount": "0.00"}, headers=as_agent).status_code == 409  # paid: nothing due


def test_an_issued_invoice_never_changes_a_credit_note_corrects_it(client, as_agent, order, db):
    invoice = invoice_of(client, as_agent, order).get_json()
    move(client, as_agent, "invoices", invoice["id"], "issued")
    response = client.patch(f"/api/v1/invoices/{invoice['id']}", json={"lines": LINES[:1]}, headers=as_agent)
    assert response.status_code == 409 and "credit note" in response.get_json()["detail"]
    report = invoice["lines"][2]["id"]
    note = client.post(
        f"/api/v1/invoices/{invoice['id']}/credit-notes",
        json={"lines": [{"invoice_line_id": report}], "reason": "Report not delivered"},
        headers=as_agent,
    )
    assert note.status_code == 201, note.get_json()
    assert note.get_json()["number"].startswith("CRN-") and note.get_json()["total"] == "0.05"
    after = client.get(f"/api/v1/invoices/{invoice['id']}", headers=as_agent).get_json()
    assert (after["total"], after["credited"], after["balance_due"]) == ("864.01", "0.05", "863.96")
    again = client.post(
        f"/api/v1/invoices/{invoice['id']}/credit-notes",
        json={"lines": [{"invoice_line_id": report}]},
        headers=as_agent,
    )
    assert again.status_code == 422
    assert outbox_events(db, "credit_note.issued")[0].data["invoice_number"] == after["number"]


def test_a_paid_invoice_cannot_be_cancelled_and_an_invoiced_order_neither(client, as_agent, order):
    invoice = invoice_of(client, as_agent, order).get_json()
    move(client, as_agent, "invoices", invoice["id"], "issued")
    client.post(f"/api/v1/invoices/{invoice['id']}/payments", json={"amount": "1.00"}, headers=as_agent)
    assert move(client, as_agent, "invoices", invoice["id"], "cancelled").status_code == 409
    assert move(client, as_agent, "orders", order["id"], "cancelled").status_code == 409
    assert move(client, as_agent, "orders", order["id"], "delivered").get_json()["status"] == "delivered"


def test_the_client_sees_sent_quotes_never_drafts(client, as_agent, as_client, dossier):
    draft = quote(client, as_agent, dossier).get_json()
    listed = client.get(f"/api/v1/dossiers/{dossier['id']}/quotes", headers=as_client).get_json()
    assert listed["items"] == []
    assert client.get(f"/api/v1/quotes/{draft['id']}", headers=as_client).status_code == 404
    move(client, as_agent, "quotes", draft["id"], "sent")
    assert client.get(f"/api/v1/quotes/{draft['id']}", headers=as_client).get_json()["total"] == "864.01"


def test_the_timeline_names_who_sent_the_quote(client, as_agent, as_client, dossier):
    created = quote(client, as_agent, dossier).get_json()
    move(client, as_agent, "quotes", created["id"], "sent")
    entries = client.get(f"/api/v1/dossiers/{dossier['id']}/timeline", headers=as_client).get_json()["items"]
    sent = [entry for entry in entries if entry["kind"] == "quote_sent"]
    assert sent and "alice@firm.example" in sent[0]["summary"] and "agent-alice" not in sent[0]["summary"]
    assert not [entry for entry in entries if entry["kind"] == "quote_created"]  # drafts stay internal


def test_every_quote_and_invoice_change_is_recorded_with_the_data_its_event_schema_declares(
    client, as_agent, dossier, order, db
):
    # record_event refuses data that does not match its type's schema (platform_shared.events): each path once.
    for target in ("refused", "expired"):
        created = quote(client, as_agent, dossier).get_json()
        move(client, as_agent, "quotes", created["id"], "sent")
        assert move(client, as_agent, "quotes", created["id"], target).status_code == 200
    invoice = invoice_of(client, as_agent, order).get_json()
    patched = client.patch(f"/api/v1/invoices/{invoice['id']}", json={"title": "Roof"}, headers=as_agent)
    assert patched.status_code == 200, patched.get_json()
    assert move(client, as_agent, "invoices", invoice["id"], "cancelled").status_code == 200
    for event_type in ("quote.refused", "quote.expired", "invoice.updated", "invoice.cancelled"):
        (event,) = outbox_events(db, event_type)
        assert check_consumed(event_type, event.data) is None
    assert outbox_events(db, "invoice.cancelled")[0].data["from"] == "draft"
    assert outbox_events(db, "quote.expired")[0].data["from"] == "sent"


def test_numbers_restart_for_each_organisation_and_are_shared_within_one(client, as_agent, new_dossier):
    acme, acme_again = new_dossier(), new_dossier()
    globex = new_dossier(client_sub="client-dave", client_org="globex", client_email="dave@globex.example")
    person = new_dossier(client_sub="client-eve", client_org=None, client_email="eve@home.example")

    def sent_number(dossier):
        draft = quote(client, as_agent, dossier).get_json()
        return move(client, as_agent, "quotes", draft["id"], "sent").get_json()["number"]

    numbers = [sent_number(d) for d in (acme, globex, acme_again, person, globex)]
    suffixes = [number.rsplit("-", 1)[1] for number in numbers]
    assert suffixes == ["0001", "0001", "0002", "0001", "0002"]
    assert len({number.split("-")[1] for number in numbers}) == 1  # and the year
