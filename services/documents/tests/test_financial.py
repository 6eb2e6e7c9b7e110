"""Financial documents over the API: who sets the flag (upload, render, PATCH), and participants never see them."""

import io

import pytest
from alembic import command
from sqlalchemy import create_engine, inspect, text

from documents.cli import MIGRATIONS_DIR
from platform_shared.config import ConfigError
from platform_shared.migrations import alembic_config, upgrade
from platform_shared.testing.unit import bearer, outbox_events

PARTICIPANT_SUB = "sub-contractor"


def _ids(response):
    assert response.status_code == 200, response.get_json()
    return [item["id"] for item in response.get_json()["items"]]


def _list(client, headers, **query):
    return client.get(
        "/api/v1/documents", headers=headers, query_string={"owner_type": "dossier", "owner_id": "dos-1", **query}
    )


@pytest.fixture
def participant(event, gateway, settings):
    """A participant attached to dos-1 (the gateway's answer), on a dossier whose client is client-bob."""
    event("dossier.created", {"dossier_id": "dos-1", "client_sub": "client-bob", "client_org": "acme"})
    gateway.grant("dos-1", PARTICIPANT_SUB, participant=True)
    return bearer(settings, "partner", PARTICIPANT_SUB)


def _visible(client, headers, document_id) -> dict[str, int]:
    return {
        "metadata": client.get(f"/api/v1/documents/{document_id}", headers=headers).status_code,
        "content": client.get(f"/api/v1/documents/{document_id}/content", headers=headers).status_code,
        "pdf": client.get(f"/api/v1/documents/{document_id}/content?rendition=pdf", headers=headers).status_code,
    }


ALL_OK = {"metadata": 200, "content": 200, "pdf": 200}
ALL_HIDDEN = {"metadata": 404, "content": 404, "pdf": 404}


# ----- the rule over the API -----------------------------------------------------------------------
def test_a_participant_never_reaches_a_financial_document_the_client_sees(
    upload, client, participant, as_agent, as_client
):
    invoice = upload(as_agent, client=True, financial=True, filename="invoice.pdf").get_json()
    plain = upload(as_agent, client=True, data=b"%PDF-1.4 plan").get_json()
    assert invoice["visibility"]["financial"] is True
    assert _ids(_list(client, participant)) == [plain["id"]]
    assert _visible(client, participant, invoice["id"]) == ALL_HIDDEN
    assert _visible(client, participant, plain["id"]) == ALL_OK
    assert _ids(_list(client, as_client)) == [invoice["id"], plain["id"]]
    assert _visible(client, as_client, invoice["id"]) == ALL_OK


def test_a_company_member_sees_the_financial_documents_shared_with_the_client(
    upload, client, participant, settings, as_agent
):
    invoice = upload(as_agent, client=True, financial=True).get_json()
    colleague = bearer(settings, "client", "client-dora", org="acme")
    assert _ids(_list(client, colleague)) == [invoice["id"]]


def test_partners_and_contributors_still_see_financial_pieces_flagged_for_them(
    upload, client, gateway, settings, as_agent
):
    gateway.grant("dos-1", "partner-paul", partner=True, solicitation_ids=["sol-1"])
    gateway.grant("dos-1", "guarantor-gus", contributor_roles=["guarantor"])
    for_partner = upload(as_agent, partner=True, financial=True, data=b"%PDF-1.4 balance sheet").get_json()
    for_guarantor = upload(as_agent, roles="guarantor", financial=True, data=b"%PDF-1.4 payslip").get_json()
    assert _ids(_list(client, bearer(settings, "partner", "partner-paul"))) == [for_partner["id"]]
    assert _ids(_list(client, bearer(settings, "partner", "guarantor-gus"))) == [for_guarantor["id"]]


def test_a_participant_sees_their_own_financial_upload(upload, client, participant):
    own = upload(participant, category="invoice", filename="my-invoice.pdf")
    assert own.status_code == 201, own.get_json()
    assert own.get_json()["visibility"]["financial"] is True
    assert _ids(_list(client, participant)) == [own.get_json()["id"]]


def test_the_gateway_is_not_asked_about_a_financial_document_only_the_client_side_sees(
    upload, client, gateway, participant, as_agent
):
    invoice = upload(as_agent, client=True, financial=True).get_json()
    calls = gateway.calls
    assert client.get(f"/api/v1/documents/{invoice['id']}", headers=participant).status_code == 404
    assert gateway.calls == calls


def test_a_participants_list_pages_over_hidden_financial_documents_without_gaps(upload, client, participant, as_agent):
    plain = []
    for index in range(3):
        upload(as_agent, client=True, financial=True, data=b"%PDF-1.4 invoice " + str(index).encode())
        plain.append(upload(as_agent, client=True, data=b"%PDF-1.4 plain " + str(index).encode()).get_json()["id"])
    upload(as_agent, client=True, financial=True, data=b"%PDF-1.4 last invoice")
    seen, cursor = [], None
    for _ in range(4):
        page = _list(client, participant, limit=1, **({"cursor": cursor} if cursor else {})).get_json()
        seen += [item["id"] for item in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == plain
    assert cursor is None


# ----- setting the flag at upload -----------------------------------------------------------------
def test_staff_mark_an_upload_financial_and_document_added_says_so(upload, db, as_agent):
    body = upload(as_agent, client=True, financial=True).get_json()
    assert body["visibility"] == {"client": True, "partner": False, "roles": [], "financial": True}
    (added,) = outbox_events(db, "document.added")
    assert added.data["visibility"] == {"client": True, "partner": False, "roles": [], "financial": True}


def test_an_invoice_or_a_quote_is_financial_unless_staff_say_otherwise(upload, as_agent):
    assert upload(as_agent, category="invoice", data=b"%PDF-1.4 i").get_json()["visibility"]["financial"] is True
    assert upload(as_agent, category="quote", data=b"%PDF-1.4 q").get_json()["visibility"]["financial"] is True
    assert (
        upload(as_agent, category="invoice", financial=False, data=b"%PDF-1.4 i2").get_json()["visibility"]["financial"]
        is False
    )
    assert upload(as_agent, category="other", data=b"%PDF-1.4 o").get_json()["visibility"]["financial"] is False


def test_the_financial_categories_are_configurable(app, upload, settings, db, as_agent):
    from documents.app import create_app

    letters = create_app(settings.replace(financial_categories=("letter",)), db).test_client()
    response = letters.post(
        "/api/v1/documents",
        headers=as_agent,
        content_type="multipart/form-data",
        data={
            "owner_type": "dossier",
            "owner_id": "dos-1",
            "category": "letter",
            "file": (io.BytesIO(b"%PDF-1.4 letter"), "letter.pdf"),
        },
    )
    assert response.get_json()["visibility"]["financial"] is True
    assert upload(as_agent, category="letter").get_json()["visibility"]["financial"] is False


def test_an_unknown_financial_category_refuses_to_start(settings, db):
    from documents.app import create_app

    with pytest.raises(ConfigError, match="invoices"):
        create_app(settings.replace(financial_categories=("invoices",)), db)


def test_financial_categories_are_read_from_the_environment(monkeypatch):
    from documents import config

    monkeypatch.setenv("FINANCIAL_CATEGORIES", "invoice, letter")
    assert config.load(database_url="sqlite://").financial_categories == ("invoice", "letter")


def test_a_service_marks_an_upload_on_behalf_of_someone_financial(upload, as_service):
    body = upload(as_service, uploaded_by_sub="partner-paul", uploaded_by_role="partner", financial=True).get_json()
    assert body["visibility"]["financial"] is True


def test_a_client_cannot_mark_an_upload_financial_nor_unmark_an_invoice(upload, event, as_client):
    event("dossier.created", {"dossier_id": "dos-1", "client_sub": "client-bob", "client_org": None})
    marked = upload(as_client, financial=True, data=b"%PDF-1.4 a")
    assert marked.status_code == 201
    assert marked.get_json()["visibility"]["financial"] is False
    unmarked = upload(as_client, category="invoice", financial=False, data=b"%PDF-1.4 b")
    assert unmarked.get_json()["visibility"] == {"client": True, "partner": False, "roles": [], "financial": True}


def test_a_flag_that_is_not_a_boolean_is_422_and_nothing_is_stored(upload, db, as_agent):
    response = upload(as_agent, financial="perhaps")
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    assert "financial" in str(response.get_json())
    assert outbox_events(db) == []


# ----- changing it ----------------------------------------------------------------------------------
def test_staff_unmark_a_financial_document_and_the_participant_then_sees_it(upload, client, db, participant, as_agent):
    invoice = upload(as_agent, client=True, financial=True).get_json()
    response = client.patch(f"/api/v1/documents/{invoice['id']}", json={"financial": False}, headers=as_agent)
    assert response.status_code == 200
    assert response.get_json()["visibility"] == {"client": True, "partner": False, "roles": [], "financial": False}
    assert _visible(client, participant, invoice["id"]) == ALL_OK
    (changed,) = outbox_events(db, "document.visibility_changed")
    assert changed.data["visibility"] == {"client": True, "partner": False, "roles": [], "financial": False}


def test_staff_mark_an_existing_document_financial_and_the_participant_loses_it(
    upload, client, participant, as_admin, as_agent
):
    shared = upload(as_agent, client=True).get_json()
    assert (
        client.patch(f"/api/v1/documents/{shared['id']}", json={"financial": True}, headers=as_admin).status_code == 200
    )
    assert _visible(client, participant, shared["id"]) == ALL_HIDDEN


def test_a_patch_without_the_flag_keeps_it(upload, client, as_agent):
    invoice = upload(as_agent, category="invoice").get_json()
    response = client.patch(f"/api/v1/documents/{invoice['id']}", json={"client": True}, headers=as_agent)
    assert response.get_json()["visibility"]["financial"] is True


def test_only_staff_and_services_change_the_flag(upload, client, participant, as_agent, as_client):
    invoice = upload(as_agent, client=True, financial=True).get_json()
    for caller in (as_client, participant):
        response = client.patch(f"/api/v1/documents/{invoice['id']}", json={"financial": False}, headers=caller)
        assert response.status_code == 403
    assert client.get(f"/api/v1/documents/{invoice['id']}", headers=as_agent).get_json()["visibility"]["financial"]


def test_a_patch_with_a_flag_that_is_not_a_boolean_is_422_and_changes_nothing(upload, client, db, as_agent):
    invoice = upload(as_agent, financial=True).get_json()
    response = client.patch(f"/api/v1/documents/{invoice['id']}", json={"financial": "no idea"}, headers=as_agent)
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    assert outbox_events(db, "document.visibility_changed") == []
    assert client.get(f"/api/v1/documents/{invoice['id']}", headers=as_agent).get_json()["visibility"]["financial"]


# ----- rendering ------------------------------------------------------------------------------------
@pytest.fixture
def quote_template(client, samples, as_admin):
    data = samples.build_docx(["Quote for {{ dossier.title }}: {{ amount }}"])
    response = client.post(
        "/api/v1/templates",
        headers=as_admin,
        content_type="multipart/form-data",
        data={"name": "Quote", "type": "letter", "entity": "dossier", "file": (io.BytesIO(data), "q.docx")},
    )
    assert response.status_code == 201, response.get_json()
    return response.get_json()["id"]


def _render(client, headers, template_id, **body):
    payload = {
        "owner_type": "dossier",
        "owner_id": "dos-1",
        "context": {"dossier": {"title": "Kitchen"}},
        "inputs": {"amount": "18 250 EUR"},
        **body,
    }
    return client.post(f"/api/v1/templates/{template_id}/render", json=payload, headers=headers)


def test_a_render_marked_financial_is_hidden_from_participants(client, db, quote_template, participant, as_agent):
    response = _render(client, as_agent, quote_template, visibility={"client": True, "financial": True})
    assert response.status_code == 201, response.get_json()
    rendered = response.get_json()
    assert rendered["visibility"] == {"client": True, "partner": False, "roles": [], "financial": True}
    assert client.get(f"/api/v1/documents/{rendered['id']}", headers=participant).status_code == 404
    assert (
        client.get(f"/api/v1/documents/{rendered['id']}/content?rendition=docx", headers=participant).status_code == 404
    )
    (added,) = outbox_events(db, "document.added")
    assert added.data["visibility"]["financial"] is True


def test_a_rendered_quote_is_financial_unless_staff_say_otherwise(client, quote_template, as_service):
    by_default = _render(client, as_service, quote_template, category="quote", visibility={"client": True})
    assert by_default.get_json()["visibility"]["financial"] is True
    told = _render(
        client, as_service, quote_template, category="quote", visibility={"client": True, "financial": False}
    )
    assert told.get_json()["visibility"]["financial"] is False
    plain = _render(client, as_service, quote_template, category="letter", visibility={"client": True})
    assert plain.get_json()["visibility"]["financial"] is False


# ----- the migration --------------------------------------------------------------------------------
def test_the_migration_marks_existing_documents_not_financial_and_goes_back_down(tmp_path):
    url = f"sqlite:///{tmp_path / 'documents.db'}"
    upgrade(MIGRATIONS_DIR, url, "0002")
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO documents (id, owner_type, owner_id, filename, category, visible_client, visible_partner,"
                " visible_roles, uploaded_by_sub, uploaded_by_role, state, warnings, created_at, updated_at) VALUES"
                " ('doc-old', 'dossier', 'dos-1', 'old.pdf', 'other', 1, 0, '[]', 'agent-alice', 'agent', 'ready',"
                " '[]', '2026-01-01 00:00:00', '2026-01-01 00:00:00')"
            )
        )
    upgrade(MIGRATIONS_DIR, url)
    with engine.connect() as connection:
        assert connection.execute(text("SELECT financial FROM documents")).scalar_one() in (0, False)
    command.downgrade(alembic_config(MIGRATIONS_DIR, url), "0002")
    assert "financial" not in {column["name"] for column in inspect(engine).get_columns("documents")}
    with engine.connect() as connection:
        assert connection.execute(text("SELECT id FROM documents")).scalar_one() == "doc-old"
    engine.dispose()
