"""The workspace's further actions against the boundary fake of the services: the PDF of a numbered quote,
order, invoice or credit note (and the link to the filed one), credit notes, a draft's lines edited, some lines
of an order invoiced, an event moved; each API refusal shown at its item or line."""

from __future__ import annotations

import json

from fake_apis import problem
from helpers import csrf_token, sign_in
from test_crm import DOSSIER_ID, page_of, script_dossier
from test_crm_workspace import finance, script_workspace

PAGE = f"/crm/dossiers/{DOSSIER_ID}"


def item_html(page: str, item_id: str) -> str:
    return page.split(f'id="item-{item_id}"')[1].split("</li>")[0]


def post(client, path: str, **data):
    return client.post(f"{PAGE}{path}", data={"csrf_token": csrf_token(client, PAGE), **data})


def test_numbered_items_offer_their_pdf_and_link_the_filed_one_drafts_do_not(client, apis):
    sign_in(client, "agent")
    script_dossier(apis)
    script_workspace(apis)
    apis.answer(
        "dossier",
        "GET",
        f"/dossiers/{DOSSIER_ID}/invoices",
        body=page_of([finance("invoice", "i-1", "issued", "INV-2026-0011", pdf_document_id="doc-pdf-1")]),
    )
    apis.answer(
        "dossier",
        "GET",
        f"/dossiers/{DOSSIER_ID}/credit-notes",
        body=page_of([finance("credit_note", "c-1", "issued", "CRN-2026-0001", source_id="i-1")]),
    )
    documents = [
        {"id": "doc-pdf-1", "filename": "INV-2026-0011.docx", "state": "ready", "renditions": [{"kind": "pdf"}]},
        {"id": "doc-pdf-2", "filename": "ORD-2026-0003.docx", "state": "rendering", "renditions": [{"kind": "docx"}]},
    ]
    apis.answer("documents", "GET", "/documents", body=page_of(documents))
    apis.answer(
        "dossier",
        "GET",
        f"/dossiers/{DOSSIER_ID}/orders",
        body=page_of([finance("order", "o-1", "open", "ORD-2026-0003", pdf_document_id="doc-pdf-2")]),
    )
    page = client.get(PAGE).get_data(as_text=True)
    assert "/finance/quote/q-1/pdf" not in page  # a draft has no number, no PDF
    assert "/finance/quote/q-2/pdf" in item_html(page, "q-2") and "/finance/order/o-1/pdf" in item_html(page, "o-1")
    invoice = item_html(page, "i-1")
    assert "/portal/documents/doc-pdf-1/content?rendition=pdf" in invoice and "/finance/invoice/i-1/pdf" in invoice
    credit = item_html(page, "c-1")
    assert "CRN-2026-0001" in credit and "INV-2026-0011" in credit and "/finance/credit_note/c-1/pdf" in credit
    assert "/portal/documents/" not in item_html(page, "q-2")  # no PDF filed yet: no link
    order = item_html(page, "o-1")  # filed, the documents worker still converting it: said, no link yet
    assert "/portal/documents/doc-pdf-2" not in order and "PDF en préparation" in order


def test_making_a_pdf_calls_the_dossier_service_and_says_when_it_is_still_being_made(client, apis):
    sign_in(client, "agent")
    script_dossier(apis)
    script_workspace(apis)
    made = {"kind": "invoice", "id": "i-1", "number": "INV-2026-0011", "document_id": "d-9", "state": "rendering"}
    apis.answer("dossier", "POST", "/invoices/i-1/pdf", 202, made)
    response = post(client, "/finance/invoice/i-1/pdf")
    assert response.status_code == 302 and response.headers["Location"].endswith("#item-i-1")
    assert json.loads(apis.calls("dossier", "POST", "/invoices/i-1/pdf")[0].body) == {}
    assert "INV-2026-0011" in client.get(PAGE).get_data(as_text=True)  # the flash message names it
    apis.answer("dossier", "POST", "/credit-notes/c-1/pdf", 201, {**made, "state": "ready"})
    assert post(client, "/finance/credit_note/c-1/pdf").status_code == 302
    assert apis.calls("dossier", "POST", "/credit-notes/c-1/pdf")
    assert post(client, "/finance/payment/x/pdf").status_code == 404


def test_a_pdf_the_api_refuses_is_shown_at_its_item(client, apis):
    sign_in(client, "agent")
    script_dossier(apis)
    script_workspace(apis)
    apis.answer("dossier", "POST", "/quotes/q-2/pdf", 409, problem(409, "Conflict", "The dossier is closed."))
    response = post(client, "/finance/quote/q-2/pdf")
    assert response.status_code == 409
    assert "The dossier is closed." in item_html(response.get_data(as_text=True), "q-2")


def test_a_credit_note_sends_the_quantities_typed_or_the_whole_invoice(client, apis):
    sign_in(client, "agent")
    script_dossier(apis)
    script_workspace(apis)
    page = client.get(PAGE).get_data(as_text=True)
    assert 'name="credit-l-1"' in item_html(page, "i-1")  # the issued invoice's lines
    assert "/invoices/i-1/credit-notes" in item_html(page, "i-1")
    created = finance("credit_note", "c-2", "issued", "CRN-2026-0002")
    apis.answer("dossier", "POST", "/invoices/i-1/credit-notes", 201, created)
    assert post(client, "/invoices/i-1/credit-notes", reason="Erreur", **{"credit-l-1": "1,5"}).status_code == 302
    assert post(client, "/invoices/i-1/credit-notes", reason="Annulation", **{"credit-l-1": ""}).status_code == 302
    first, second = apis.calls("dossier", "POST", "/invoices/i-1/credit-notes")
    assert json.loads(first.body) == {"reason": "Erreur", "lines": [{"invoice_line_id": "l-1", "quantity": "1.5"}]}
    assert json.loads(second.body) == {"reason": "Annulation"}  # nothing typed: what remains of the invoice


def test_a_credit_note_needs_a_reason_and_the_apis_refusal_is_shown_at_the_line(client, apis):
    sign_in(client, "agent")
    script_dossier(apis)
    script_workspace(apis)
    response = post(client, "/invoices/i-1/credit-notes", reason="")
    assert response.status_code == 422 and 'id="credit-i-1-reason-error"' in response.get_data(as_text=True)
    assert not apis.calls("dossier", "POST", "/invoices/i-1/credit-notes")
    apis.answer(
        "dossier",
        "POST",
        "/invoices/i-1/credit-notes",
        422,
        problem(422, "Unprocessable", "Invalid.", {"lines.0.quantity": ["More than what remains (2)."]}),
    )
    response = post(client, "/invoices/i-1/credit-notes", reason="Erreur", **{"credit-l-1": "5"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    cell = page.split('id="credit-i-1-l-1"')[1].split("</td>")[0]
    assert 'aria-invalid="true"' in cell
    assert "More than what remains (2)." in cell and 'value="5"' in page.split('id="credit-i-1-l-1"')[1][:200]


def test_a_drafts_edit_form_holds_its_lines_and_saves_them_with_patch(client, apis):
    sign_in(client, "agent")
    script_dossier(apis)
    script_workspace(apis)
    page = client.get(PAGE).get_data(as_text=True)
    draft = item_html(page, "q-1")
    assert "/finance/quote/q-1/edit" in draft and 'value="Diagnostic charpente"' in draft
    assert 'name="rows" value="2"' in draft  # its line and a blank one to add a line
    assert "/finance/quote/q-2/edit" not in page  # a sent quote is corrected by a new one, not edited
    apis.answer("dossier", "PATCH", "/quotes/q-1", body=finance("quote", "q-1", "draft"))
    response = post(
        client,
        "/finance/quote/q-1/edit",
        title="Charpente",
        valid_until="",
        currency="EUR",
        rows="2",
        **{
            "line-0-label": "Diagnostic charpente",
            "line-0-quantity": "3",
            "line-0-unit": "h",
            "line-0-unit_price": "85",
            "line-0-vat_rate": "20",
            "line-1-label": "Rapport",
            "line-1-quantity": "1",
            "line-1-unit_price": "120",
            "line-1-vat_rate": "20",
        },
    )
    assert response.status_code == 302
    body = json.loads(apis.calls("dossier", "PATCH", "/quotes/q-1")[0].body)
    assert body["valid_until"] is None and [line["label"] for line in body["lines"]] == [
        "Diagnostic charpente",
        "Rapport",
    ]
    assert body["lines"][1] == {"label": "Rapport", "quantity": "1", "unit": "", "unit_price": "120", "vat_rate": "20"}


def test_a_draft_edit_the_api_refuses_is_shown_at_its_line_or_at_the_item(client, apis):
    sign_in(client, "agent")
    script_dossier(apis)
    script_workspace(apis)
    lines = {
        "rows": "2",
        "line-1-label": "Rapport",
        "line-1-quantity": "1",
        "line-1-unit_price": "1",
        "line-1-vat_rate": "7",
    }
    apis.answer(
        "dossier",
        "PATCH",
        "/quotes/q-1",
        422,
        problem(422, "Unprocessable", "Invalid.", {"lines.0.vat_rate": ["Not a configured VAT rate: 0, 5.5, 20."]}),
    )
    response = post(client, "/finance/quote/q-1/edit", **lines)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Taux de TVA non utilisé ici" in page.split('id="edit-q-1-line-1-vat_rate"')[1].split("</td>")[0]
    apis.answer("dossier", "PATCH", "/quotes/q-1", 409, problem(409, "Conflict", "Only a draft can be changed."))
    response = post(client, "/finance/quote/q-1/edit", **lines)
    assert response.status_code == 409
    assert "Only a draft can be changed." in item_html(response.get_data(as_text=True), "q-1")
    assert post(client, "/finance/quote/q-1/edit", rows="2").status_code == 422  # no line: refused first
    assert len(apis.calls("dossier", "PATCH", "/quotes/q-1")) == 2


def test_some_lines_of_an_order_are_invoiced_with_their_quantities(client, apis):
    sign_in(client, "agent")
    script_dossier(apis)
    script_workspace(apis)
    assert 'name="pick-l-1"' in item_html(client.get(PAGE).get_data(as_text=True), "o-1")
    apis.answer("dossier", "POST", "/orders/o-1/invoices", 201, finance("invoice", "i-2", "draft"))
    assert post(client, "/orders/o-1/invoice", partial="1", **{"pick-l-1": "1"}).status_code == 302
    assert post(client, "/orders/o-1/invoice").status_code == 302  # the button: everything not billed yet
    partial, whole = apis.calls("dossier", "POST", "/orders/o-1/invoices")
    assert json.loads(partial.body) == {"lines": [{"order_line_id": "l-1", "quantity": "1"}]}
    assert json.loads(whole.body) == {}


def test_invoicing_some_lines_needs_a_quantity_and_shows_the_apis_refusal_at_the_line(client, apis):
    sign_in(client, "agent")
    script_dossier(apis)
    script_workspace(apis)
    response = post(client, "/orders/o-1/invoice", partial="1", **{"pick-l-1": ""})
    assert response.status_code == 422 and not apis.calls("dossier", "POST", "/orders/o-1/invoices")
    apis.answer(
        "dossier",
        "POST",
        "/orders/o-1/invoices",
        422,
        problem(422, "Unprocessable", "Invalid.", {"lines.0.quantity": ["More than what remains (2)."]}),
    )
    response = post(client, "/orders/o-1/invoice", partial="1", **{"pick-l-1": "9"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "More than what remains (2)." in page.split('id="pick-o-1-l-1"')[1].split("</td>")[0]


def test_an_event_is_moved_from_its_local_time_with_patch(client, apis):
    sign_in(client, "agent")
    script_dossier(apis)
    script_workspace(apis)
    page = client.get(PAGE).get_data(as_text=True)
    event = page.split('id="item-e-1"')[1]
    assert 'id="move-e-1-starts_at"' in event
    assert 'value="2026-12-10T14:00"' in event.split('id="move-e-1-starts_at"')[1][:200]  # 13:00 UTC in Paris
    apis.answer("dossier", "PATCH", "/events/e-1", body={"id": "e-1", "title": "Visite du chantier"})
    response = post(
        client,
        "/events/e-1/move",
        starts_at="2026-12-11T09:00",
        ends_at="2026-12-11T10:00",
        timezone="Europe/Paris",
        location="Mairie",
        url="",
    )
    assert response.status_code == 302
    assert json.loads(apis.calls("dossier", "PATCH", "/events/e-1")[0].body) == {
        "starts_at": "2026-12-11T09:00:00",
        "ends_at": "2026-12-11T10:00:00",
        "timezone": "Europe/Paris",
        "location": "Mairie",
    }


def test_a_move_the_api_refuses_is_shown_at_the_event_or_its_field(client, apis):
    sign_in(client, "agent")
    script_dossier(apis)
    script_workspace(apis)
    times = {"starts_at": "2026-12-11T09:00", "ends_at": "2026-12-11T08:00", "timezone": "Europe/Paris"}
    apis.answer(
        "dossier",
        "PATCH",
        "/events/e-1",
        422,
        problem(422, "Unprocessable", "Invalid.", {"ends_at": ["Must be after starts_at."]}),
    )
    response = post(client, "/events/e-1/move", **times)
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and 'id="move-e-1-ends_at-error"' in page
    assert 'value="2026-12-11T08:00"' in page  # what was typed is kept
    apis.answer("dossier", "PATCH", "/events/e-1", 409, problem(409, "Conflict", "The event is cancelled."))
    response = post(client, "/events/e-1/move", **times)
    assert response.status_code == 409
    assert "The event is cancelled." in response.get_data(as_text=True).split('id="item-e-1"')[1][:3000]
    response = post(client, "/events/e-1/move", starts_at="", ends_at="", timezone="Europe/Paris")
    assert response.status_code == 422 and len(apis.calls("dossier", "PATCH", "/events/e-1")) == 2
