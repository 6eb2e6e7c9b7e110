"""Issue 14: a partner files a dossier on behalf of another person through the partner-gateway (service token):
models with ``partners_can_file`` only (403), the portal view's values (422 otherwise), the person as the
client, "filed by X on behalf of Y" for staff, the claim making it the person's own."""

import pytest

from dossier.handlers import handlers
from platform_shared.testing.unit import deliver, outbox_events


@pytest.fixture(autouse=True)
def _sample(model_body):
    global sample_model
    sample_model = model_body


sample_model = None
FILER = {"sub": "partner-sw", "name": "Sonia Social", "email": "sonia@social.example", "organisation": "CCAS"}
PERSON = {"name": "Jean Citoyen", "email": "jean@home.example", "company": None}


def filing_model(client, as_admin, **changes):
    response = client.post(
        "/api/v1/models",
        json=sample_model(partners_can_file=True, filer_access_until="closing", **changes),
        headers=as_admin,
    )
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def file(client, as_service, model_id, **changes):
    body = {
        "model_id": model_id,
        "title": "Aide au logement",
        "fields": {"site_name": "Lyon"},
        "person": PERSON,
        "filer": FILER,
        **changes,
    }
    return client.post("/api/v1/dossiers/on-behalf", json=body, headers=as_service)


def test_the_model_says_whether_partners_may_file_and_for_how_long_they_keep_access(client, as_admin, as_service):
    model = filing_model(client, as_admin)
    assert (model["partners_can_file"], model["filer_access_until"]) == (True, "closing")
    plain = client.post("/api/v1/models", json=sample_model(), headers=as_admin).get_json()
    assert (plain["partners_can_file"], plain["filer_access_until"]) == (False, "submission")
    assert plain["invitations_sent_automatically"] is True and plain["invitation_text"] == ""
    refused = file(client, as_service, plain["id"])
    assert refused.status_code == 403 and refused.mimetype == "application/problem+json"
    bad = client.post("/api/v1/models", json=sample_model(filer_access_until="forever"), headers=as_admin)
    assert bad.status_code == 422


def test_a_filed_dossier_names_the_person_as_client_and_staff_read_who_filed_it(
    client, as_admin, as_service, as_agent, db
):
    model = filing_model(client, as_admin)
    response = file(client, as_service, model["id"])
    assert response.status_code == 201, response.get_json()
    filed = response.get_json()
    assert filed["filer_access_until"] == "closing" and filed["fields"]["site_name"] == "Lyon"
    staff = client.get(f"/api/v1/dossiers/{filed['id']}", headers=as_agent).get_json()
    assert staff["origin"] == "partner" and staff["client_sub"] is None
    assert (staff["client_name"], staff["client_email"]) == ("Jean Citoyen", "jean@home.example")
    assert staff["filed_by"] == {"sub": "partner-sw", "name": "Sonia Social", "organisation": "CCAS"}
    assert staff["filed_on_behalf"] == "Filed by Sonia Social (CCAS) on behalf of Jean Citoyen"
    [event] = outbox_events(db, "dossier.created")
    assert event.data["filed_by"]["sub"] == "partner-sw" and event.data["origin"] == "partner"
    timeline = client.get(f"/api/v1/dossiers/{filed['id']}/timeline", headers=as_agent).get_json()["items"]
    assert timeline[0]["summary"] == "Filed by Sonia Social (CCAS) on behalf of Jean Citoyen"


def test_bad_filings_are_refused_and_nothing_is_created(client, as_admin, as_service, as_agent):
    model = filing_model(client, as_admin)
    unknown_person_field = file(client, as_service, model["id"], person={**PERSON, "age": 40})
    crm_only_field = file(client, as_service, model["id"], fields={"risk_score": 3})
    missing_email = file(client, as_service, model["id"], person={"name": "X"})
    for response in (unknown_person_field, crm_only_field, missing_email):
        assert response.status_code == 422 and response.mimetype == "application/problem+json"
    assert client.get("/api/v1/dossiers?origin=partner", headers=as_agent).get_json()["items"] == []


def test_the_filer_completes_and_submits_only_with_every_required_field(client, as_admin, as_service):
    model = filing_model(client, as_admin)
    filed = file(client, as_service, model["id"], fields={}).get_json()
    url = f"/api/v1/dossiers/{filed['id']}"
    submit = client.post(f"{url}/on-behalf-submit", json={"filer": FILER}, headers=as_service)
    assert submit.status_code == 422 and "site_name" in submit.get_json()["errors"]["fields"]
    assert (
        client.patch(f"{url}/on-behalf-values", json={"fields": {"budget": 3}}, headers=as_service).status_code == 422
    )
    done = client.patch(f"{url}/on-behalf-values", json={"fields": {"site_name": "Lyon"}}, headers=as_service)
    assert done.status_code == 200 and done.get_json()["fields"]["site_name"] == "Lyon"
    assert client.post(f"{url}/on-behalf-submit", json={"filer": FILER}, headers=as_service).status_code == 200
    assert client.get(f"{url}/portal-view", headers=as_service).get_json()["fields"]["site_name"] == "Lyon"


def test_the_claim_makes_the_dossier_the_persons_own(client, as_admin, as_service, settings, db):
    from platform_shared.testing.unit import bearer

    model = filing_model(client, as_admin)
    filed = file(client, as_service, model["id"]).get_json()
    jean = bearer(settings, "client", "client-jean", email="jean@home.example")
    assert client.get(f"/api/v1/dossiers/{filed['id']}", headers=jean).status_code == 404
    deliver(
        db,
        "dossier",
        handlers(settings),
        "filing.claimed",
        {"dossier_id": filed["id"], "client_sub": "client-jean", "client_email": "jean@home.example"},
        producer="partner-gateway",
        actor={"sub": "client-jean", "role": "client"},
    )
    mine = client.get(f"/api/v1/dossiers/{filed['id']}", headers=jean)
    assert mine.status_code == 200
    assert filed["id"] in [item["id"] for item in client.get("/api/v1/dossiers", headers=jean).get_json()["items"]]


def test_filing_routes_are_for_services_only(client, as_admin, as_agent, as_partner, as_client):
    model = filing_model(client, as_admin)
    for headers in (as_agent, as_partner, as_client):
        assert file(client, headers, model["id"]).status_code == 403
