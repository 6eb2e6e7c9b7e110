"""The dossier's workspace in the portal against the boundary fake of the services: the client sees quotes,
orders, invoices and credit notes (the PDF once filed and ready), events with their .ics, billed expenses with
the receipts they may open, time spent and participants; a participant sees the partner-gateway's workspace
(events, billed expenses, activities, names) and never a financial item."""

from __future__ import annotations

from fake_apis import problem
from helpers import sign_in
from test_crm_workspace import finance
from test_pages import DOSSIER, DOSSIER_ID, script_dossier_page

PAGE = f"/portal/dossiers/{DOSSIER_ID}"
EVENT = {
    "id": "e-1",
    "kind": "appointment",
    "title": "Visite du chantier",
    "starts_at": "2026-12-10T13:00:00Z",
    "ends_at": "2026-12-10T14:00:00Z",
    "timezone": "Europe/Paris",
    "location": "3 impasse des Tilleuls",
    "url": "",
    "attendees": [{"sub": "client-1", "role": "client", "name": "Sophie Bernard"}],
    "cancelled": False,
}
EXPENSE = {
    "id": "x-1",
    "spent_on": "2026-12-02",
    "label": "Déplacement Lyon",
    "category": "travel",
    "currency": "EUR",
    "amount": "42.00",
    "total": "50.40",
    "billable": True,
    "receipt_document_id": "doc-receipt",
}
ACTIVITY = {"id": "a-1", "worked_on": "2026-12-03", "minutes": 90, "description": "Relevés", "person_name": "Claire"}
PARTICIPANT = {"kind": "participant", "role": "subcontractor", "name": "Léa Garnier", "attached": True}


def items(*found):
    return {"items": list(found), "next_cursor": None}


def script_client_workspace(apis):
    base = f"/dossiers/{DOSSIER_ID}"
    invoice = finance("invoice", "i-1", "issued", "INV-2026-0011", pdf_document_id="doc-pdf")
    apis.answer("dossier", "GET", f"{base}/quotes", body=items(finance("quote", "q-2", "accepted", "QUO-2026-0007")))
    apis.answer("dossier", "GET", f"{base}/orders", body=items(finance("order", "o-1", "open", "ORD-2026-0003")))
    apis.answer("dossier", "GET", f"{base}/invoices", body=items(invoice))
    apis.answer(
        "dossier", "GET", f"{base}/credit-notes", body=items(finance("credit_note", "c-1", "issued", "CRN-2026-0001"))
    )
    apis.answer("dossier", "GET", f"{base}/events", body=items(EVENT))
    apis.answer(
        "dossier",
        "GET",
        f"{base}/expenses",
        body=items(EXPENSE, {**EXPENSE, "id": "x-2", "label": "Péage", "receipt_document_id": "doc-hidden"}),
    )
    apis.answer("dossier", "GET", f"{base}/activities", body=items(ACTIVITY))
    apis.answer("dossier", "GET", f"{base}/activity-totals", body={"minutes": 90, "orders": []})
    apis.answer("dossier", "GET", f"{base}/participants", body={"items": [PARTICIPANT]})
    documents = [
        {
            "id": "doc-pdf",
            "filename": "INV-2026-0011.docx",
            "category": "invoice",
            "created_at": "2026-12-03T10:00:00Z",
            "renditions": [{"kind": "docx"}, {"kind": "pdf"}],
        },
        {
            "id": "doc-receipt",
            "filename": "ticket.pdf",
            "category": "other",
            "created_at": "2026-12-02T10:00:00Z",
            "renditions": [{"kind": "original"}],
        },
    ]
    apis.answer("documents", "GET", "/documents", body=items(*documents))


def test_the_client_sees_the_workspace_with_the_filed_pdf_the_ics_and_the_receipts_they_may_open(client, apis):
    sign_in(client, "client")
    script_dossier_page(apis)
    script_client_workspace(apis)
    page = client.get(PAGE).get_data(as_text=True)
    for number in ("QUO-2026-0007", "ORD-2026-0003", "INV-2026-0011", "CRN-2026-0001"):
        assert number in page
    invoice = page.split('id="ws-i-1"')[1].split("</li>")[0]
    assert "/portal/documents/doc-pdf/content?rendition=pdf" in invoice and "Reste dû" in invoice
    assert "/portal/documents/" not in page.split('id="ws-q-2"')[1].split("</li>")[0]  # no PDF filed
    assert "Visite du chantier" in page and "/portal/events/e-1.ics" in page
    assert "Déplacement Lyon" in page and "/portal/documents/doc-receipt/content" in page
    assert "/portal/documents/doc-hidden" not in page  # a receipt not shared with the client: not linked
    assert "1 h 30" in page and "Léa Garnier" in page
    assert "/finance/" not in page and "/crm/" not in page.split("<main")[1]  # read only, no staff action


def test_a_client_dossier_without_workspace_items_still_shows_the_page(client, apis):
    sign_in(client, "client")
    script_dossier_page(apis)  # the workspace's lists unanswered (404): shown as empty
    page = client.get(PAGE).get_data(as_text=True)
    assert 'id="events"' in page and 'id="finance"' not in page and 'id="expenses"' not in page


def test_the_clients_ics_is_streamed_through(client, apis):
    sign_in(client, "client")
    apis.answer(
        "dossier",
        "GET",
        "/events/e-1.ics",
        body=b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n",
        headers={"Content-Type": "text/calendar; charset=utf-8", "Content-Disposition": 'inline; filename="e.ics"'},
    )
    response = client.get("/portal/events/e-1.ics")
    assert response.status_code == 200 and response.data.startswith(b"BEGIN:VCALENDAR")
    assert response.headers["Content-Disposition"] == 'inline; filename="e.ics"'
    apis.answer("dossier", "GET", "/events/e-2.ics", 404, problem(404, "Not Found"))
    assert client.get("/portal/events/e-2.ics").status_code == 404


def script_participant(apis, workspace_status=200):
    view = {
        "dossier": {**DOSSIER, "notes": [], "fields": {}},
        "solicitations": [],
    }
    apis.answer("partner-gateway", "GET", f"/me/dossiers/{DOSSIER_ID}", body=view)
    apis.answer("documents", "GET", "/documents", body=items())
    workspace = {
        "kind": "participant",
        "events": [EVENT],
        "expenses": [{**EXPENSE, "receipt_document_id": None}],
        "activities": [{**ACTIVITY, "order_id": None, "order_number": None}],
        "activity_totals": {"minutes": 90, "orders": []},
        "participants": [PARTICIPANT],
        "read_only": False,
        "quotes": [finance("quote", "q-2", "accepted", "QUO-2026-0007")],  # were it ever given: not shown
    }
    if workspace_status == 200:
        apis.answer("partner-gateway", "GET", f"/me/dossiers/{DOSSIER_ID}/workspace", body=workspace)
    else:
        apis.answer(
            "partner-gateway",
            "GET",
            f"/me/dossiers/{DOSSIER_ID}/workspace",
            workspace_status,
            problem(workspace_status, "Not Found"),
        )


def test_a_participant_sees_the_gateways_workspace_and_no_financial_item(client, apis):
    sign_in(client, "participant")
    script_participant(apis)
    page = client.get(PAGE).get_data(as_text=True)
    assert apis.calls("partner-gateway", "GET", f"/me/dossiers/{DOSSIER_ID}/workspace")
    assert not apis.calls("dossier")  # a third party never calls the dossier service
    assert "Visite du chantier" in page and "3 impasse des Tilleuls" in page and "Sophie Bernard" in page
    assert "Déplacement Lyon" in page and "50,40" in page and "1 h 30" in page and "Léa Garnier" in page
    assert 'id="finance"' not in page and "QUO-2026-0007" not in page
    assert ".ics" not in page  # the gateway offers third parties no calendar file


def test_a_participant_without_a_workspace_still_gets_the_dossier(client, apis):
    sign_in(client, "participant")
    script_participant(apis, workspace_status=404)
    response = client.get(PAGE)
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "Rénovation de la toiture" in page and 'id="expenses"' not in page
