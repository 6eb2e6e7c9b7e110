"""Scenario "client-portal-requests" (docs/sources/client-portal-requests.txt) over the real platform.

A client submits a dossier request and a contract request from the portal. Admin classification rules
(keywords in the title, the description and chosen fields) put each into a configured category, else the
model's; staff see which rule matched and the category by its label, and may change it. Each is marked as a
portal request; the legal team (a contact group) and an admin (a rule) that admins configured through the
notification service are emailed, with the requester's name and company, and the requester gets an
acknowledgement; nobody else is told. The legal team works on the dossier request: assignee, description,
status changes, important developments (the requester is emailed each), notes (answers to the requester or
internal) and attachments shared file by file; the requester follows it all from the portal and is emailed
what concerns them. The contract request lands in the attestation service's contracts list as a requested
contract linked to its dossier, and contract staff complete it like any other.
"""

from __future__ import annotations

from scenario_helpers import (
    GROUPED_TIMEOUT,
    address,
    call,
    mail_counts,
    mails_to,
    new_mails,
    ok,
    settle,
    text_of,
    unique,
    upload,
)


def model(name: str, category: str) -> dict:
    return {
        "name": name,
        "category": category,
        "client_can_create": True,
        "fields": [
            {"key": "subject", "label": "Subject", "type": "text", "required": True},
            {"key": "opposing_party", "label": "Opposing party", "type": "text"},
        ],
        "views": {
            "portal": [{"key": "subject", "mode": "write"}, {"key": "opposing_party", "mode": "write"}],
            "crm": [{"key": "subject", "mode": "write"}, {"key": "opposing_party", "mode": "write"}],
            "partner": [],
        },
        "statuses": [
            {"code": "submitted", "label": "Submitted", "initial": True},
            {"code": "conflict_check", "label": "Conflict check", "client_visible": False},
            {"code": "in_progress", "label": "In progress"},
            {"code": "done", "label": "Done", "terminal": True},
        ],
        "transitions": [
            {"from": "submitted", "to": "conflict_check"},
            {"from": "conflict_check", "to": "in_progress"},
            {"from": "in_progress", "to": "done"},
        ],
    }


def test_portal_requests_are_classified_notify_the_configured_people_and_the_requester_follows_their_dossier(platform):
    admin_sub, admin_mail = unique("admin"), address("admin")
    admin = platform.headers("admin", admin_sub)
    legal_mail, legal2_mail, outsider_mail = address("legal"), address("legal2"), address("sales")
    lawyer_sub, lawyer_mail = unique("lawyer"), address("lawyer")
    lead_mail = address("lead")
    requester_sub, requester_mail, org = unique("client"), address("requester"), unique("org")
    requester = platform.headers(
        "client", requester_sub, org=org, email=requester_mail, name="Camille Martin", org_name="Martin Conseil SARL"
    )
    lawyer = platform.headers("agent", lawyer_sub, email=lawyer_mail, name="Maître Durand")
    lead = platform.headers("agent", unique("lead"), email=lead_mail)
    everyone = [admin_mail, legal_mail, legal2_mail, outsider_mail, lawyer_mail, lead_mail, requester_mail]

    # Admins configure who is told: the legal team as a contact group, themselves through a rule.
    for mail in (legal_mail, legal2_mail):
        ok(
            call(
                platform,
                "notification",
                "POST",
                "/contacts",
                admin,
                json={"email": mail, "name": "Legal team", "role": "agent", "groups": ["portal_requests"]},
            )
        )
    ok(
        call(
            platform,
            "notification",
            "POST",
            "/contacts",
            admin,
            json={"email": outsider_mail, "role": "agent", "groups": ["sales"]},
        )
    )
    ok(
        call(
            platform,
            "notification",
            "POST",
            "/contacts",
            admin,
            json={"email": admin_mail, "sub": admin_sub, "role": "admin", "language": "en"},
        )
    )
    # Admins configure the categories and how requests are classified into them.
    categories = [
        {"code": "corporate", "label": "Corporate"},
        {"code": "litigation", "label": "Contentieux"},
        {"code": "ip", "label": "Propriété intellectuelle"},
        {"code": "contracts", "label": "Contrats"},
    ]
    # The organisation is shared with the other scenarios: categories their rules still use are kept.
    existing = ok(call(platform, "dossier", "GET", "/categories", admin))["items"]
    codes = {category["code"] for category in categories}
    kept = [{"code": c["code"], "label": c["label"]} for c in existing if c["code"] not in codes]
    ok(call(platform, "dossier", "PUT", "/categories", admin, json=categories + kept))
    recovery = ok(
        call(
            platform,
            "dossier",
            "POST",
            "/classification-rules",
            admin,
            json={"name": unique("Debt recovery"), "category": "litigation", "keywords": ["unpaid", "impayé"]},
        )
    )
    ok(
        call(
            platform,
            "dossier",
            "POST",
            "/classification-rules",
            admin,
            json={"name": unique("IP"), "category": "ip", "keywords": ["trademark"], "fields": ["subject"]},
        )
    )
    refused = call(
        platform,
        "dossier",
        "POST",
        "/classification-rules",
        admin,
        json={"name": "Tax", "category": "tax", "keywords": ["tax"]},
    )
    assert refused.status_code == 422 and "category" in refused.json()["errors"]
    litigation = ok(call(platform, "dossier", "POST", "/models", admin, json=model("General request", "corporate")))
    contracts = ok(call(platform, "dossier", "POST", "/models", admin, json=model("Contract review", "contracts")))
    for model_id in (litigation["id"], contracts["id"]):
        ok(
            call(
                platform,
                "notification",
                "POST",
                "/rules",
                admin,
                json={
                    "name": unique("portal requests to the admin"),
                    "event_type": "dossier.created",
                    "filters": {"origin": "portal", "model_id": model_id},
                    "recipients": {"users": [admin_sub]},
                    "channel": "email",
                    "template": "portal_request",
                },
            )
        )

    # The client submits both requests from the portal (the models open to clients are offered).
    offered = ok(call(platform, "dossier", "GET", "/models", requester))["items"]
    assert {litigation["id"], contracts["id"]} <= {item["id"] for item in offered}
    dossier_request = ok(
        call(
            platform,
            "dossier",
            "POST",
            "/requests",
            requester,
            json={
                "kind": "dossier",
                "model_id": litigation["id"],
                "title": "Unpaid invoices from Acme",
                "description": "Acme has not paid three invoices.",
                "fields": {"subject": "Debt recovery"},
            },
        )
    )
    contract_request = ok(
        call(
            platform,
            "dossier",
            "POST",
            "/requests",
            requester,
            json={
                "kind": "contract",
                "model_id": contracts["id"],
                "title": "Distribution agreement",
                "fields": {"subject": "Review before signature"},
            },
        )
    )
    # "Unpaid" in the title: the recovery rule classifies it (the model says corporate); no rule matches the
    # contract request, which keeps its model's category.
    assert (dossier_request["origin"], dossier_request["kind"], dossier_request["category"]) == (
        "portal",
        "dossier",
        "litigation",
    )
    assert dossier_request["category_label"] == "Contentieux" and "classification" not in dossier_request
    assert (contract_request["origin"], contract_request["kind"], contract_request["category"]) == (
        "portal",
        "contract",
        "contracts",
    )

    # Classified in the CRM lists (by category, by kind) and marked as portal requests.
    def staff_list(**params):
        return [item["id"] for item in ok(call(platform, "dossier", "GET", "/dossiers", lead, params=params))["items"]]

    assert staff_list(category="litigation", origin="portal", q=dossier_request["reference"]) == [dossier_request["id"]]
    assert staff_list(category="contracts", q=dossier_request["reference"]) == []
    assert staff_list(kind="contract", origin="portal", q=contract_request["reference"]) == [contract_request["id"]]
    assert staff_list(origin="crm", q=dossier_request["reference"]) == []
    staff_view = ok(call(platform, "dossier", "GET", f"/dossiers/{dossier_request['id']}", lead))
    assert (staff_view["client_sub"], staff_view["client_org"], staff_view["client_email"]) == (
        requester_sub,
        org,
        requester_mail,
    )
    # The legal team sees who asked, by name, and for which company; and why the request is in its category.
    assert (staff_view["client_name"], staff_view["client_org_name"]) == ("Camille Martin", "Martin Conseil SARL")
    assert staff_view["classification"] == {
        "source": "rule",
        "rule_id": recovery["id"],
        "rule_name": recovery["name"],
        "keyword": "unpaid",
        "found_in": "title",
    }

    # The configured people are emailed about each request, the requester gets an acknowledgement of each;
    # the others are not told.
    expected = {legal_mail: 2, legal2_mail: 2, admin_mail: 2, requester_mail: 2}
    assert settle(platform, everyone, expected, 40) == expected
    subjects = {str(mail["Subject"]) for mail in mails_to(platform, [legal_mail])}
    assert any(dossier_request["reference"] in subject for subject in subjects)
    assert any(contract_request["reference"] in subject for subject in subjects)
    legal_texts = [text_of(mail) for mail in mails_to(platform, [legal_mail])]
    assert all("Camille Martin (Martin Conseil SARL)" in text for text in legal_texts)
    assert any("Catégorie : Contentieux." in text for text in legal_texts)
    assert not any("Catégorie : litigation" in text for text in legal_texts)  # the label, not the code
    acknowledgements = {str(mail["Subject"]) for mail in mails_to(platform, [requester_mail])}
    assert acknowledgements == {
        f"Votre demande {dossier_request['reference']} a bien été reçue",
        f"Votre demande {contract_request['reference']} a bien été reçue",
    }

    # Staff may move the request to another configured category; the reason then says they did.
    path = f"/dossiers/{dossier_request['id']}"
    wrong = call(platform, "dossier", "PATCH", path, lead, json={"category": "tax"})
    assert wrong.status_code == 422
    moved = ok(call(platform, "dossier", "PATCH", path, lead, json={"category": "ip"}))
    assert moved["category_label"] == "Propriété intellectuelle" and moved["classification"]["source"] == "staff"
    ok(call(platform, "dossier", "PATCH", path, lead, json={"category": "litigation"}))
    assert {str(mail["Subject"]) for mail in mails_to(platform, [admin_mail])} == {
        f"New portal request: {dossier_request['reference']}",
        f"New portal request: {contract_request['reference']}",
    }

    # The legal team starts working: assignee, description, workflow, an important development.
    ok(
        call(
            platform,
            "dossier",
            "PATCH",
            path,
            lead,
            json={
                "assignee_sub": lawyer_sub,
                "assignee_email": lawyer_mail,
                "description": "Formal notice to be sent to Acme, then summary proceedings.",
            },
        )
    )
    ok(call(platform, "dossier", "POST", f"{path}/transitions", lawyer, json={"to": "conflict_check"}))
    hidden_seen = ok(call(platform, "dossier", "GET", path, requester))
    assert hidden_seen["status_label"] == "Submitted"  # an internal status stays internal
    ok(call(platform, "dossier", "POST", f"{path}/transitions", lawyer, json={"to": "in_progress"}))
    ok(
        call(
            platform,
            "dossier",
            "POST",
            f"{path}/developments",
            lawyer,
            json={"title": "Formal notice sent", "body": "Acme has 8 days to pay."},
        )
    )
    seen = ok(call(platform, "dossier", "GET", path, requester))
    assert seen["status_label"] == "In progress"
    assert "assignee_sub" not in seen and seen["assignee_email"] == lawyer_mail  # a contact, not an account id
    assert seen["description"] == "Formal notice to be sent to Acme, then summary proceedings."
    assert [item["title"] for item in seen["important_developments"]] == ["Formal notice sent"]
    assert "client_email" not in seen and "partner_visible" not in seen  # staff-only attributes

    # The requester is emailed the visible status change and the important development.
    settle(platform, everyone, {**expected, requester_mail: 4}, 40)
    development_mail = [
        text_of(mail) for mail in mails_to(platform, [requester_mail]) if "Formal notice sent" in str(mail["Subject"])
    ]
    assert len(development_mail) == 1 and "Acme has 8 days to pay." in development_mail[0]

    # Notes: an answer to the requester and an internal one; the requester writes back.
    # Attachments: one shared with the requester, one kept internal.
    before = mail_counts(platform, everyone)
    ok(
        call(
            platform,
            "dossier",
            "POST",
            f"{path}/notes",
            lawyer,
            json={"body": "Internal: Acme's director is a former client", "visibility": "internal"},
        )
    )
    ok(
        call(
            platform,
            "dossier",
            "POST",
            f"{path}/notes",
            lawyer,
            json={"body": "We sent the formal notice today.", "visibility": "requester"},
        )
    )
    ok(call(platform, "dossier", "POST", f"{path}/notes", requester, json={"body": "Thank you, here is invoice 3."}))
    shared = ok(upload(platform, lawyer, dossier_request["id"], filename="formal-notice.pdf", client=True))
    internal = ok(upload(platform, lawyer, dossier_request["id"], filename="strategy-memo.pdf"))

    notes = ok(call(platform, "dossier", "GET", f"{path}/notes", requester))["items"]
    assert [note["body"] for note in notes] == ["We sent the formal notice today.", "Thank you, here is invoice 3."]
    staff_notes = ok(call(platform, "dossier", "GET", f"{path}/notes", lead))["items"]
    assert len(staff_notes) == 3
    timeline = ok(call(platform, "dossier", "GET", f"{path}/timeline", requester))["items"]
    assert all(entry["visibility"] != "internal" for entry in timeline)
    assert "Internal: Acme" not in str(timeline) and "Conflict check" not in str(timeline)

    def documents_seen_by(headers):
        body = ok(
            call(
                platform,
                "documents",
                "GET",
                "/documents",
                headers,
                params={"owner_type": "dossier", "owner_id": dossier_request["id"]},
            )
        )
        return [item["id"] for item in body["items"]]

    assert platform.wait_until(lambda: documents_seen_by(requester) == [shared["id"]])
    assert documents_seen_by(lead) == [shared["id"], internal["id"]]
    content = call(platform, "documents", "GET", f"/documents/{shared['id']}/content", requester)
    assert content.status_code == 200 and content.headers["X-Content-Type-Options"] == "nosniff"
    assert call(platform, "documents", "GET", f"/documents/{internal['id']}/content", requester).status_code == 404

    # Emails of that round: the requester gets the answer and the shared file; the assignee the requester's
    # note; the internal note and the internal file reach no one outside the team.
    expected = {requester_mail: 2, lawyer_mail: 1}
    settle(platform, everyone, {who: before.get(who, 0) + n for who, n in expected.items()}, GROUPED_TIMEOUT)
    assert new_mails(platform, everyone, before) == expected
    texts = [text_of(mail) for mail in mails_to(platform, [requester_mail])]
    assert any("In progress" in text for text in texts)
    assert any("We sent the formal notice today." in text for text in texts)
    assert any("formal-notice.pdf" in text for text in texts)
    assert not any("Internal: Acme" in text or "strategy-memo" in text or "Conflict check" in text for text in texts)
    [lawyer_note] = mails_to(platform, [lawyer_mail])
    assert "Thank you, here is invoice 3." in text_of(lawyer_note)

    # File by file: the team shares the memo later, and only then the requester sees it.
    ok(call(platform, "documents", "PATCH", f"/documents/{internal['id']}", lawyer, json={"client": True}))
    assert platform.wait_until(lambda: documents_seen_by(requester) == [shared["id"], internal["id"]])

    # The contract request is handled like any other contract of the list, and its requester sees it too.
    mine = ok(call(platform, "dossier", "GET", "/dossiers", requester, params={"kind": "contract"}))["items"]
    assert [item["id"] for item in mine] == [contract_request["id"]]
    stranger = platform.headers("client", unique("client"), org=unique("org"))
    assert call(platform, "dossier", "GET", f"/dossiers/{contract_request['id']}", stranger).status_code == 404

    # It is in the contracts list of the attestation service, requested and linked to its dossier.
    contract_agent = platform.headers("agent", unique("contracts"))

    def requested_contract():
        items = ok(
            call(
                platform,
                "attestation",
                "GET",
                "/contracts",
                contract_agent,
                params={"number": contract_request["reference"]},
            )
        )["items"]
        return items[0] if items else None

    contract = platform.wait_until(requested_contract, timeout=30)
    assert (contract["status"], contract["dossier_id"], contract["product_id"]) == (
        "requested",
        contract_request["id"],
        None,
    )
    assert (contract["owner_sub"], contract["owner_org"], contract["owner_name"]) == (
        requester_sub,
        org,
        "Camille Martin",
    )
    seen_contracts = ok(call(platform, "attestation", "GET", "/contracts", requester))["items"]
    assert contract["id"] in [item["id"] for item in seen_contracts]
    # Contract staff handle it like any other contract: a product, dates, in force.
    product = ok(
        call(platform, "attestation", "POST", "/products", admin, json={"code": unique("DIST"), "name": "Distribution"})
    )
    completed = ok(
        call(
            platform,
            "attestation",
            "PATCH",
            f"/contracts/{contract['id']}",
            contract_agent,
            json={"product_id": product["id"], "status": "in_force", "start_date": "2026-01-01"},
        )
    )
    assert completed["status"] == "in_force"
    # The requester sees on the request's timeline that it is registered.
    assert platform.wait_until(
        lambda: any(
            "Contract request registered" in entry["summary"]
            for entry in ok(
                call(platform, "dossier", "GET", f"/dossiers/{contract_request['id']}/timeline", requester)
            )["items"]
        ),
        timeout=30,
    )
