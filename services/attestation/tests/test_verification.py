"""Attestations anyone can verify: the printed code (only its hash kept), the validity period, the public
answer (valid, expired, revoked, unknown), revocation, and the rate limit per client address."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text

from attestation.app import create_app
from platform_shared import clock
from platform_shared.testing.unit import outbox_events

CODE_SHAPE = r"^([0-9A-HJKMNP-TV-Z]{4}-){6}[0-9A-HJKMNP-TV-Z]{4}$"


def ask(client, headers, contract_id, db, settings, run_job):
    """A request, then the worker's job that renders it; the request as it is then."""
    body = client.post("/api/v1/attestation-requests", json={"contract_id": contract_id}, headers=headers).get_json()
    run_job(db, settings)
    return client.get(f"/api/v1/attestation-requests/{body['id']}", headers=headers).get_json()


@pytest.fixture
def issued(client, world, documents, db, settings, as_client, run_job):
    product = world.product([{"template_id": documents.add_template()}])
    contract = world.contract(product["id"])
    body = ask(client, as_client, contract["id"], db, settings, run_job)
    assert body["state"] == "issued"
    verification = documents.renders[-1]["context"]["verification"]
    return {"request": body, "contract": contract, "product": product, **verification}


def verify(client, code, **headers):
    return client.get(f"/api/v1/verifications/{code}", headers=headers)


def test_an_issued_attestation_prints_a_code_and_its_url_and_only_the_codes_hash_is_kept(issued, db, settings):
    import re

    assert re.match(CODE_SHAPE, issued["code"])
    assert issued["url"] == f"{settings.verification_base_url}/{issued['code'].replace('-', '')}"
    assert (issued["valid_from"], issued["valid_until"]) == ("23/11/2026", "22/11/2027")
    with db.read_only() as session:
        dump = str(session.execute(text("SELECT * FROM attestation_requests")).all())
        outbox = str(session.execute(text("SELECT payload FROM outbox")).all())
    for hidden in (issued["code"], issued["code"].replace("-", "")):
        assert hidden not in dump and hidden not in outbox


def test_anyone_verifies_a_valid_attestation_without_logging_in(client, issued):
    response = verify(client, issued["code"].lower().replace("-", ""))
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    assert response.get_json() == {
        "status": "valid",
        "holder": "Bob Martin",
        "contract_number": issued["contract"]["number"],
        "valid_from": "2026-11-23",
        "valid_until": "2027-11-22",
        "checked_on": "2026-11-23",
    }


def test_an_attestation_past_its_validity_is_expired(client, issued):
    with clock.frozen_at(datetime(2027, 11, 23, 9, 0, tzinfo=UTC)):
        body = verify(client, issued["code"]).get_json()
    assert body["status"] == "expired" and body["valid_until"] == "2027-11-22"


def test_validity_is_the_products_setting_and_never_passes_the_contracts_end(
    client, world, documents, db, settings, as_client, as_admin, as_agent, run_job
):
    product = world.product([{"template_id": documents.add_template()}])
    response = client.patch(
        f"/api/v1/products/{product['id']}", json={"attestation_validity_days": 30}, headers=as_admin
    )
    assert response.status_code == 200 and response.get_json()["attestation_validity_days"] == 30
    short = world.contract(product["id"])
    ask(client, as_client, short["id"], db, settings, run_job)
    assert documents.renders[-1]["context"]["verification"]["valid_until"] == "22/12/2026"
    ending = world.contract(product["id"])
    client.patch(f"/api/v1/contracts/{ending['id']}", json={"end_date": "2026-12-01"}, headers=as_agent)
    body = ask(client, as_client, ending["id"], db, settings, run_job)
    assert body["valid_until"] == "2026-12-01"


def test_revoked_and_unknown_codes_answer_alike_but_for_their_status(client, issued, as_agent, db):
    response = client.post(
        f"/api/v1/attestation-requests/{issued['request']['id']}/revoke",
        json={"reason": "Contrat résilié pour fausse déclaration"},
        headers=as_agent,
    )
    assert response.status_code == 200 and response.get_json()["revoked"] is True
    revoked = verify(client, issued["code"])
    unknown = verify(client, "7KQ2-M9XD-0000-1111-ABCD-EFGH-JKMN")
    assert revoked.status_code == unknown.status_code == 200
    assert revoked.headers["Content-Type"] == unknown.headers["Content-Type"]
    revoked_body, unknown_body = revoked.get_json(), unknown.get_json()
    assert (revoked_body.pop("status"), unknown_body.pop("status")) == ("revoked", "unknown")
    assert (
        revoked_body
        == unknown_body
        == {
            "holder": None,
            "contract_number": None,
            "valid_from": None,
            "valid_until": None,
            "checked_on": "2026-11-23",
        }
    )


def test_revoking_tells_the_client_and_happens_once(client, issued, as_agent, as_client, db):
    path = f"/api/v1/attestation-requests/{issued['request']['id']}/revoke"
    assert client.post(path, json={"reason": "x"}, headers=as_client).status_code == 403
    assert client.post(path, json={}, headers=as_agent).status_code == 422
    assert client.post(path, json={"reason": "Fraude"}, headers=as_agent).status_code == 200
    again = client.post(path, json={"reason": "Fraude"}, headers=as_agent)
    assert again.status_code == 409
    (event,) = outbox_events(db, "attestation.revoked")
    assert event.data["reason"] == "Fraude" and event.data["client_sub"] == "client-bob"
    assert event.data["contract_number"] == issued["contract"]["number"]
    read = client.get(f"/api/v1/attestation-requests/{issued['request']['id']}", headers=as_client).get_json()
    assert read["revoked"] is True and read["message"] == "Cette attestation a été révoquée."


def test_an_attestation_awaiting_validation_is_unknown_until_approved(
    client, world, documents, db, settings, as_client, as_agent, run_job
):
    product = world.product([{"template_id": documents.add_template()}])
    world.validation(product["id"], subs=("agent-alice",))
    contract = world.contract(product["id"])
    body = ask(client, as_client, contract["id"], db, settings, run_job)
    code = documents.renders[-1]["context"]["verification"]["code"]
    assert verify(client, code).get_json()["status"] == "unknown"
    revoke = client.post(f"/api/v1/attestation-requests/{body['id']}/revoke", json={"reason": "x"}, headers=as_agent)
    assert revoke.status_code == 409
    (task,) = client.get("/api/v1/validation-tasks", headers=as_agent).get_json()["items"]
    client.post(f"/api/v1/validation-tasks/{task['id']}/approve", json={}, headers=as_agent)
    assert verify(client, code).get_json()["status"] == "valid"


@pytest.fixture
def limited(settings, db):
    app = create_app(settings.replace(verification_rate_limit=3, verification_rate_window_seconds=60), db)
    return app.test_client()


def test_verifications_are_limited_per_client_address_with_retry_after(limited):
    one = {"REMOTE_ADDR": "203.0.113.7"}
    for _ in range(3):
        assert limited.get("/api/v1/verifications/NOPE", environ_base=one).status_code == 200
    refused = limited.get("/api/v1/verifications/NOPE", environ_base=one)
    assert refused.status_code == 429 and refused.mimetype == "application/problem+json"
    assert 1 <= int(refused.headers["Retry-After"]) <= 60
    assert limited.get("/verify/NOPE", environ_base=one).status_code == 429  # the page counts too
    assert limited.get("/api/v1/verifications/NOPE", environ_base={"REMOTE_ADDR": "203.0.113.8"}).status_code == 200
    with clock.frozen_at(clock.now() + timedelta(seconds=61)):
        assert limited.get("/api/v1/verifications/NOPE", environ_base=one).status_code == 200


def test_behind_a_trusted_proxy_the_forwarded_address_is_the_client(settings, db):
    app = create_app(settings.replace(verification_rate_limit=1, trusted_proxy_hops=1), db)
    proxied = app.test_client()
    proxy = {"REMOTE_ADDR": "10.0.0.2"}
    first = proxied.get("/api/v1/verifications/X", environ_base=proxy, headers={"X-Forwarded-For": "198.51.100.1"})
    other = proxied.get("/api/v1/verifications/X", environ_base=proxy, headers={"X-Forwarded-For": "198.51.100.2"})
    again = proxied.get("/api/v1/verifications/X", environ_base=proxy, headers={"X-Forwarded-For": "198.51.100.1"})
    assert (first.status_code, other.status_code, again.status_code) == (200, 200, 429)


def test_past_rate_limit_windows_are_purged_by_the_worker_job(limited, db, settings):
    from attestation.jobs import purge_verification_hits

    limited.get("/api/v1/verifications/NOPE")
    with clock.frozen_at(clock.now() + timedelta(seconds=200)):
        purge_verification_hits(db, settings)
    with db.read_only() as session:
        assert session.execute(text("SELECT count(*) FROM verification_hits")).scalar_one() == 0


def test_the_verification_page_is_french_by_default_english_on_demand_and_self_contained(client, issued):
    compact = issued["code"].replace("-", "")
    french = client.get(f"/verify/{compact}")
    assert french.status_code == 200 and french.mimetype == "text/html"
    html = french.get_data(as_text=True)
    assert '<html lang="fr">' in html and "Attestation valide" in html and "Bob Martin" in html
    assert "22/11/2027" in html and issued["contract"]["number"] in html
    assert "http://" not in html and "https://" not in html  # no external asset
    assert "default-src 'none'" in french.headers["Content-Security-Policy"]
    assert french.headers["Referrer-Policy"] == "no-referrer"
    english = client.get(f"/verify/{compact}", headers={"Accept-Language": "en-US,en;q=0.9"})
    assert '<html lang="en">' in english.get_data(as_text=True)
    assert "Valid attestation" in english.get_data(as_text=True) and "22 November 2027" in english.get_data(
        as_text=True
    )
    assert '<html lang="en">' in client.get(f"/verify/{compact}?lang=en").get_data(as_text=True)


def test_the_verification_page_says_unknown_and_offers_the_form(client):
    page = client.get("/verify/NOT-A-CODE").get_data(as_text=True)
    assert "Aucune attestation ne correspond à ce code" in page and 'name="code"' in page
    form = client.get("/verify").get_data(as_text=True)
    assert '<label for="code">' in form and 'role="status"' not in form
    typed = client.get("/verify?code=NOT-A-CODE&lang=en").get_data(as_text=True)
    assert "No attestation matches this code" in typed
