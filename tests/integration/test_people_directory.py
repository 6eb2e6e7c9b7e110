"""Issue 21 over the real platform: one directory of persons and organisations (owned by the dossier service).

Staff create a company with two members; one member (whose token carries neither a name nor a company) files a
portal request; the legal team finds the requester and the company by search, with the dossier on both pages;
the other member sees the company's dossier through the directory's membership; the timeline and every email
name the people (the directory's names reach the notification service through ``person.*`` events, never
"Bonjour ,"); an erasure is refused while the dossier is open, then leaves none of the person's data in any
service's database, checked by reading all five, nor in any service's dead letters. Her contract (attestation)
and her partner entry (partner-gateway) refer to her directory entry: the contract is listed for her page by
``GET /contracts?holder_id=``, named from the copy, and both lose her data with the rest.
"""

from __future__ import annotations

import json

import pika
from scenario_helpers import address, call, mails_to, ok, text_of, unique
from sqlalchemy import MetaData, create_engine, select

from platform_shared.config import load_settings
from platform_shared.messaging.dead_letters import list_dead_letters
from platform_shared.messaging.topology import QUORUM, QueueNames

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


def plant_dead_letters(platform, data: dict) -> dict[str, str]:
    """One dead letter naming the person in every service's dead-letter queue (as a handler failing every retry
    leaves it); ``service -> message id``."""
    planted = {}
    connection = pika.BlockingConnection(pika.URLParameters(platform.amqp_url))
    try:
        channel = connection.channel()
        for service in SERVICES:
            queue, message_id = QueueNames(service).dead, unique("dead")
            channel.queue_declare(queue=queue, durable=True, arguments=QUORUM)
            body = json.dumps({"id": message_id, "type": "contact.changed", "data": data})
            properties = pika.BasicProperties(
                message_id=message_id, type="contact.changed", headers={"x-error": f"cannot reach {data['email']}"}
            )
            channel.basic_publish("", queue, body.encode(), properties)
            planted[service] = message_id
    finally:
        connection.close()
    return planted


def dead_letters_holding(platform, planted: dict[str, str], *values: str) -> dict[str, list[str]]:
    """``service -> values`` still in the planted dead letters (each must still be there: rewritten, not lost)."""
    found = {}
    for service, message_id in planted.items():
        settings = load_settings(service_name=service, amqp_url=platform.amqp_url)
        (letter,) = [item for item in list_dead_letters(settings, limit=1000) if item["message_id"] == message_id]
        dump = json.dumps(letter, ensure_ascii=False).lower() + json.dumps(letter).lower()
        hits = [value for value in values if value.lower() in dump]
        if hits:
            found[service] = hits
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

    # Her contract and her partner entry refer to her directory entry, checked against each service's copy.
    product = ok(call(platform, "attestation", "POST", "/products", admin, json={"code": unique("PRD"), "name": "MRH"}))
    contract = ok(
        call(
            platform,
            "attestation",
            "POST",
            "/contracts",
            agent,
            json={
                "number": unique("C"),
                "product_id": product["id"],
                "start_date": "2026-01-01",
                "holder_person_id": sophie["id"],
                "holder_organisation_id": company["id"],
            },
        )
    )
    assert (contract["holder_name"], contract["owner_email"], contract["owner_org"]) == (sophie_name, sophie_mail, org)
    unknown = call(
        platform,
        "attestation",
        "POST",
        "/contracts",
        agent,
        json={"number": unique("C"), "product_id": product["id"], "start_date": "2026-01-01", "holder_person_id": "x"},
    )
    assert unknown.status_code == 422 and "holder_person_id" in unknown.json()["errors"]
    held = ok(call(platform, "attestation", "GET", "/contracts", agent, params={"holder_id": sophie["id"]}))["items"]
    assert [item["id"] for item in held] == [contract["id"]]
    held = ok(call(platform, "attestation", "GET", "/contracts", agent, params={"holder_id": company["id"]}))["items"]
    assert [item["id"] for item in held] == [contract["id"]]
    partner = ok(
        call(
            platform,
            "partner-gateway",
            "POST",
            "/partners",
            agent,
            json={"kind": "external", "person_id": sophie["id"], "organisation": "Expertise SA"},
        )
    )
    assert (partner["name"], partner["email"], partner["person_name"]) == (sophie_name, sophie_mail, sophie_name)
    planted = plant_dead_letters(platform, {"email": sophie_mail, "name": sophie_name})
    assert set(dead_letters_holding(platform, planted, sophie_mail)) == set(SERVICES)

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
    assert platform.wait_until(
        lambda: not dead_letters_holding(platform, planted, sophie_mail, sophie_name), timeout=60, interval=1.0
    ), dead_letters_holding(platform, planted, sophie_mail, sophie_name)
    kept_contract = ok(call(platform, "attestation", "GET", f"/contracts/{contract['id']}", agent))
    assert kept_contract["holder_person_id"] == sophie["id"] and kept_contract["owner_email"] is None
    # Marc, who was not erased, is still known everywhere; the dossier stays, without her.
    assert "notification.directory_copy" in holders(platform, marc_mail)
    kept = ok(call(platform, "dossier", "GET", f"/dossiers/{dossier_id}", agent))
    assert kept["closed"] is True and kept["client_name"] is None
    # Her lines stay (the firm's record), named by a pseudonym or [erased], never by her account id nor her name.
    timeline = ok(call(platform, "dossier", "GET", f"/dossiers/{dossier_id}/timeline", agent))["items"]
    hers = [item for item in timeline if item["actor_sub"] == sophie_sub]
    assert hers and all(item["actor_name"] and sophie_sub not in item["actor_name"] for item in hers), hers
    assert sophie_name not in json.dumps(timeline, ensure_ascii=False)
