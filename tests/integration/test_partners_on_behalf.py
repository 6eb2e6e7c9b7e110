"""Issue 14 over the real platform: a partner files a dossier on behalf of another person (the person claims it
with the key emailed to them and sees it as their own; the filer's access ends as the model says; staff read
"filed by X on behalf of Y"; the audit log has it), and the reminder rules (a partner who cannot act is never
reminded: a status hidden from partners, a closed dossier; each skip comes back with its reason)."""

from __future__ import annotations

from datetime import date, timedelta

from review_model import REVIEW_MODEL
from scenario_helpers import (
    KEY_PATTERN,
    address,
    call,
    create_model,
    key_in_mail,
    mails_to,
    ok,
    settle,
    text_of,
    unique,
)
from scenario_partners_helpers import move

FILING_MODEL = {
    **REVIEW_MODEL,
    "name": "Housing aid",
    "partners_can_file": True,
    "filer_access_until": "submission",
    "fields": [
        {"key": "address", "label": "Address", "type": "text", "required": True},
        {"key": "budget", "label": "Budget", "type": "amount", "financial": True},
    ],
}


def filer_headers(platform, sub: str) -> dict:
    return platform.headers("partner", sub, email=address("social-worker"), name="Sonia Social", org="ccas")


def gateway(platform, method: str, path: str, headers: dict, **kwargs):
    return call(platform, "partner-gateway", method, path, headers, **kwargs)


def test_a_partner_files_for_a_citizen_who_claims_it_and_the_filers_access_ends_at_submission(platform):
    agent = platform.headers("agent", unique("agent"), email=address("agent"))
    model_id = create_model(platform, FILING_MODEL)
    plain_model = create_model(platform, {**REVIEW_MODEL, "name": "No filing"})
    filer = filer_headers(platform, unique("social"))
    person_email = address("citizen")
    body = {
        "model_id": model_id,
        "title": "Aide au logement",
        "fields": {},
        "person": {"name": "Jean Citoyen", "email": person_email},
    }

    assert gateway(platform, "POST", "/filings", filer, json={**body, "model_id": plain_model}).status_code == 403
    unknown = gateway(platform, "POST", "/filings", filer, json={**body, "person": {**body["person"], "age": 4}})
    assert unknown.status_code == 422 and unknown.headers["Content-Type"].startswith("application/problem+json")

    filing = ok(gateway(platform, "POST", "/filings", filer, json=body), 201)
    dossier_id = filing["dossier_id"]
    key = key_in_mail(platform, person_email)

    # Until the person claims it, the filer completes it (the portal view's fields only) and submits it.
    url = f"/me/filings/{filing['id']}"
    assert gateway(platform, "POST", f"{url}/submit", filer).status_code == 422  # the required address is missing
    assert gateway(platform, "PATCH", url, filer, json={"fields": {"budget": 1}}).status_code == 422
    ok(gateway(platform, "PATCH", url, filer, json={"fields": {"address": "3 place Bellecour"}}), 200)
    assert ok(gateway(platform, "GET", url, filer), 200)["dossier"]["fields"]["address"] == "3 place Bellecour"
    ok(gateway(platform, "POST", f"{url}/submit", filer), 200)
    assert gateway(platform, "GET", url, filer).status_code == 404  # the model says: until submission

    # Staff see who filed it for whom; the audit log records the filing and the submission.
    staff = ok(call(platform, "dossier", "GET", f"/dossiers/{dossier_id}", agent), 200)
    assert staff["filed_on_behalf"] == "Filed by Sonia Social (ccas) on behalf of Jean Citoyen"
    assert staff["origin"] == "partner" and staff["client_sub"] is None
    actions = [
        entry["action"] for entry in ok(gateway(platform, "GET", f"/dossiers/{dossier_id}/audit", agent))["items"]
    ]
    assert {"dossier.filed_on_behalf", "filing.completed", "filing.submitted"} <= set(actions)

    # The person claims it with the emailed key and from then on sees it as their own.
    citizen_sub = unique("citizen")
    citizen = platform.headers("client", citizen_sub, email=person_email, name="Jean Citoyen")
    assert call(platform, "dossier", "GET", f"/dossiers/{dossier_id}", citizen).status_code == 404
    claimed = ok(gateway(platform, "POST", "/attach", citizen, json={"key": key}), 200)
    assert claimed == {"kind": "filing", "id": filing["id"], "dossier_id": dossier_id}
    someone = platform.headers("client", unique("someone"))
    assert gateway(platform, "POST", "/attach", someone, json={"key": key}).status_code == 409

    def theirs() -> bool:
        return call(platform, "dossier", "GET", f"/dossiers/{dossier_id}", citizen).status_code == 200

    assert platform.wait_until(theirs, timeout=30), "the claim must make the dossier the person's"
    mine = ok(call(platform, "dossier", "GET", "/dossiers", citizen), 200)["items"]
    assert dossier_id in [item["id"] for item in mine]
    assert ok(call(platform, "dossier", "GET", f"/dossiers/{dossier_id}", citizen))["fields"]["address"] == (
        "3 place Bellecour"
    )
    assert platform.wait_until(
        lambda: (
            "filing.claimed"
            in [
                entry["action"]
                for entry in ok(gateway(platform, "GET", f"/dossiers/{dossier_id}/audit", agent))["items"]
            ]
        ),
        timeout=10,
    )


def test_with_access_until_closing_the_filer_reads_the_dossier_until_staff_close_it(platform):
    agent = platform.headers("agent", unique("agent"), email=address("agent"))
    model_id = create_model(platform, {**FILING_MODEL, "name": "Brokerage", "filer_access_until": "closing"})
    filer = filer_headers(platform, unique("broker"))
    body = {
        "model_id": model_id,
        "title": "Prêt",
        "fields": {"address": "1 quai"},
        "person": {"name": "Claire Client", "email": address("client"), "company": "Client SARL"},
    }
    filing = ok(gateway(platform, "POST", "/filings", filer, json=body), 201)
    url = f"/me/filings/{filing['id']}"
    ok(gateway(platform, "POST", f"{url}/submit", filer), 200)
    assert gateway(platform, "GET", url, filer).status_code == 200
    ok(call(platform, "dossier", "POST", f"/dossiers/{filing['dossier_id']}/close", agent), 200)
    assert platform.wait_until(lambda: gateway(platform, "GET", url, filer).status_code == 404, timeout=30)


def test_a_partner_who_cannot_act_is_never_reminded_and_each_skip_says_why(platform):
    agent = platform.headers("agent", unique("agent"), email=address("agent"))
    dossier_id = ok(
        call(
            platform,
            "dossier",
            "POST",
            "/dossiers",
            agent,
            json={"model_id": create_model(platform, REVIEW_MODEL), "title": "Extension", "client_sub": unique("c")},
        ),
        201,
    )["id"]
    move(platform, agent, dossier_id, "review")
    partner_email = address("expert")
    partner = ok(
        gateway(
            platform, "POST", "/partners", agent, json={"name": "Expert", "email": partner_email, "kind": "external"}
        ),
        201,
    )
    body = {
        "partner_id": partner["id"],
        "type": "opinion",
        "scope": "technical",
        "due_date": (date.today() + timedelta(days=10)).isoformat(),
        "open_statuses": ["review", "no-such-status"],
    }
    refused = gateway(platform, "POST", f"/dossiers/{dossier_id}/solicitations", agent, json=body)
    assert refused.status_code == 422 and "no-such-status" in refused.text
    solicitation = ok(
        gateway(
            platform, "POST", f"/dossiers/{dossier_id}/solicitations", agent, json={**body, "open_statuses": ["review"]}
        ),
        201,
    )
    key = key_in_mail(platform, partner_email)
    partner_headers = platform.headers("partner", unique("expert"), email=partner_email)
    ok(gateway(platform, "POST", "/attach", partner_headers, json={"key": key}), 200)
    view_url = f"/me/dossiers/{dossier_id}"

    def view():
        return gateway(platform, "GET", view_url, partner_headers)

    def remind() -> dict:
        return ok(gateway(platform, "POST", f"/dossiers/{dossier_id}/solicitations/remind", agent, json={}), 200)

    assert platform.wait_until(lambda: view().status_code == 200, timeout=30)
    assert remind()["reminded_ids"] == [solicitation["id"]]  # the partner can act: reminded once

    move(platform, agent, dossier_id, "internal_check")  # a status hidden from partners
    assert platform.wait_until(lambda: view().status_code == 404, timeout=30)
    hidden = remind()
    assert hidden["reminded"] == 0
    assert [(item["solicitation_id"], item["reason"]) for item in hidden["skipped_details"]] == [
        (solicitation["id"], "status_hidden")
    ]
    ok(call(platform, "dossier", "POST", f"/dossiers/{dossier_id}/close", agent), 200)
    # closed: the partner reads it again, read-only, and is never reminded
    assert platform.wait_until(lambda: view().status_code == 200 and view().json()["read_only"], timeout=30)
    closed = remind()
    assert closed["reminded"] == 0 and [item["reason"] for item in closed["skipped_details"]] == ["dossier_closed"]
    answer = gateway(
        platform, "POST", f"/solicitations/{solicitation['id']}/opinion", partner_headers, json={"verdict": "favorable"}
    )
    assert answer.status_code == 409
    # The partner got the solicitation's email and the one reminder sent while they could act, nothing else.
    assert settle(platform, [partner_email], {partner_email: 2}, 30) == {partner_email: 2}
    assert sum(1 for mail in mails_to(platform, [partner_email]) if KEY_PATTERN.search(text_of(mail))) == 1
    listed = ok(gateway(platform, "GET", f"/solicitations/{solicitation['id']}", agent), 200)
    assert listed["reminder_count"] == 1
