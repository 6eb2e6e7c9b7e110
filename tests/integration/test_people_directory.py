"""Issue 21 over the real platform: one directory of persons and organisations (owned by the dossier service).

Staff create a company with two members; one member (whose token carries neither a name nor a company) files a
portal request; the legal team finds the requester and the company by search, with the dossier on both pages;
the other member sees the company's dossier through the directory's membership; the timeline and every email
name the people (the directory's names reach the notification service through ``person.*`` events, never
"Bonjour ,"); an erasure is refused while the dossier is open, then leaves none of the person's data in any
service's database, checked by reading all five.
"""

from __future__ import annotations

import json

from scenario_helpers import address, call, mails_to, ok, text_of, unique
from sqlalchemy import MetaData, create_engine, select

SERVICES = ("dossier", "attestation", "documents", "notification", "partner-gateway")


def model() -> dict:
    return {
        "name": unique("Directory request"),
        "category": "corporate",
        "client_can_create": True,
        "fields": [{"key": "subject", "label": "Subject", "type": "text", "required": True}],
        "views": {
            "portal": [{"key": "subject", "mode": "write"}],
            "crm": [{"key": "subject", "mode": "write"}],
            "partner": [],
        },
        "statuses": [
            {"code": "submitted", "label": "Submitted", "initial": True},
            {"code": "in_progress", "label": "In progress"},
            {"code": "done", "label": "Done", "terminal": True},
        ],
        "transitions": [{"from": "submitted", "to": "in_progress"}, {"from": "in_progress", "to": "done"}],
    }


def holders(platform, *values: str) -> dict[str, list[str]]:
    """``service.table -> values`` for every table of every service's database holding one of ``values``."""
    found: dict[str, list[str]] = {}
    for service in SERVICES:
        engine = create_engine(platform.database_url(service))
        try:
            metadata = MetaData()
            metadata.reflect(engine)
            with engine.connect() as connection:
                for table in metadata.sorted_tables:
                    dump = " ".join(str(tuple(row)) for row in connection.execute(select(table)))
                    dump = dump.lower()
                    escaped = [json.dumps(value)[1:-1].lower() for value in values]  # as JSON text writes it
                    hits = [
                        value
                        for value, other in zip(values, escaped, strict=True)
                        if value.lower() in dump or other in dump
                    ]
                    if hits:
                        found[f"{service}.{table.name}"] = hits
        finally:
            engine.dispose()
    return found


def test_a_company_its_members_a_portal_request_names_everywhere_and_an_erasure_everywhere(platform):
    agent = platform.headers("agent", unique("lawyer"), email=address("lawyer"), name="Maître Durand")
    admin = platform.headers("admin", unique("admin"))
    suffix = unique("x").split("-")[-1]
    sophie_name, marc_name = f"Sophie Bernardé {suffix}", f"Marc Lefèvre {suffix}"
    sophie_mail, marc_mail = address("sophie"), address("marc")
    org, number = unique("org"), unique("RCS")

    # Staff create the company and its two members, each with their function.
    company = ok(
        call(
            platform,
            "dossier",
            "POST",
            "/organisations",
            agent,
            json={"name": f"Bernard & Associés {suffix}", "code": org, "registration_number": number},
        )
    )
    sophie = ok(call(platform, "dossier", "POST", "/people", agent, json={"name": sophie_name, "email": sophie_mail}))
    marc = ok(call(platform, "dossier", "POST", "/people", agent, json={"name": marc_name, "email": marc_mail}))
    for person, function in ((sophie, "Gérante"), (marc, "Associé")):
        ok(
            call(
                platform,
                "dossier",
                "POST",
                f"/organisations/{company['id']}/members",
                agent,
                json={"person_id": person["id"], "function": function},
            )
        )
    twice = call(
        platform, "dossier", "POST", f"/organisations/{company['id']}/members", agent, json={"person_id": marc["id"]}
    )
    assert twice.status_code == 409
    duplicate = call(platform, "dossier", "POST", "/people", agent, json={"name": "Other", "email": sophie_mail})
    assert duplicate.status_code == 422 and "email" in duplicate.json()["errors"]

    # Sophie signs in (her token names neither her nor her company) and files a portal request.
    sophie_sub, marc_sub = unique("sophie"), unique("marc")
    as_sophie = platform.headers("client", sophie_sub, email=sophie_mail)
    as_marc = platform.headers("client", marc_sub, email=marc_mail)
    me = ok(call(platform, "dossier", "POST", "/people/me", as_sophie))
    assert (me["id"], me["name"], me["sub"]) == (sophie["id"], sophie_name, sophie_sub)
    model_id = ok(call(platform, "dossier", "POST", "/models", admin, json=model()))["id"]
    request = ok(
        call(
            platform,
            "dossier",
            "POST",
            "/requests",
            as_sophie,
            json={"kind": "dossier", "model_id": model_id, "title": "Bail commercial", "fields": {"subject": "Bail"}},
        )
    )
    dossier_id = request["id"]

    # The legal team finds the requester and the company by search, the dossier on both pages.
    found = ok(call(platform, "dossier", "GET", "/people", agent, params={"q": sophie_name.split()[1]}))["items"]
    assert [item["id"] for item in found] == [sophie["id"]]
    found = ok(call(platform, "dossier", "GET", "/organisations", agent, params={"q": number}))["items"]
    assert [item["id"] for item in found] == [company["id"]]
    staff_view = ok(call(platform, "dossier", "GET", f"/dossiers/{dossier_id}", agent))
    assert (staff_view["client_name"], staff_view["client_org"], staff_view["client_person_id"]) == (
        sophie_name,
        org,
        sophie["id"],
    )
    person_page = ok(call(platform, "dossier", "GET", f"/people/{sophie['id']}", agent))
    assert [item["id"] for item in person_page["dossiers"]] == [dossier_id]
    assert [(item["code"], item["function"]) for item in person_page["organisations"]] == [(org, "Gérante")]
    company_page = ok(call(platform, "dossier", "GET", f"/organisations/{company['id']}", agent))
    assert sorted(item["name"] for item in company_page["members"]) == sorted([sophie_name, marc_name])
    assert [item["id"] for item in company_page["dossiers"]] == [dossier_id]

    # Marc, a member through the directory only (no org claim), sees the company's dossier and writes.
    ok(call(platform, "dossier", "POST", "/people/me", as_marc))
    ok(call(platform, "dossier", "GET", f"/dossiers/{dossier_id}", as_marc))
    ok(call(platform, "dossier", "POST", f"/dossiers/{dossier_id}/notes", as_marc, json={"body": "Je complète."}))
    ok(call(platform, "dossier", "POST", f"/dossiers/{dossier_id}/notes", as_sophie, json={"body": "Merci."}))
    ok(
        call(
            platform,
            "dossier",
            "POST",
            f"/dossiers/{dossier_id}/notes",
            agent,
            json={"body": "Nous revenons vers vous.", "visibility": "requester"},
        )
    )
    ok(call(platform, "dossier", "POST", f"/dossiers/{dossier_id}/transitions", agent, json={"to": "in_progress"}))

    # The timeline names every actor; no line shows an account id in place of a name.
    timeline = ok(call(platform, "dossier", "GET", f"/dossiers/{dossier_id}/timeline", agent))["items"]
    names = {item["actor_sub"]: item["actor_name"] for item in timeline if item["actor_sub"]}
    assert names[sophie_sub] == sophie_name and names[marc_sub] == marc_name

    # Every email to the two members names them ("Bonjour <name>,"), never "Bonjour ,".
    platform.wait_until(lambda: len(mails_to(platform, [sophie_mail])) >= 2, timeout=60)
    for mail_address, name in ((sophie_mail, sophie_name), (marc_mail, marc_name)):
        for message in mails_to(platform, [mail_address]):
            text = text_of(message)
            assert "Bonjour ," not in text and "Hello ," not in text, text
            assert f"Bonjour {name}," in text or f"Hello {name}," in text, text

    # The directory's copies reached every service.
    assert set(holders(platform, sophie_mail)) >= {
        f"{service}.directory_copy" for service in ("attestation", "documents", "notification", "partner-gateway")
    }

    # Erasure: refused while she holds an open dossier, then done everywhere once it is closed.
    refused = call(platform, "dossier", "POST", f"/people/{sophie['id']}/erase", admin, json={})
    assert refused.status_code == 409 and refused.headers["Content-Type"].startswith("application/problem+json")
    assert ok(call(platform, "dossier", "GET", f"/people/{sophie['id']}", agent))["email"] == sophie_mail
    ok(call(platform, "dossier", "POST", f"/dossiers/{dossier_id}/close", agent))
    export = ok(call(platform, "dossier", "GET", f"/people/{sophie['id']}/export", as_sophie))
    assert export["person"]["email"] == sophie_mail and [item["id"] for item in export["dossiers"]] == [dossier_id]
    erased = ok(call(platform, "dossier", "POST", f"/people/{sophie['id']}/erase", admin, json={"reason": "request"}))
    assert erased["erased"] is True
    assert platform.wait_until(lambda: not holders(platform, sophie_mail, sophie_name), timeout=90, interval=1.0), (
        holders(platform, sophie_mail, sophie_name)
    )
    # Marc, who was not erased, is still known everywhere; the dossier stays, without her.
    assert "notification.directory_copy" in holders(platform, marc_mail)
    kept = ok(call(platform, "dossier", "GET", f"/dossiers/{dossier_id}", agent))
    assert kept["closed"] is True and kept["client_name"] is None
