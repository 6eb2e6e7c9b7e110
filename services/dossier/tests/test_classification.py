"""Portal requests classified by admin rules (keywords in the title, the description and chosen fields), staff
seeing why and changing it, categories shown by their label, and the requester's name and company."""

import pytest

from dossier import handlers
from dossier.domain.classification import ClassificationRule, classify
from platform_shared.testing.unit import bearer, deliver, outbox_events

CATEGORIES = [
    {"code": "corporate", "label": "Corporate"},
    {"code": "litigation", "label": "Contentieux"},
    {"code": "ip", "label": "Propriété intellectuelle"},
]


def rule(**changes):
    return ClassificationRule(
        **{"id": "r", "name": "IP", "category": "ip", "keywords": ("brevet", "contrefacon"), **changes}
    )


def test_keywords_match_word_starts_whatever_the_case_and_accents():
    match = classify([rule()], kind="dossier", title="Nos BREVETS copiés", description="", values={})
    assert (match.category, match.keyword, match.found_in) == ("ip", "brevet", "title")
    assert classify([rule()], kind="dossier", title="x", description="Une contrefaçon", values={}).keyword == (
        "contrefacon"
    )
    assert classify([rule()], kind="dossier", title="Abrevet", description="", values={}) is None


def test_chosen_fields_are_searched_and_other_fields_are_not():
    with_field = rule(fields=("subject",))
    found = classify([with_field], kind="dossier", title="x", description="", values={"subject": "Brevet"})
    assert found.found_in == "fields.subject"
    assert classify([rule()], kind="dossier", title="x", description="", values={"subject": "Brevet"}) is None


def test_the_first_matching_rule_applying_to_the_kind_wins():
    contracts_only = rule(id="c", name="Contracts", category="corporate", kinds=("contract",))
    rules = [contracts_only, rule(id="l", name="Litigation", category="litigation", keywords=("brevet",))]
    assert classify(rules, kind="dossier", title="brevet", description="", values={}).rule_id == "l"
    assert classify(rules, kind="contract", title="brevet", description="", values={}).rule_id == "c"


@pytest.fixture
def configured(client, as_admin):
    assert client.put("/api/v1/categories", json=CATEGORIES, headers=as_admin).status_code == 200
    response = client.post(
        "/api/v1/classification-rules",
        json={"name": "Disputes", "category": "litigation", "keywords": ["impayé", "mise en demeure"], "position": 1},
        headers=as_admin,
    )
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def submit(client, headers, model_id, **body):
    payload = {"kind": "dossier", "model_id": model_id, "title": "Question", "fields": {"site_name": "Dock"}}
    return client.post("/api/v1/requests", json={**payload, **body}, headers=headers)


def test_a_portal_request_is_classified_by_the_rule_it_matches_and_staff_see_why(
    client, configured, model_id, as_client, as_agent, db
):
    body = submit(client, as_client, model_id, description="Trois factures impayées par Acme").get_json()
    assert (body["category"], body["category_label"]) == ("litigation", "Contentieux")
    assert "classification" not in body  # the requester does not see the rules
    staff = client.get(f"/api/v1/dossiers/{body['id']}", headers=as_agent).get_json()
    assert staff["classification"] == {
        "source": "rule",
        "rule_id": configured["id"],
        "rule_name": "Disputes",
        "keyword": "impayé",
        "found_in": "description",
    }
    (event,) = outbox_events(db, "dossier.created")
    assert (event.data["category"], event.data["category_label"]) == ("litigation", "Contentieux")
    listed = client.get("/api/v1/dossiers?category=litigation", headers=as_agent).get_json()["items"]
    assert [(item["id"], item["category_label"]) for item in listed] == [(body["id"], "Contentieux")]


def test_a_request_no_rule_matches_keeps_its_models_category(client, configured, model_id, as_client, as_agent):
    body = submit(client, as_client, model_id, title="Bail commercial").get_json()
    assert (body["category"], body["category_label"]) == ("corporate", "Corporate")
    assert client.get(f"/api/v1/dossiers/{body['id']}", headers=as_agent).get_json()["classification"] == {
        "source": "model"
    }


def test_a_dossier_staff_create_is_not_classified_by_the_rules(client, configured, model_id, as_agent):
    response = client.post(
        "/api/v1/dossiers",
        json={
            "model_id": model_id,
            "title": "Facture impayée",
            "client_sub": "client-bob",
            "fields": {"site_name": "x"},
        },
        headers=as_agent,
    )
    assert response.get_json()["category"] == "corporate"


def test_staff_change_the_category_to_a_configured_one_and_it_is_recorded(
    client, configured, model_id, as_client, as_agent, db
):
    body = submit(client, as_client, model_id, title="Facture impayée").get_json()
    path = f"/api/v1/dossiers/{body['id']}"
    unknown = client.patch(path, json={"category": "tax"}, headers=as_agent)
    assert unknown.status_code == 422 and "category" in unknown.get_json()["errors"]
    assert client.patch(path, json={"category": "ip"}, headers=as_client).status_code == 422  # staff only
    changed = client.patch(path, json={"category": "ip"}, headers=as_agent).get_json()
    assert (changed["category"], changed["category_label"]) == ("ip", "Propriété intellectuelle")
    assert changed["classification"] == {"source": "staff", "changed_by": "agent-alice", "previous": "litigation"}
    (event,) = outbox_events(db, "dossier.updated")
    assert event.data == {
        "dossier_id": body["id"],
        "changed_fields": ["category"],
        "category": "ip",
        "category_label": "Propriété intellectuelle",
    }


def test_a_rule_naming_an_unknown_category_is_422_and_nothing_is_saved(client, configured, as_admin, as_agent):
    body = {"name": "Tax", "category": "tax", "keywords": ["impôt"]}
    refused = client.post("/api/v1/classification-rules", json=body, headers=as_admin)
    assert refused.status_code == 422 and "category" in refused.get_json()["errors"]
    replaced = client.put(f"/api/v1/classification-rules/{configured['id']}", json=body, headers=as_admin)
    assert replaced.status_code == 422
    rules = client.get("/api/v1/classification-rules", headers=as_agent).get_json()["items"]
    assert [(item["name"], item["category"]) for item in rules] == [("Disputes", "litigation")]


def test_a_category_a_rule_uses_cannot_be_removed_nor_listed_twice(client, configured, as_admin):
    without_litigation = [item for item in CATEGORIES if item["code"] != "litigation"]
    refused = client.put("/api/v1/categories", json=without_litigation, headers=as_admin)
    assert refused.status_code == 422 and "litigation" in refused.get_json()["errors"]["categories"]
    assert client.put("/api/v1/categories", json=CATEGORIES + CATEGORIES[:1], headers=as_admin).status_code == 422
    assert client.delete(f"/api/v1/classification-rules/{configured['id']}", headers=as_admin).status_code == 200
    assert client.put("/api/v1/categories", json=without_litigation, headers=as_admin).status_code == 200


def test_only_admins_configure_categories_and_rules(client, as_agent, as_client):
    assert client.put("/api/v1/categories", json=CATEGORIES, headers=as_agent).status_code == 403
    body = {"name": "x", "category": "corporate", "keywords": ["x"]}
    assert client.post("/api/v1/classification-rules", json=body, headers=as_agent).status_code == 403
    assert client.get("/api/v1/classification-rules", headers=as_client).status_code == 403


def test_staff_see_the_requesters_name_and_company(client, model_id, settings, as_agent, db):
    camille = bearer(
        settings, "client", "client-camille", org="org-7", org_name="Acme SA", name="Camille Martin", locale="en"
    )
    body = submit(client, camille, model_id).get_json()
    staff = client.get(f"/api/v1/dossiers/{body['id']}", headers=as_agent).get_json()
    assert (staff["client_name"], staff["client_org_name"], staff["client_org"]) == (
        "Camille Martin",
        "Acme SA",
        "org-7",
    )
    assert "client_name" not in body
    (event,) = outbox_events(db, "dossier.created")
    assert (event.data["client_name"], event.data["client_org_name"], event.data["client_language"]) == (
        "Camille Martin",
        "Acme SA",
        "en",
    )


def test_a_development_event_carries_the_reference_and_an_excerpt(client, new_dossier, as_agent, db):
    dossier = new_dossier()
    client.post(
        f"/api/v1/dossiers/{dossier['id']}/developments",
        json={"title": "Mise en demeure envoyée", "body": "Acme a 8 jours."},
        headers=as_agent,
    )
    (event,) = outbox_events(db, "dossier.development_added")
    assert (event.data["reference"], event.data["excerpt"]) == (dossier["reference"], "Acme a 8 jours.")


def test_the_requester_sees_on_the_timeline_that_the_contract_request_is_registered(
    client, model_id, as_client, db, settings
):
    body = submit(client, as_client, model_id, kind="contract").get_json()
    deliver(
        db,
        "dossier",
        handlers.handlers(settings),
        "contract.requested",
        {"contract_id": "c-1", "number": body["reference"], "dossier_id": body["id"], "status": "requested"},
        producer="attestation",
    )
    timeline = client.get(f"/api/v1/dossiers/{body['id']}/timeline", headers=as_client).get_json()["items"]
    assert f"Contract request registered in the contracts list: {body['reference']}" in [
        entry["summary"] for entry in timeline
    ]
