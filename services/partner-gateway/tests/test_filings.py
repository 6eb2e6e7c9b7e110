"""Issue 14, section 1: a partner files a dossier on behalf of another person. A model flag allows it (403
otherwise); the person gets a key to claim it (409 once used) and becomes the client; until then the filer
completes and submits; the filer's access lasts until submission or closing, as the model says; audited."""

from __future__ import annotations

from gateway_world import MODEL

from platform_shared.testing.unit import bearer, outbox_events

FILING_MODEL = {**MODEL, "id": "model-filing", "partners_can_file": True, "filer_access_until": "submission"}
UNTIL_CLOSING = {**FILING_MODEL, "id": "model-filing-closing", "filer_access_until": "closing"}
PERSON = {"name": "Jean Citoyen", "email": "jean@home.example"}


def filer(world, sub="partner-sonia"):
    return bearer(world.settings, "partner", sub, name="Sonia Social", email="sonia@ccas.example", org="ccas")


def file(world, headers, model=FILING_MODEL, **changes):
    world.upstream.models[model["id"]] = model
    body = {"model_id": model["id"], "title": "Aide au logement", "fields": {"site_name": "Lyon"}, "person": PERSON}
    return world.client.post("/api/v1/filings", json={**body, **changes}, headers=headers)


def filed(world, headers, **changes) -> dict:
    response = file(world, headers, **changes)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def claim_key(world) -> str:
    from platform_shared.messaging.sealed import unseal

    [event] = outbox_events(world.db, "filing.created")
    return unseal(event.data["sealed_key"], world.settings.event_secret_key)


def test_a_partner_files_on_behalf_and_the_person_gets_a_claim_key(world):
    headers = filer(world)
    filing = filed(world, headers)
    assert (filing["state"], filing["claimed"], filing["access_until"]) == ("draft", False, "submission")
    assert filing["person"]["email"] == "jean@home.example"
    [sent] = world.upstream.filings
    assert sent["filer"] == {
        "sub": "partner-sonia",
        "name": "Sonia Social",
        "email": "sonia@ccas.example",
        "organisation": "ccas",
    }
    [event] = outbox_events(world.db, "filing.created")
    assert event.data["person_email"] == "jean@home.example" and event.data["sealed_key"]
    audit = world.client.get(f"/api/v1/dossiers/{filing['dossier_id']}/audit", headers=world.agent).get_json()
    [entry] = [item for item in audit["items"] if item["action"] == "dossier.filed_on_behalf"]
    assert (entry["actor_sub"], entry["details"]["on_behalf_of"]) == ("partner-sonia", "jean@home.example")


def test_bad_filings(world):
    headers = filer(world)
    assert file(world, headers, model=MODEL).status_code == 403
    unknown = file(world, headers, person={**PERSON, "birthday": "1970-01-01"})
    assert unknown.status_code == 422 and "person" in unknown.get_json()["errors"]
    assert file(world, headers, person={"name": "No email"}).status_code == 422
    assert file(world, headers, fields={"budget": 3}).status_code == 422
    assert world.client.post("/api/v1/filings", json={}, headers=world.agent).status_code == 403
    assert outbox_events(world.db, "filing.created") == []


def test_the_person_claims_it_once_and_from_then_on_the_filer_cannot_change_it(world, settings):
    headers = filer(world)
    filing = filed(world, headers)
    key = claim_key(world)
    jean = bearer(settings, "client", "client-jean", email="jean@home.example", name="Jean Citoyen")
    partner = bearer(settings, "partner", "partner-other")
    assert world.attach(key, "partner-other", headers=partner).status_code == 403
    claimed = world.attach(key, "client-jean", headers=jean)
    assert claimed.status_code == 200, claimed.get_json()
    assert claimed.get_json() == {"kind": "filing", "id": filing["id"], "dossier_id": filing["dossier_id"]}
    [event] = outbox_events(world.db, "filing.claimed")
    assert (event.data["client_sub"], event.data["dossier_id"]) == ("client-jean", filing["dossier_id"])
    again = bearer(settings, "client", "client-other")
    assert world.attach(key, "client-other", headers=again).status_code == 409
    url = f"/api/v1/me/filings/{filing['id']}"
    assert world.client.patch(url, json={"fields": {"site_name": "Paris"}}, headers=headers).status_code == 409
    assert world.client.post(f"{url}/submit", headers=headers).status_code == 409
    assert world.client.get(url, headers=headers).status_code == 200  # still reads it: not submitted, not closed


def test_a_client_key_opens_only_a_filing(world, settings):
    solicitation = world.solicit(world.dossier())
    client_account = bearer(settings, "client", "client-x")
    assert world.attach(solicitation["access_key"], "client-x", headers=client_account).status_code == 404


def test_the_filer_completes_then_submits_and_their_access_ends_at_submission(world):
    headers = filer(world)
    filing = filed(world, headers, fields={})
    url = f"/api/v1/me/filings/{filing['id']}"
    assert world.client.post(f"{url}/submit", headers=headers).status_code == 422
    completed = world.client.patch(url, json={"fields": {"site_name": "Lyon"}}, headers=headers)
    assert completed.status_code == 200, completed.get_json()
    assert completed.get_json()["dossier"]["fields"] == {"site_name": "Lyon"}
    assert world.client.get("/api/v1/me/filings", headers=headers).get_json()["items"][0]["id"] == filing["id"]
    submitted = world.client.post(f"{url}/submit", headers=headers)
    assert submitted.status_code == 200 and submitted.get_json()["state"] == "submitted"
    assert world.client.get(url, headers=headers).status_code == 404
    assert world.client.get("/api/v1/me/filings", headers=headers).get_json()["items"] == []
    actions = [
        item["action"]
        for item in world.client.get(f"/api/v1/dossiers/{filing['dossier_id']}/audit", headers=world.agent).get_json()[
            "items"
        ]
    ]
    assert {"dossier.filed_on_behalf", "filing.completed", "filing.submitted"} <= set(actions)


def test_with_access_until_closing_the_filer_reads_it_after_submission_until_it_closes(world):
    headers = filer(world)
    filing = filed(world, headers, model=UNTIL_CLOSING)
    assert filing["access_until"] == "closing"
    url = f"/api/v1/me/filings/{filing['id']}"
    assert world.client.post(f"{url}/submit", headers=headers).status_code == 200
    assert world.client.get(url, headers=headers).status_code == 200
    world.close(filing["dossier_id"])
    assert world.client.get(url, headers=headers).status_code == 404


def test_another_partner_never_sees_my_filing(world):
    filing = filed(world, filer(world))
    other = filer(world, "partner-other")
    assert world.client.get(f"/api/v1/me/filings/{filing['id']}", headers=other).status_code == 404
    assert world.client.post(f"/api/v1/me/filings/{filing['id']}/submit", headers=other).status_code == 404
