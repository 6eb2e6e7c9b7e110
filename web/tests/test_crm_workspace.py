"""The dossier page's workspace against the boundary fake of the services: quotes, orders and invoices with their
totals, statuses and allowed moves; a quote drafted with its lines; the API's errors next to the line they name;
events and their .ics; expenses; time spent per order."""

from __future__ import annotations

import json

from fake_apis import problem
from helpers import csrf_token, sign_in
from test_crm import DOSSIER, DOSSIER_ID, EMPTY, page_of, script_dossier

LINE = {
    "id": "l-1",
    "label": "Diagnostic charpente",
    "quantity": "2",
    "unit": "h",
    "unit_price": "85.00",
    "vat_rate": "20",
    "net": "170.00",
    "vat": "34.00",
    "total": "204.00",
}


def finance(kind, item_id, status, number=None, **extra):
    return {
        "id": item_id,
        "dossier_id": DOSSIER_ID,
        "kind": kind,
        "number": number,
        "status": status,
        "title": "Charpente",
        "currency": "EUR",
        "lines": [LINE],
        "net": "170.00",
        "vat": "34.00",
        "total": "204.00",
        "paid": "0.00",
        "credited": "0.00",
        "balance_due": "204.00",
        "credit_notes": [],
        **extra,
    }


def script_workspace(apis):
    base = f"/dossiers/{DOSSIER_ID}"
    apis.answer(
        "dossier",
        "GET",
        f"{base}/quotes",
        body=page_of([finance("quote", "q-1", "draft"), finance("quote", "q-2", "accepted", "QUO-2026-0007")]),
    )
    apis.answer(
        "dossier",
        "GET",
        f"{base}/orders",
        body=page_of([finance("order", "o-1", "open", "ORD-2026-0003", source_id="q-2")]),
    )
    apis.answer(
        "dossier",
        "GET",
        f"{base}/invoices",
        body=page_of(
            [finance("invoice", "i-1", "issued", "INV-2026-0011", source_id="o-1", paid="100.00", balance_due="104.00")]
        ),
    )
    apis.answer("dossier", "GET", f"{base}/credit-notes", body=EMPTY)
    apis.answer(
        "dossier",
        "GET",
        f"{base}/events",
        body=page_of(
            [
                {
                    "id": "e-1",
                    "kind": "appointment",
                    "title": "Visite du chantier",
                    "starts_at": "2026-12-10T13:00:00Z",
                    "ends_at": "2026-12-10T14:00:00Z",
                    "timezone": "Europe/Paris",
                    "location": "3 impasse des Tilleuls",
                    "attendees": [{"sub": "client-1", "role": "client", "name": "Sophie Bernard"}],
                    "cancelled": False,
                }
            ]
        ),
    )
    apis.answer(
        "dossier",
        "GET",
        f"{base}/expenses",
        body=page_of(
            [
                {
                    "id": "x-1",
                    "spent_on": "2026-12-02",
                    "label": "Déplacement Lyon",
                    "category": "travel",
                    "currency": "EUR",
                    "amount": "42.00",
                    "vat_rate": "20",
                    "vat": "8.40",
                    "total": "50.40",
                    "billable": True,
                }
            ]
        ),
    )
    apis.answer(
        "dossier",
        "GET",
        f"{base}/activities",
        body=page_of(
            [
                {
                    "id": "a-1",
                    "order_id": "o-1",
                    "order_number": "ORD-2026-0003",
                    "worked_on": "2026-12-03",
                    "minutes": 90,
                    "description": "Relevés",
                    "person_name": "Claire Martin",
                }
            ]
        ),
    )
    apis.answer(
        "dossier",
        "GET",
        f"{base}/activity-totals",
        body={
            "minutes": 90,
            "duration": "1:30",
            "orders": [{"order_id": "o-1", "order_number": "ORD-2026-0003", "minutes": 90, "activities": 1}],
        },
    )
    apis.answer(
        "dossier",
        "GET",
        f"{base}/participants",
        body={"items": [{"kind": "participant", "name": "Léa Garnier", "attached": True, "account_sub": "lea-1"}]},
    )


def test_the_dossier_page_lists_the_workspace_with_totals_statuses_and_the_allowed_moves(client, apis):
    sign_in(client, "agent")
    script_dossier(apis)
    script_workspace(apis)
    page = client.get(f"/crm/dossiers/{DOSSIER_ID}").get_data(as_text=True)
    assert "Brouillon (pas encore de numéro)" in page and "QUO-2026-0007" in page
    assert "204,00" in page and "Diagnostic charpente" in page  # the totals and the lines
    quote_moves = page.split('id="item-q-1"')[1].split("</li>")[0]
    assert 'value="sent"' in quote_moves and 'value="accepted"' not in quote_moves  # a draft is sent, then answered
    accepted = page.split('id="item-q-2"')[1].split("</li>")[0]
    assert 'name="to"' not in accepted  # nothing follows an accepted quote
    order = page.split('id="item-o-1"')[1].split("</li>")[0]
    assert "En cours" in order  # an open order's status (not the verb)
    assert "à partir de QUO-2026-0007" in order and 'value="delivered"' in order and "/orders/o-1/invoice" in order
    invoice = page.split('id="item-i-1"')[1].split("</li>")[0]
    assert "Reste dû" in invoice and "104,00" in invoice and "Enregistrer un paiement" in invoice
    assert 'value="cancelled"' in invoice and 'value="issued"' not in invoice
    assert "/crm/events/e-1.ics" in page and "Visite du chantier" in page and "Sophie Bernard" in page
    assert "Déplacement Lyon" in page and "50,40" in page and "Refacturée" in page
    assert 'id="activity-totals"' in page and "1 h 30" in page
    assert 'value="lea-1"' in page  # an attached participant may attend an event
    assert 'value="o-1"' in page  # time is logged against the open order


def test_a_quote_is_drafted_with_its_lines_as_decimal_strings_and_blank_rows_left_out(client, apis):
    sign_in(client, "agent")
    script_dossier(apis)
    apis.answer("dossier", "POST", f"/dossiers/{DOSSIER_ID}/quotes", 201, finance("quote", "q-3", "draft"))
    response = client.post(
        f"/crm/dossiers/{DOSSIER_ID}/finance/quote",
        data={
            "csrf_token": csrf_token(client, f"/crm/dossiers/{DOSSIER_ID}"),
            "title": "Charpente",
            "valid_until": "2026-12-31",
            "currency": "EUR",
            "line-0-label": "Diagnostic charpente",
            "line-0-quantity": "2",
            "line-0-unit": "h",
            "line-0-unit_price": "1 085,50",
            "line-0-vat_rate": "20",
            "line-1-vat_rate": "20",  # an empty row (the rate is pre-filled)
        },
    )
    assert response.status_code == 302
    [call] = apis.calls("dossier", "POST", f"/dossiers/{DOSSIER_ID}/quotes")
    assert json.loads(call.body) == {
        "title": "Charpente",
        "currency": "EUR",
        "valid_until": "2026-12-31",
        "lines": [
            {"label": "Diagnostic charpente", "quantity": "2", "unit": "h", "unit_price": "1085.50", "vat_rate": "20"}
        ],
    }


def test_the_apis_error_on_a_line_is_shown_next_to_that_line_and_what_was_typed_kept(client, apis):
    sign_in(client, "agent")
    script_dossier(apis)
    apis.answer(
        "dossier",
        "POST",
        f"/dossiers/{DOSSIER_ID}/quotes",
        422,
        problem(422, "Unprocessable", "Invalid.", {"lines.0.vat_rate": ["Not a configured VAT rate: 0, 5.5, 20."]}),
    )
    response = client.post(
        f"/crm/dossiers/{DOSSIER_ID}/finance/quote",
        data={
            "csrf_token": csrf_token(client, f"/crm/dossiers/{DOSSIER_ID}"),
            "line-1-label": "Étude",  # the first row left blank: the API's line 0 is the form's row 1
            "line-1-quantity": "1",
            "line-1-unit_price": "300",
            "line-1-vat_rate": "7",
        },
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="quote-line-1-vat_rate"' in page
    row = page.split('id="quote-line-1-vat_rate"')[1].split("</td>")[0]
    assert 'aria-invalid="true"' in row and "Taux de TVA non utilisé ici (0, 5.5, 20)." in row
    assert 'value="Étude"' in page  # kept


def test_a_quote_without_lines_is_not_sent(client, apis):
    sign_in(client, "agent")
    script_dossier(apis)
    response = client.post(
        f"/crm/dossiers/{DOSSIER_ID}/finance/quote",
        data={"csrf_token": csrf_token(client, f"/crm/dossiers/{DOSSIER_ID}"), "title": "Vide"},
    )
    assert response.status_code == 422 and "Ajoutez au moins une ligne." in response.get_data(as_text=True)
    assert not apis.calls("dossier", "POST", f"/dossiers/{DOSSIER_ID}/quotes")


def test_accepting_a_quote_says_which_order_it_became_and_a_refused_move_is_shown_at_the_item(client, apis):
    sign_in(client, "agent")
    script_dossier(apis)
    script_workspace(apis)
    accepted = {
        **finance("quote", "q-2", "accepted", "QUO-2026-0007"),
        "order": finance("order", "o-9", "open", "ORD-2026-0009"),
    }
    apis.answer("dossier", "POST", "/quotes/q-2/transitions", body=accepted)
    token = csrf_token(client, f"/crm/dossiers/{DOSSIER_ID}")
    response = client.post(
        f"/crm/dossiers/{DOSSIER_ID}/finance/quote/q-2/transitions", data={"csrf_token": token, "to": "accepted"}
    )
    assert response.status_code == 302
    assert json.loads(apis.calls("dossier", "POST", "/quotes/q-2/transitions")[0].body) == {"to": "accepted"}
    assert "ORD-2026-0009" in client.get(f"/crm/dossiers/{DOSSIER_ID}").get_data(as_text=True)

    apis.answer("dossier", "POST", "/orders/o-1/transitions", 409, problem(409, "Conflict", "The order has invoices."))
    response = client.post(
        f"/crm/dossiers/{DOSSIER_ID}/finance/order/o-1/transitions", data={"csrf_token": token, "to": "cancelled"}
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "The order has invoices." in page.split('id="item-o-1"')[1].split("</li>")[0]


def test_scheduling_an_event_sends_the_local_time_its_zone_and_the_attendees(client, apis):
    sign_in(client, "agent")
    script_dossier(apis)
    apis.answer("dossier", "POST", f"/dossiers/{DOSSIER_ID}/events", 201, {"id": "e-2"})
    response = client.post(
        f"/crm/dossiers/{DOSSIER_ID}/events",
        data={
            "csrf_token": csrf_token(client, f"/crm/dossiers/{DOSSIER_ID}"),
            "kind": "meeting",
            "title": "Réunion de chantier",
            "starts_at": "2026-12-10T14:00",
            "ends_at": "2026-12-10T15:30",
            "timezone": "Europe/Paris",
            "location": "Sur place",
            "attendees": ["client-1", "lea-1"],
        },
    )
    assert response.status_code == 302
    body = json.loads(apis.calls("dossier", "POST", f"/dossiers/{DOSSIER_ID}/events")[0].body)
    assert body["starts_at"] == "2026-12-10T14:00:00" and body["ends_at"] == "2026-12-10T15:30:00"
    assert body["timezone"] == "Europe/Paris" and body["kind"] == "meeting"
    assert body["attendees"] == [{"sub": "client-1"}, {"sub": "lea-1"}]
    assert "url" not in body  # none given: the API refuses an empty address


def test_an_attendee_the_api_refuses_is_shown_next_to_the_attendees(client, apis):
    sign_in(client, "agent")
    script_dossier(apis)
    script_workspace(apis)
    apis.answer(
        "dossier",
        "POST",
        f"/dossiers/{DOSSIER_ID}/events",
        422,
        problem(422, "Unprocessable", "Invalid.", {"attendees.0.sub": ["Not an actor of this dossier."]}),
    )
    response = client.post(
        f"/crm/dossiers/{DOSSIER_ID}/events",
        data={
            "csrf_token": csrf_token(client, f"/crm/dossiers/{DOSSIER_ID}"),
            "title": "Visite",
            "starts_at": "2026-12-10T14:00",
            "ends_at": "2026-12-10T15:00",
            "timezone": "Europe/Paris",
            "attendees": ["lea-1"],
        },
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'aria-describedby="event-attendees-error"' in page
    assert "Ne fait pas partie des acteurs du dossier." in page.split('id="event-attendees-error"')[1][:300]
    assert 'value="Visite"' in page


def test_an_events_ics_is_streamed_through_with_its_headers(client, apis):
    sign_in(client, "agent")
    apis.answer(
        "dossier",
        "GET",
        "/events/e-1.ics",
        body=b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n",
        headers={"Content-Type": "text/calendar; charset=utf-8", "Content-Disposition": 'inline; filename="DOS-1.ics"'},
    )
    response = client.get("/crm/events/e-1.ics")
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/calendar")
    assert response.headers["Content-Disposition"] == 'inline; filename="DOS-1.ics"'
    assert response.data.startswith(b"BEGIN:VCALENDAR")


def test_an_expense_and_time_spent_are_recorded_as_the_api_wants_them(client, apis):
    sign_in(client, "agent")
    script_dossier(apis)
    apis.answer(
        "dossier", "POST", f"/dossiers/{DOSSIER_ID}/expenses", 201, {"id": "x-2", "label": "Train", "total": "60.00"}
    )
    apis.answer("dossier", "POST", f"/dossiers/{DOSSIER_ID}/activities", 201, {"id": "a-2"})
    token = csrf_token(client, f"/crm/dossiers/{DOSSIER_ID}")
    client.post(
        f"/crm/dossiers/{DOSSIER_ID}/expenses",
        data={
            "csrf_token": token,
            "label": "Train",
            "spent_on": "2026-12-02",
            "category": "travel",
            "amount": "50,00",
            "vat_rate": "20",
            "currency": "EUR",
            "billable": "on",
        },
    )
    assert json.loads(apis.calls("dossier", "POST", f"/dossiers/{DOSSIER_ID}/expenses")[0].body) == {
        "label": "Train",
        "spent_on": "2026-12-02",
        "category": "travel",
        "amount": "50.00",
        "vat_rate": "20",
        "currency": "EUR",
        "billable": True,
        "receipt_document_id": None,
    }
    client.post(
        f"/crm/dossiers/{DOSSIER_ID}/activities",
        data={
            "csrf_token": token,
            "order_id": "o-1",
            "worked_on": "2026-12-03",
            "duration": "1:30",
            "description": "Relevés",
        },
    )
    assert json.loads(apis.calls("dossier", "POST", f"/dossiers/{DOSSIER_ID}/activities")[0].body) == {
        "order_id": "o-1",
        "worked_on": "2026-12-03",
        "minutes": 90,
        "description": "Relevés",
    }


def test_a_duration_that_is_not_one_is_refused_before_the_api(client, apis):
    sign_in(client, "agent")
    script_dossier(apis)
    response = client.post(
        f"/crm/dossiers/{DOSSIER_ID}/activities",
        data={
            "csrf_token": csrf_token(client, f"/crm/dossiers/{DOSSIER_ID}"),
            "order_id": "o-1",
            "duration": "beaucoup",
        },
    )
    assert response.status_code == 422
    assert not apis.calls("dossier", "POST", f"/dossiers/{DOSSIER_ID}/activities")


def test_a_closed_dossier_shows_its_workspace_without_any_action(client, apis):
    sign_in(client, "agent")
    script_dossier(apis)
    script_workspace(apis)
    apis.answer(
        "dossier",
        "GET",
        f"/dossiers/{DOSSIER_ID}",
        body={**DOSSIER, "closed": True, "closed_at": "2026-12-03T10:00:00Z"},
    )
    page = client.get(f"/crm/dossiers/{DOSSIER_ID}").get_data(as_text=True)
    assert "QUO-2026-0007" in page and "Visite du chantier" in page
    assert "/finance/quote/" not in page and "Rédiger un devis" not in page and "Enregistrer une dépense" not in page


def test_the_workspaces_timeline_entries_read_in_the_persons_language(app):
    from web.labels import timeline_text

    sent = {
        "kind": "quote_sent",
        "summary": "Quote QUO-2026-0001 sent by Claire Martin",
        "details": {"number": "QUO-2026-0001", "actor_name": "Claire Martin"},
    }
    with app.test_request_context():
        assert timeline_text(sent) == "Devis QUO-2026-0001 envoyé par Claire Martin"
        assert timeline_text({**sent, "kind": "something_new"}) == sent["summary"]  # unknown: the API's sentence
