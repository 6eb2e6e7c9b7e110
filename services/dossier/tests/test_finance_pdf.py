"""Quotes, orders, invoices and credit notes rendered to PDF through the documents service's financial template.

The documents service is a boundary here (``tests/integration/test_dossier_workspace.py`` renders through the
real one, LibreOffice included): a stand-in records what the dossier service asks of it."""

from decimal import Decimal

from dossier.domain.finance_pdf import pdf_context, vat_totals

from .test_finance import move, quote


def sent_quote(client, as_agent, dossier):
    draft = quote(client, as_agent, dossier).get_json()
    return move(client, as_agent, "quotes", draft["id"], "sent").get_json()


def pdf(client, headers, kind, document_id, **body):
    return client.post(f"/api/v1/{kind}/{document_id}/pdf", json=body, headers=headers)


def _leaves(value):
    if isinstance(value, dict):
        for item in value.values():
            yield from _leaves(item)
    elif isinstance(value, list):
        for item in value:
            yield from _leaves(item)
    else:
        yield value


def test_a_sent_quote_is_rendered_filed_under_the_dossier_client_visible_and_financial(
    client, as_agent, dossier, documents
):
    sent = sent_quote(client, as_agent, dossier)
    response = pdf(client, as_agent, "quotes", sent["id"])
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert (body["document_id"], body["number"], body["template_id"]) == ("doc-1", sent["number"], "tpl-default")
    (render,) = documents.renders
    assert render["dossier_id"] == dossier["id"] and render["category"] == "quote"
    assert render["filename"] == sent["number"]
    context = render["context"]
    assert context["document"]["number"] == sent["number"] and context["document"]["kind_label"] == "Devis"
    assert [line["net"] for line in context["document"]["lines"]] == ["650.00", "69.97", "0.05"]
    assert (context["document"]["total"], context["document"]["currency"]) == ("864.01", "EUR")
    assert context["dossier"]["reference"] == dossier["reference"]
    # Money is never a float in what the template receives.
    assert not any(isinstance(leaf, float) for leaf in _leaves(context))
    assert client.get(f"/api/v1/quotes/{sent['id']}", headers=as_agent).get_json()["pdf_document_id"] == "doc-1"


def test_the_default_template_is_installed_once_then_reused(client, as_agent, dossier, documents):
    sent = sent_quote(client, as_agent, dossier)
    assert pdf(client, as_agent, "quotes", sent["id"]).status_code == 201
    assert pdf(client, as_agent, "quotes", sent["id"]).status_code == 201
    assert documents.installed == ["tpl-default"]
    # Rendering again files a new PDF; the quote points at the latest.
    assert client.get(f"/api/v1/quotes/{sent['id']}", headers=as_agent).get_json()["pdf_document_id"] == "doc-2"


def test_a_named_template_must_be_a_financial_one(client, as_agent, dossier, documents):
    sent = sent_quote(client, as_agent, dossier)
    for template_id in ("tpl-letter", "tpl-unknown"):
        response = pdf(client, as_agent, "quotes", sent["id"], template_id=template_id)
        assert response.status_code == 422 and "template_id" in response.get_json()["errors"]
    assert documents.renders == []


def test_an_order_an_invoice_and_a_credit_note_are_rendered_with_their_source(client, as_agent, dossier, documents):
    sent = sent_quote(client, as_agent, dossier)
    order = move(client, as_agent, "quotes", sent["id"], "accepted").get_json()["order"]
    invoice = client.post(f"/api/v1/orders/{order['id']}/invoices", json={}, headers=as_agent).get_json()
    issued = move(client, as_agent, "invoices", invoice["id"], "issued").get_json()
    for kind, document in (("orders", order), ("invoices", issued)):
        assert pdf(client, as_agent, kind, document["id"]).status_code == 201
    note = client.post(f"/api/v1/invoices/{invoice['id']}/credit-notes", json={}, headers=as_agent).get_json()
    assert pdf(client, as_agent, "credit-notes", note["id"]).status_code == 201
    order_render, invoice_render, note_render = documents.renders
    assert order_render["category"] == "order"
    assert order_render["context"]["document"]["source_number"] == sent["number"]
    assert invoice_render["category"] == "invoice"
    assert invoice_render["context"]["document"]["balance_due"] == "864.01"
    assert invoice_render["context"]["document"]["source_number"] == order["number"]
    assert note_render["context"]["document"]["source_number"] == issued["number"]


def test_a_draft_has_no_pdf_409(client, as_agent, dossier, documents):
    draft = quote(client, as_agent, dossier).get_json()
    response = pdf(client, as_agent, "quotes", draft["id"])
    assert response.status_code == 409 and response.mimetype == "application/problem+json"
    assert documents.renders == []


def test_a_closed_dossier_refuses_a_new_pdf_but_keeps_the_one_made_before(client, as_agent, dossier, documents):
    sent = sent_quote(client, as_agent, dossier)
    assert pdf(client, as_agent, "quotes", sent["id"]).status_code == 201
    assert client.post(f"/api/v1/dossiers/{dossier['id']}/close", headers=as_agent).status_code == 200
    assert pdf(client, as_agent, "quotes", sent["id"]).status_code == 409
    assert client.get(f"/api/v1/quotes/{sent['id']}", headers=as_agent).get_json()["pdf_document_id"] == "doc-1"
    assert len(documents.renders) == 1


def test_only_staff_render_pdfs(client, as_agent, as_client, as_partner, as_service, dossier, documents):
    sent = sent_quote(client, as_agent, dossier)
    for headers in (as_client, as_partner, as_service):
        assert pdf(client, headers, "quotes", sent["id"]).status_code == 403
    assert pdf(client, as_agent, "quotes", "no-such-quote").status_code == 404
    assert pdf(client, as_agent, "invoices", sent["id"]).status_code == 404  # a quote is no invoice
    assert documents.renders == []


def test_the_vat_of_a_pdf_is_summed_per_rate_exactly():
    lines = [
        {"vat_rate": "20", "net": "0.10", "vat": "0.02"},
        {"vat_rate": "5.5", "net": "1.00", "vat": "0.06"},
        {"vat_rate": "20", "net": "0.20", "vat": "0.04"},
    ]
    assert vat_totals(lines) == [
        {"vat_rate": "20", "net": "0.30", "vat": "0.06"},
        {"vat_rate": "5.5", "net": "1.00", "vat": "0.06"},
    ]
    assert Decimal(vat_totals(lines)[0]["net"]) == Decimal("0.30")


def test_the_pdf_speaks_the_template_language():
    document = {
        "kind": "invoice",
        "number": "INV-2026-0001",
        "status": "partially_paid",
        "currency": "EUR",
        "lines": [],
        "issued_at": None,
        "total": "1.00",
    }
    dossier = {"reference": "DOS-1", "title": "Roof"}
    english = pdf_context(document, dossier=dossier, source_number=None, language="en")["document"]
    french = pdf_context(document, dossier=dossier, source_number=None, language="fr")["document"]
    assert (english["kind_label"], english["status"]) == ("Invoice", "partially paid")
    assert (french["kind_label"], french["status"]) == ("Facture", "partiellement payé")
