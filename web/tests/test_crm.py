"""The CRM's screens against the boundary fake of the services: the agent's own token, the filters passed to
the API, the key shown once, the polled partners fragment, Notifier, decisions, the model editor's diff and
errors by place, the notification rule's body."""

from __future__ import annotations

import json

from fake_apis import problem
from helpers import csrf_token, sign_in

DOSSIER_ID = "d-1"
MODEL = {
    "id": "m-1",
    "name": "Demande de travaux",
    "category": "works",
    "version": 1,
    "client_can_create": True,
    "client_can_invite": False,
    "fields": [
        {"key": "address", "label": "Adresse du chantier", "type": "text", "required": True},
        {"key": "budget", "label": "Budget prévisionnel", "type": "amount", "financial": True},
    ],
    "partner_fields": [{"key": "site_visit_date", "label": "Date de la visite", "type": "date"}],
    "views": {
        "portal": [{"key": "address", "mode": "write"}],
        "crm": [{"key": "address", "mode": "write"}, {"key": "budget", "mode": "write"}],
        "partner": [
            {"key": "address", "mode": "read", "source": "portal"},
            {"key": "site_visit_date", "mode": "write", "source": "partner"},
        ],
    },
    "statuses": [
        {"code": "received", "label": "Demande reçue", "initial": True, "client_visible": True},
        {"code": "study", "label": "Étude technique", "partner_visible": True, "client_visible": True},
    ],
    "transitions": [{"from": "received", "to": "study"}],
    "roles": [
        {
            "code": "guarantor",
            "label": "Garant",
            "pieces": [{"code": "gid", "label": "Pièce d'identité", "required": True}],
        }
    ],
}
DOSSIER = {
    "id": DOSSIER_ID,
    "reference": "DOS-2026-000042",
    "title": "Rénovation de la toiture",
    "status": "received",
    "status_label": "Demande reçue",
    "client_visible": True,
    "origin": "portal",
    "category": "works",
    "category_label": "Travaux",
    "closed": False,
    "model_id": "m-1",
    "model_version": 1,
    "description": "",
    "fields": {"address": "12 rue des Lilas", "budget": 18500, "site_visit_date": None},
    "field_modes": {"address": "write", "budget": "write", "site_visit_date": "read"},
    "important_developments": [],
    "created_at": "2026-11-20T10:00:00Z",
}
PARTNER = {"id": "p-1", "name": "Julien Moreau", "email": "julien@example.org", "kind": "external"}
SOLICITATIONS = [
    {
        "id": "s-1",
        "dossier_id": DOSSIER_ID,
        "partner": PARTNER,
        "type": "opinion",
        "scope": "Structure",
        "due_date": "2026-12-20",
        "state": "answered",
        "confidential": False,
        "reminded_at": None,
        "reminder_count": 0,
        "answers": [{"version": 2, "verdict": "reserved", "comment": "Étude de sol.", "submitted": True}],
    },
    {
        "id": "s-2",
        "dossier_id": DOSSIER_ID,
        "partner": {**PARTNER, "id": "p-2", "name": "Nadia Rousseau", "kind": "internal"},
        "type": "opinion",
        "scope": "Juridique",
        "due_date": "2026-12-20",
        "state": "attached",
        "confidential": True,
        "reminded_at": "2026-12-01T09:00:00Z",
        "reminder_count": 1,
        "answers": [],
    },
]
EMPTY = {"items": [], "next_cursor": None}


def page_of(items):
    return {"items": items, "next_cursor": None}


def script_dossier(apis, solicitations=SOLICITATIONS):
    apis.answer("dossier", "GET", f"/dossiers/{DOSSIER_ID}", body=DOSSIER)
    apis.answer("dossier", "GET", f"/dossiers/{DOSSIER_ID}/notes", body=EMPTY)
    apis.answer("dossier", "GET", f"/dossiers/{DOSSIER_ID}/timeline", body=EMPTY)
    apis.answer("documents", "GET", "/documents", body=EMPTY)
    apis.answer("documents", "GET", "/templates", body=EMPTY)
    apis.answer("dossier", "GET", "/models/m-1", body=MODEL)
    apis.answer("partner-gateway", "GET", f"/dossiers/{DOSSIER_ID}/solicitations", body=page_of(solicitations))
    apis.answer("partner-gateway", "GET", "/partners", body=page_of([PARTNER]))
    apis.answer("partner-gateway", "GET", f"/dossiers/{DOSSIER_ID}/contributors", body=EMPTY)


def test_the_crm_is_for_staff_only(client, apis):
    sign_in(client, "client")
    assert client.get("/crm/dossiers").status_code == 403


def test_the_list_passes_every_filter_and_the_search_to_the_api_and_marks_portal_requests(client, apis):
    sign_in(client, "agent")
    with client.session_transaction() as session:
        token, sub = session["person"]["token"], session["person"]["sub"]
    apis.answer(
        "dossier", "GET", "/dossiers", body={"items": [{**DOSSIER, "client_name": "Sophie"}], "next_cursor": "c2"}
    )
    apis.answer("dossier", "GET", "/models", body=page_of([MODEL]))
    apis.answer("dossier", "GET", "/categories", body={"items": [{"code": "works", "label": "Travaux"}]})
    response = client.get("/crm/dossiers?status=received&model_id=m-1&category=works&assignee=me&origin=portal&q=toit")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    [call] = apis.calls("dossier", "GET", "/dossiers")
    assert call.headers["Authorization"] == f"Bearer {token}"
    timing = response.headers["Server-Timing"]  # each call's path and query, as the page made it
    assert (
        f"GET dossier /dossiers?status=received&model_id=m-1&category=works&assignee={sub}&origin=portal&q=toit"
        in timing
    ), timing
    assert "Demande du portail" in page and "portal-line" in page
    assert "cursor=c2" in page and "q=toit" in page  # the next page keeps the filters


def test_the_list_sends_the_filters_as_query_parameters(client, apis):
    sign_in(client, "agent")
    apis.answer("dossier", "GET", "/dossiers", body=EMPTY)
    apis.answer("dossier", "GET", "/models", body=page_of([MODEL]))
    apis.answer("dossier", "GET", "/categories", body={"items": []})
    response = client.get("/crm/dossiers?status=study&origin=portal&q=DOS-2026")
    timing = response.headers["Server-Timing"]
    assert "GET dossier /dossiers?status=study&origin=portal&q=DOS-2026&limit=25" in timing, timing


def test_the_dossier_page_shows_fields_transitions_and_the_partners_sub_panel(client, apis):
    sign_in(client, "agent")
    script_dossier(apis)
    response = client.get(f"/crm/dossiers/{DOSSIER_ID}")
    page = response.get_data(as_text=True)
    assert response.status_code == 200, page[:2000]
    assert "Adresse du chantier" in page and 'name="field-budget"' in page  # writable in the CRM view
    assert 'value="study"' in page and "Étude technique" in page  # the allowed transition
    assert "Julien Moreau" in page and "Favorable avec réserves" in page  # the answer
    assert 'hx-trigger="live-change, every 5s"' in page  # the live stream refreshes the panel, polling otherwise
    assert 'data-live-dossier="d-1"' in page and 'data-live-types="solicitation."' in page
    assert "1 partenaire n'a pas encore répondu." in page


def test_the_polled_fragment_shows_an_answer_that_arrived(client, apis):
    sign_in(client, "agent")
    waiting = [{**SOLICITATIONS[0], "state": "attached", "answers": []}]
    apis.answer("partner-gateway", "GET", f"/dossiers/{DOSSIER_ID}/solicitations", body=page_of(waiting))
    first = client.get(f"/crm/dossiers/{DOSSIER_ID}/partners-panel").get_data(as_text=True)
    assert "Favorable avec réserves" not in first and "<html" not in first
    apis.answer("partner-gateway", "GET", f"/dossiers/{DOSSIER_ID}/solicitations", body=page_of(SOLICITATIONS[:1]))
    second = client.get(f"/crm/dossiers/{DOSSIER_ID}/partners-panel").get_data(as_text=True)
    assert "Favorable avec réserves" in second and "Étude de sol." in second


def test_soliciting_shows_the_key_once_and_never_stores_it(client, apis):
    sign_in(client, "agent")
    script_dossier(apis)
    created = {**SOLICITATIONS[1], "id": "s-3", "partner": PARTNER, "access_key": "7KQ2-M9XD-AAAA-BBBB"}
    apis.answer("partner-gateway", "POST", f"/dossiers/{DOSSIER_ID}/solicitations", 201, created)
    form = {
        "csrf_token": csrf_token(client, f"/crm/dossiers/{DOSSIER_ID}"),
        "partner_id": "p-1",
        "type": "opinion_completion",
        "scope": "Structure",
        "due_date": "2026-12-31",
        "instructions": "Visite",
        "open_statuses": ["study"],
        "confidential": "on",
    }
    response = client.post(f"/crm/dossiers/{DOSSIER_ID}/solicitations", data=form)
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "7KQ2-M9XD-AAAA-BBBB" in page and "data-copy" in page
    [call] = apis.calls("partner-gateway", "POST", f"/dossiers/{DOSSIER_ID}/solicitations")
    assert json.loads(call.body) == {
        "partner_id": "p-1",
        "type": "opinion_completion",
        "scope": "Structure",
        "due_date": "2026-12-31",
        "instructions": "Visite",
        "open_statuses": ["study"],
        "confidential": True,
    }
    with client.session_transaction() as session:
        assert "7KQ2" not in json.dumps(dict(session))
    again = client.get(f"/crm/dossiers/{DOSSIER_ID}").get_data(as_text=True)
    assert "7KQ2-M9XD-AAAA-BBBB" not in again


def test_a_refused_solicitation_shows_the_api_error_next_to_its_field(client, apis):
    sign_in(client, "agent")
    script_dossier(apis)
    apis.answer(
        "partner-gateway",
        "POST",
        f"/dossiers/{DOSSIER_ID}/solicitations",
        422,
        problem(422, "Unprocessable", "The due date is in the past.", {"due_date": ["Must be today or later."]}),
    )
    form = {
        "csrf_token": csrf_token(client, f"/crm/dossiers/{DOSSIER_ID}"),
        "partner_id": "p-1",
        "type": "opinion",
        "due_date": "2020-01-01",
        "open_statuses": ["study"],
    }
    response = client.post(f"/crm/dossiers/{DOSSIER_ID}/solicitations", data=form)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="solicit-due_date-error"' in page and "Must be today or later." in page


def test_notify_reminds_through_the_api_and_says_how_many(client, apis):
    sign_in(client, "agent")
    script_dossier(apis)
    apis.answer(
        "partner-gateway",
        "POST",
        f"/dossiers/{DOSSIER_ID}/solicitations/remind",
        body={"reminded": 1, "skipped": 0, "reminded_ids": ["s-2"], "skipped_ids": []},
    )
    token = csrf_token(client, f"/crm/dossiers/{DOSSIER_ID}")
    response = client.post(f"/crm/dossiers/{DOSSIER_ID}/remind", data={"csrf_token": token}, follow_redirects=True)
    assert "1 partenaire est relancé." in response.get_data(as_text=True)


def test_a_post_without_the_csrf_token_is_refused(client, apis):
    sign_in(client, "agent")
    response = client.post(f"/crm/dossiers/{DOSSIER_ID}/remind")
    assert response.status_code == 400
    assert not apis.calls("partner-gateway", "POST")


def test_approving_a_validation_task_calls_the_api_with_the_comment(client, apis):
    sign_in(client, "agent")
    task = {"id": "t-1", "request_id": "r-1", "contract_id": "c-1", "document_id": "doc-1", "state": "open"}
    apis.answer("attestation", "GET", "/validation-tasks/t-1", body=task)
    apis.answer("attestation", "GET", "/contracts/c-1", body={"id": "c-1", "number": "MRH-1"})
    apis.answer("attestation", "GET", "/attestation-requests/r-1", body={"id": "r-1", "title": "Habitation"})
    apis.answer("attestation", "POST", "/validation-tasks/t-1/approve", body={**task, "state": "approved"})
    token = csrf_token(client, "/crm/validation-tasks/t-1")
    response = client.post(
        "/crm/validation-tasks/t-1/decision", data={"csrf_token": token, "decision": "approve", "comment": "OK"}
    )
    assert response.status_code == 302
    [call] = apis.calls("attestation", "POST", "/validation-tasks/t-1/approve")
    assert json.loads(call.body) == {"comment": "OK"}


def test_rejecting_needs_a_comment_and_an_agent_who_is_not_a_validator_is_told(client, apis):
    sign_in(client, "agent")
    task = {"id": "t-1", "request_id": "r-1", "contract_id": "c-1", "document_id": "doc-1", "state": "open"}
    apis.answer("attestation", "GET", "/validation-tasks/t-1", body=task)
    token = csrf_token(client, "/crm/validation-tasks/t-1")
    response = client.post("/crm/validation-tasks/t-1/decision", data={"csrf_token": token, "decision": "reject"})
    assert response.status_code == 422 and not apis.calls("attestation", "POST")
    apis.answer("attestation", "POST", "/validation-tasks/t-1/approve", 403, problem(403, "Forbidden"))
    response = client.post("/crm/validation-tasks/t-1/decision", data={"csrf_token": token, "decision": "approve"})
    assert response.status_code == 403 and "validateurs" in response.get_data(as_text=True)


def _model_form(client, **overrides):
    form = {
        "csrf_token": csrf_token(client, "/crm/admin/models/m-1"),
        "name": "Demande de travaux",
        "category": "works",
        "client_can_create": "on",
        "field-0-key": "address",
        "field-0-label": "Adresse du chantier",
        "field-0-type": "text",
        "field-0-required": "on",
        "field-0-portal": "write",
        "field-0-crm": "write",
        "field-0-partner": "read",
        "field-0-source": "portal",
        "pfield-0-key": "site_visit_date",
        "pfield-0-label": "Date de la visite",
        "pfield-0-type": "date",
        "pfield-0-partner": "write",
        "status-0-code": "received",
        "status-0-label": "Demande reçue",
        "status-0-client_visible": "on",
        "initial_status": "0",
        "status-1-code": "study",
        "status-1-label": "Étude technique",
        "status-1-partner_visible": "on",
        "transition-0-from": "received",
        "transition-0-to": "study",
    }
    form.update(overrides)
    return form


def test_the_model_editor_sends_the_partner_view_and_shows_what_changed(client, apis):
    sign_in(client, "admin")
    apis.answer("dossier", "GET", "/models/m-1", body=MODEL)
    apis.answer("dossier", "PUT", "/models/m-1", body={**MODEL, "version": 2, "fields": MODEL["fields"][:1]})
    response = client.post("/crm/admin/models/m-1", data=_model_form(client))
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    [call] = apis.calls("dossier", "PUT", "/models/m-1")
    body = json.loads(call.body)
    assert body["views"]["partner"] == [
        {"key": "address", "mode": "read", "source": "portal"},
        {"key": "site_visit_date", "mode": "write", "source": "partner"},
    ]
    assert body["statuses"][0]["initial"] and body["statuses"][1]["partner_visible"]
    assert body["transitions"] == [{"from": "received", "to": "study"}]
    assert "champs : budget retiré" in page  # the diff of the new version (in the admin's language)


def test_the_model_editor_shows_the_api_errors_in_their_section_and_keeps_what_was_typed(client, apis):
    sign_in(client, "admin")
    apis.answer("dossier", "GET", "/models/m-1", body=MODEL)
    apis.answer(
        "dossier",
        "PUT",
        "/models/m-1",
        422,
        problem(422, "Invalid model", "Unknown status.", {"transitions": ["unknown status: nowhere"]}),
    )
    response = client.post("/crm/admin/models/m-1", data=_model_form(client, **{"transition-0-to": "nowhere"}))
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="transitions-errors"' in page and "unknown status: nowhere" in page
    assert 'value="nowhere"' in page


def test_an_admin_adds_a_notification_rule_with_its_filters_and_recipients(client, apis):
    sign_in(client, "admin")
    apis.answer("notification", "GET", "/rules", body=EMPTY)
    apis.answer("notification", "GET", "/contacts", body=EMPTY)
    apis.answer("dossier", "GET", "/categories", body={"items": [{"code": "litigation", "label": "Contentieux"}]})
    apis.answer("dossier", "GET", "/models", body=EMPTY)
    apis.answer("notification", "POST", "/rules", 201, {"id": "r-1"})
    token = csrf_token(client, "/crm/admin/notifications")
    response = client.post(
        "/crm/admin/notifications/rules",
        data={
            "csrf_token": token,
            "name": "Contentieux",
            "event_type": "dossier.created",
            "category": "litigation",
            "origin": "portal",
            "addresses": "juridique@example.org, avocat@example.org",
            "channel": "email",
        },
    )
    assert response.status_code == 302
    [call] = apis.calls("notification", "POST", "/rules")
    body = json.loads(call.body)
    assert body["filters"] == {"category": "litigation", "origin": "portal"}
    assert body["recipients"]["addresses"] == ["juridique@example.org", "avocat@example.org"]


def test_admin_screens_are_refused_to_agents(client, apis):
    sign_in(client, "agent")
    assert client.get("/crm/admin/models").status_code == 403
    assert client.get("/crm/admin/notifications").status_code == 403


def test_the_client_downloads_an_attestation_once_its_validation_is_approved(client, apis):
    sign_in(client, "client")
    approved = {"id": "r-1", "contract_id": "c-1", "state": "approved", "document_id": "doc-1", "message": "Validée"}
    apis.answer("attestation", "GET", "/attestation-requests/r-1", body=approved)
    apis.answer("documents", "GET", "/documents/doc-1", body={"id": "doc-1", "renditions": [{"kind": "pdf"}]})
    page = client.get("/portal/attestation-requests/r-1").get_data(as_text=True)
    assert "Télécharger le PDF" in page and "every 1.5s" not in page  # settled: the page stops polling


def test_a_request_still_generating_shows_so_and_the_page_polls_until_it_is_issued(client, apis):
    # The attestation service answers a new request `generating` (issue 18): its worker renders it afterwards.
    sign_in(client, "client")
    generating = {"id": "r-1", "contract_id": "c-1", "state": "generating", "document_id": None, "message": None}
    apis.answer("attestation", "GET", "/attestation-requests/r-1", body=generating)
    page = client.get("/portal/attestation-requests/r-1").get_data(as_text=True)
    assert "Votre attestation est en cours de génération" in page and "every 1.5s" in page
    issued = {**generating, "state": "issued", "document_id": "doc-1", "message": "Disponible"}
    apis.answer("attestation", "GET", "/attestation-requests/r-1", body=issued)
    apis.answer("documents", "GET", "/documents/doc-1", body={"id": "doc-1", "renditions": [{"kind": "pdf"}]})
    polled = client.get("/portal/attestation-requests/r-1", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "Télécharger le PDF" in polled and "every 1.5s" not in polled


def test_an_admin_attaches_templates_to_a_product_with_their_extranet_titles(client, apis):
    sign_in(client, "admin")
    product = {"id": "pr-1", "code": "MRH", "name": "Habitation", "templates": [], "validation": {}}
    templates = [
        {"id": "t-1", "name": "Habitation", "type": "attestation", "entity": "contract"},
        {"id": "t-2", "name": "Évènement", "type": "attestation", "entity": "contract"},
        {"id": "t-3", "name": "Courrier", "type": "letter", "entity": "dossier"},
    ]
    apis.answer("attestation", "GET", "/products/pr-1", body=product)
    apis.answer("documents", "GET", "/templates", body=page_of(templates))
    apis.answer("attestation", "PUT", "/products/pr-1/attestation-templates", body=product)
    page = client.get("/crm/admin/products/pr-1").get_data(as_text=True)
    assert "Évènement" in page and "Courrier" not in page  # only attestation templates may be attached
    token = csrf_token(client, "/crm/admin/products/pr-1")
    response = client.post(
        "/crm/admin/products/pr-1/templates",
        data={
            "csrf_token": token,
            "template_id": ["t-1", "t-2"],
            "title-t-1": "Attestation habitation",
            "title-t-2": "",
        },
    )
    assert response.status_code == 302
    [call] = apis.calls("attestation", "PUT", "/products/pr-1/attestation-templates")
    assert json.loads(call.body) == [
        {"template_id": "t-1", "extranet_title": "Attestation habitation"},
        {"template_id": "t-2", "extranet_title": None},
    ]


def test_the_unknown_tags_of_a_template_get_their_labels_and_defaults(client, apis):
    sign_in(client, "admin")
    apis.answer("documents", "GET", "/templates/t-2", body={"id": "t-2", "name": "Évènement", "version": 1})
    apis.answer(
        "documents",
        "GET",
        "/templates/t-2/fields",
        body={"fields": [{"name": "contract.number", "source": "entity"}, {"name": "motif", "source": "input"}]},
    )
    apis.answer("documents", "PUT", "/templates/t-2/fields", body={"fields": []})
    page = client.get("/crm/admin/templates/t-2").get_data(as_text=True)
    assert "contract.number" in page and 'name="label-motif"' in page
    token = csrf_token(client, "/crm/admin/templates/t-2")
    client.post(
        "/crm/admin/templates/t-2",
        data={"csrf_token": token, "input": "motif", "label-motif": "Motif", "default-motif": "Fête"},
    )
    [call] = apis.calls("documents", "PUT", "/templates/t-2/fields")
    assert json.loads(call.body) == {"fields": [{"name": "motif", "label": "Motif", "default": "Fête"}]}


def test_a_contributor_invitation_shows_what_is_provided_and_what_is_missing(client, apis):
    sign_in(client, "agent")
    script_dossier(apis, solicitations=[])
    rental = {
        **MODEL,
        "pieces": [
            {"code": "gid", "label": "Pièce d'identité", "role": "guarantor", "required": True},
            {"code": "gtax", "label": "Avis d'imposition", "role": "guarantor", "required": True},
        ],
    }
    apis.answer("dossier", "GET", "/models/m-1", body=rental)
    apis.answer(
        "partner-gateway",
        "GET",
        f"/dossiers/{DOSSIER_ID}/contributors",
        body=page_of(
            [
                {
                    "id": "i-1",
                    "kind": "contributor",
                    "role": "guarantor",
                    "name": "Thomas",
                    "email": "t@x.org",
                    "state": "attached",
                }
            ]
        ),
    )
    apis.answer(
        "dossier",
        "GET",
        f"/dossiers/{DOSSIER_ID}/timeline",
        body=page_of(
            [{"kind": "piece", "visibility": "requester", "details": {"contributor_id": "i-1", "piece_code": "gid"}}]
        ),
    )
    page = client.get(f"/crm/dossiers/{DOSSIER_ID}").get_data(as_text=True)
    assert "Fournie: Pièce d&#39;identité" in page
    assert "Manquante: Avis d&#39;imposition</span>" in page


def test_every_crm_and_admin_page_renders(client, apis):
    """Each screen once with the APIs' shapes (a template error would be a 500)."""
    sign_in(client, "admin")
    script_dossier(apis)
    apis.answer("dossier", "GET", "/models", body=page_of([MODEL]))
    apis.answer(
        "attestation",
        "GET",
        "/products",
        body=page_of([{"id": "pr-1", "code": "MRH", "name": "Habitation", "templates": []}]),
    )
    apis.answer(
        "documents",
        "GET",
        "/templates",
        body=page_of([{"id": "t-1", "name": "Habitation", "type": "attestation", "entity": "contract", "version": 1}]),
    )
    apis.answer(
        "notification",
        "GET",
        "/rules",
        body=page_of(
            [
                {
                    "id": "builtin:portal_request",
                    "name": "portal_request",
                    "builtin": True,
                    "enabled": False,
                    "event_types": ["dossier.created"],
                    "recipients": {"groups": ["portal_requests"]},
                },
                {
                    "id": "r-1",
                    "name": "Travaux",
                    "builtin": False,
                    "event_type": "dossier.created",
                    "filters": {"origin": "portal"},
                    "recipients": {"addresses": ["a@example.org"], "roles": ["agent"]},
                    "channel": "email",
                },
            ]
        ),
    )
    apis.answer(
        "notification",
        "GET",
        "/contacts",
        body=page_of([{"id": "c-1", "email": "a@example.org", "groups": ["portal_requests"]}]),
    )
    apis.answer("dossier", "GET", "/categories", body={"items": [{"code": "works", "label": "Travaux"}]})
    apis.answer(
        "attestation",
        "GET",
        "/validation-tasks",
        body=page_of([{"id": "t-1", "state": "open", "due_date": "2026-12-10", "created_at": "2026-12-01T10:00:00Z"}]),
    )
    apis.answer("dossier", "GET", "/classification-rules", body={"items": []})
    apis.answer("partner-gateway", "GET", "/solicitations/s-1", body=SOLICITATIONS[0])
    apis.answer(
        "partner-gateway",
        "GET",
        "/solicitations/s-1/history",
        body=[{"version": 1, "verdict": "reserved", "submitted": True, "values": {"x": 1}}],
    )
    for path in (
        "/crm/admin/models",
        "/crm/admin/models/new",
        "/crm/admin/models/m-1",
        "/crm/admin/products",
        "/crm/admin/notifications",
        "/crm/admin/categories",
        "/crm/admin/partners",
        "/crm/validation-tasks",
        f"/crm/dossiers/{DOSSIER_ID}/solicitations/s-1/history",
        "/crm/",
    ):
        if path == "/crm/":
            apis.answer("partner-gateway", "GET", "/me/solicitations", body=EMPTY)
        response = client.get(path)
        assert response.status_code == 200, (path, response.get_data(as_text=True)[-1500:])
    rules = client.get("/crm/admin/notifications").get_data(as_text=True)
    assert "désactivée" in rules and "Activer" in rules  # the built-in rule switched off, and how to switch it on


def test_the_model_editor_keeps_the_partner_filing_and_invitation_settings(client, apis):
    # A PUT replaces the whole model: a setting the editor did not send would fall back to its default.
    sign_in(client, "admin")
    filing = {
        **MODEL,
        "partners_can_file": True,
        "filer_access_until": "closing",
        "invitations_sent_automatically": False,
        "invitation_text": "Merci de fournir vos pièces.",
    }
    apis.answer("dossier", "GET", "/models/m-1", body=filing)
    page = client.get("/crm/admin/models/m-1").get_data(as_text=True)
    assert 'id="c-partners_can_file" name="partners_can_file" value="on" checked' in page
    assert '<option value="closing" selected>' in page and "Merci de fournir vos pièces." in page
    apis.answer("dossier", "PUT", "/models/m-1", body={**filing, "version": 2, "partners_can_file": False})
    form = _model_form(
        client,
        partners_can_file="on",
        filer_access_until="closing",
        invitation_text="Merci de fournir vos pièces.",
    )
    client.post("/crm/admin/models/m-1", data=form)
    body = json.loads(apis.calls("dossier", "PUT", "/models/m-1")[0].body)
    assert body["partners_can_file"] is True and body["filer_access_until"] == "closing"
    assert body["invitations_sent_automatically"] is False  # unticked in the form
    assert body["invitation_text"] == "Merci de fournir vos pièces."
    page = client.post("/crm/admin/models/m-1", data=_model_form(client, filer_access_until="closing")).get_data(
        as_text=True
    )
    assert "les partenaires peuvent déposer pour autrui : True → False" in page  # what the new version changed


INTERNAL = {
    "id": "p-2",
    "name": "Nadia Rousseau",
    "email": "nadia@example.org",
    "kind": "internal",
    "agent_sub": "nadia",
}


def test_the_assignee_filter_offers_the_staff_members_and_passes_the_chosen_one(client, apis):
    sign_in(client, "agent")
    listed = {**DOSSIER, "assignee_sub": "paul", "assignee_email": "paul@example.org"}
    apis.answer("dossier", "GET", "/dossiers", body=page_of([listed]))
    apis.answer("dossier", "GET", "/models", body=page_of([MODEL]))
    apis.answer("dossier", "GET", "/categories", body={"items": []})
    apis.answer("partner-gateway", "GET", "/partners", body=page_of([INTERNAL]))
    response = client.get("/crm/dossiers?assignee=nadia")
    page = response.get_data(as_text=True)
    assert "GET dossier /dossiers?assignee=nadia" in response.headers["Server-Timing"]
    assert '<option value="nadia" selected>Nadia Rousseau</option>' in page  # an internal partner's agent
    assert '<option value="paul" >paul@example.org</option>' in page  # whoever a listed dossier is assigned to
    assert 'value="me"' in page
    assert "GET partner-gateway /partners?kind=internal" in response.headers["Server-Timing"]


def test_a_dossier_is_assigned_to_a_colleague_with_their_email_and_nobody_else(client, apis):
    sign_in(client, "agent")
    script_dossier(apis)
    apis.answer("partner-gateway", "GET", "/partners", body=page_of([PARTNER, INTERNAL]))
    apis.answer("dossier", "PATCH", f"/dossiers/{DOSSIER_ID}", body=DOSSIER)
    page = client.get(f"/crm/dossiers/{DOSSIER_ID}").get_data(as_text=True)
    assert (
        'id="assign-to"' in page
        and '<option value="nadia"' in page
        and 'value="p-1"' not in page.split('id="assign-to"')[1].split("</select>")[0]
    )
    token = csrf_token(client, f"/crm/dossiers/{DOSSIER_ID}")
    response = client.post(f"/crm/dossiers/{DOSSIER_ID}/assign", data={"csrf_token": token, "assignee": "nadia"})
    assert response.status_code == 302
    assert json.loads(apis.calls("dossier", "PATCH", f"/dossiers/{DOSSIER_ID}")[0].body) == {
        "assignee_sub": "nadia",
        "assignee_email": "nadia@example.org",
    }
    response = client.post(f"/crm/dossiers/{DOSSIER_ID}/assign", data={"csrf_token": token, "assignee": "someone"})
    assert response.status_code == 422 and len(apis.calls("dossier", "PATCH", f"/dossiers/{DOSSIER_ID}")) == 1


def test_an_admin_replaces_the_categories_in_order_and_reads_why_one_cannot_be_removed(client, apis):
    sign_in(client, "admin")
    current = [{"code": "works", "label": "Travaux"}, {"code": "litigation", "label": "Contentieux"}]
    apis.answer("dossier", "GET", "/categories", body={"items": current})
    apis.answer(
        "dossier",
        "GET",
        "/classification-rules",
        body={
            "items": [{"id": "r-1", "name": "Litiges", "category": "litigation", "keywords": ["litige"], "position": 1}]
        },
    )
    page = client.get("/crm/admin/categories").get_data(as_text=True)
    assert 'value="litigation"' in page and "Litiges" in page and "litige" in page
    token = csrf_token(client, "/crm/admin/categories")
    apis.answer("dossier", "PUT", "/categories", body={"items": current})
    form = {
        "csrf_token": token,
        "cat-0-code": "works",
        "cat-0-label": "Travaux",
        "cat-1-code": "",
        "cat-1-label": "",
        "cat-2-code": "ip",
        "cat-2-label": "Propriété intellectuelle",
    }
    assert client.post("/crm/admin/categories", data=form).status_code == 302
    assert json.loads(apis.calls("dossier", "PUT", "/categories")[0].body) == [
        {"code": "works", "label": "Travaux"},
        {"code": "ip", "label": "Propriété intellectuelle"},
    ]
    apis.answer(
        "dossier",
        "PUT",
        "/categories",
        422,
        problem(
            422,
            "Unprocessable",
            "In use.",
            {"litigation": ["A classification rule uses it."], "1": {"label": ["Shorter."]}},
        ),
    )
    response = client.post("/crm/admin/categories", data=form)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "A classification rule uses it." in page.split('id="categories-errors"')[1].split("</div>")[0]
    assert 'aria-describedby="1-label-error"' in page and 'value="Propriété intellectuelle"' in page  # kept, row 1


def test_the_categories_screen_is_for_admins(client, apis):
    sign_in(client, "agent")
    assert client.get("/crm/admin/categories").status_code == 403
