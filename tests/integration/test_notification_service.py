"""The notification service as real processes: each built-in rule's exact recipients on a real SMTP sink,
events produced by the real dossier and partner-gateway services (and published with pika onto the
``domain`` exchange for the producers this scenario does not drive), redelivery and a killed worker
sending nothing twice, and no partner key in the service's database or logs."""

from __future__ import annotations

import signal
import time
import uuid
from datetime import date, timedelta

from harness import publish_envelope
from scenario_helpers import (
    GROUPED_TIMEOUT,
    KEY_PATTERN,
    address,
    call,
    create_model,
    mails_to,
    ok,
    recipient,
    settle,
    text_of,
    unique,
)
from sqlalchemy import create_engine, inspect, text

from platform_shared.messaging.envelope import new_envelope
from platform_shared.messaging.sealed import seal

MODEL = {
    "name": "Building permit",
    "category": "urbanism",
    "client_can_create": False,
    "fields": [{"key": "address", "label": "Address", "type": "text", "required": True}],
    "partner_fields": [{"key": "expert_opinion", "label": "Expert opinion", "type": "long_text"}],
    "views": {
        "portal": [{"key": "address", "mode": "write"}],
        "crm": [{"key": "address", "mode": "write"}],
        "partner": [
            {"key": "address", "mode": "read", "source": "portal"},
            {"key": "expert_opinion", "mode": "write", "source": "partner"},
        ],
    },
    "statuses": [
        {"code": "received", "label": "Received", "initial": True},
        {"code": "review", "label": "Review", "partner_visible": True},
        {"code": "internal_check", "label": "Internal check", "client_visible": False},
        {"code": "decided", "label": "Decided", "terminal": True},
    ],
    "transitions": [
        {"from": "received", "to": "review"},
        {"from": "review", "to": "internal_check"},
        {"from": "internal_check", "to": "review"},
        {"from": "review", "to": "decided"},
    ],
}


def register(platform, **contact):
    ok(
        call(platform, "notification", "POST", "/contacts", platform.headers("admin", unique("admin")), json=contact),
        201,
    )


def test_dossier_actors_hear_about_notes_documents_and_statuses_they_may_see_and_the_key_stays_secret(platform):
    agent_sub, other_agent_sub, client_sub = unique("agent"), unique("agent"), unique("client")
    agent_mail, other_agent_mail, client_mail = address("agent"), address("agent2"), address("client")
    agent = platform.headers("agent", agent_sub, email=agent_mail)
    other_agent = platform.headers("agent", other_agent_sub, email=other_agent_mail)
    created = call(
        platform,
        "dossier",
        "POST",
        "/dossiers",
        agent,
        json={
            "model_id": create_model(platform, MODEL),
            "title": "Extension",
            "client_sub": client_sub,
            "client_email": client_mail,
            "assignee_sub": agent_sub,
            "assignee_email": agent_mail,
            "fields": {"address": "1 rue de la Paix"},
        },
    )
    assert created.status_code == 201, created.text
    dossier_id = created.json()["id"]
    assert (
        call(
            platform, "dossier", "POST", f"/dossiers/{dossier_id}/transitions", agent, json={"to": "review"}
        ).status_code
        == 200
    )

    attached_mail, idle_mail = address("expert"), address("idle")
    keys = {}
    for partner_mail in (attached_mail, idle_mail):
        partner = call(
            platform,
            "partner-gateway",
            "POST",
            "/partners",
            agent,
            json={"name": "Expert", "email": partner_mail, "kind": "external"},
        )
        assert partner.status_code == 201, partner.text
        solicitation = call(
            platform,
            "partner-gateway",
            "POST",
            f"/dossiers/{dossier_id}/solicitations",
            agent,
            json={
                "partner_id": partner.json()["id"],
                "type": "opinion",
                "scope": "technical",
                "due_date": (date.today() + timedelta(days=10)).isoformat(),
                "open_statuses": ["review"],
            },
        )
        assert solicitation.status_code == 201, solicitation.text
        keys[partner_mail] = solicitation.json()["access_key"]
    # built-in "partner_key": each solicited partner gets their own key, nobody else mail
    everyone = [agent_mail, other_agent_mail, client_mail, attached_mail, idle_mail]
    assert settle(platform, everyone, {attached_mail: 1, idle_mail: 1}, 30) == {
        attached_mail: 1,
        idle_mail: 1,
        client_mail: 1,
    }  # the client: the move to "review" (client-visible)
    for partner_mail, key in keys.items():
        [mail] = mails_to(platform, [partner_mail])
        assert KEY_PATTERN.findall(text_of(mail)) == [key]
    [status_mail] = mails_to(platform, [client_mail])
    assert "Review" in status_mail["Subject"]

    # no key in the notification database or logs
    engine = create_engine(platform.database_url("notification"))
    try:
        with engine.connect() as connection:
            for table in inspect(connection).get_table_names():
                dump = " ".join(str(row) for row in connection.execute(text(f'SELECT * FROM "{table}"')))
                for key in keys.values():
                    assert key not in dump, table
    finally:
        engine.dispose()
    for key in keys.values():
        assert key not in platform.log_text("notification")

    partner_sub = unique("partner")
    attached = call(
        platform,
        "partner-gateway",
        "POST",
        "/attach",
        platform.headers("partner", partner_sub),
        json={"key": keys[attached_mail]},
    )
    assert attached.status_code == 200, attached.text
    time.sleep(2)  # let solicitation.attached reach the notification service before the notes

    # built-in "note_added": written by another agent, each visibility reaches only who may read it
    for visibility in ("internal", "requester", "participants"):
        note = call(
            platform,
            "dossier",
            "POST",
            f"/dossiers/{dossier_id}/notes",
            other_agent,
            json={"body": f"note for {visibility}", "visibility": visibility},
        )
        assert note.status_code == 201, note.text
    # built-in "document_added" (documents published onto the broker): visible to the client only
    platform.publish(
        "document.added",
        {
            "document_id": str(uuid.uuid4()),
            "owner_type": "dossier",
            "owner_id": dossier_id,
            "dossier_id": dossier_id,
            "filename": "client-only.pdf",
            "category": "plans",
            "state": "ready",
            "visibility": {"client": True, "partner": False, "roles": []},
            "uploaded_by": {"sub": other_agent_sub, "role": "agent"},
        },
        {"sub": other_agent_sub, "role": "agent"},
    )
    expected = {agent_mail: 2, client_mail: 3, attached_mail: 2}
    counts = settle(platform, everyone, expected, GROUPED_TIMEOUT)
    assert counts == {agent_mail: 2, client_mail: 3, attached_mail: 2, idle_mail: 1}

    def note_mail(who):
        return [m for m in mails_to(platform, [who]) if "note for" in text_of(m)]

    [assignee_notes] = note_mail(agent_mail)
    assert all(f"note for {v}" in text_of(assignee_notes) for v in ("internal", "requester", "participants"))
    [client_notes] = note_mail(client_mail)
    assert "note for internal" not in text_of(client_notes) and "note for participants" in text_of(client_notes)
    [partner_notes] = note_mail(attached_mail)
    assert "note for participants" in text_of(partner_notes)
    assert "note for requester" not in text_of(partner_notes)
    # ...and the partner reads in their view of the dossier what they were told of, and nothing more.
    partner_view = call(
        platform, "partner-gateway", "GET", f"/me/dossiers/{dossier_id}", platform.headers("partner", partner_sub)
    )
    assert partner_view.status_code == 200, partner_view.text
    assert [note["body"] for note in partner_view.json()["dossier"]["notes"]] == ["note for participants"]
    told_of_the_document = {recipient(m) for m in mails_to(platform, everyone) if "client-only.pdf" in text_of(m)}
    assert told_of_the_document == {client_mail, agent_mail}

    # built-in "status_changed": a status hidden from the client tells nobody
    assert (
        call(
            platform, "dossier", "POST", f"/dossiers/{dossier_id}/transitions", agent, json={"to": "internal_check"}
        ).status_code
        == 200
    )
    assert settle(platform, everyone, {}, 1) == counts


def test_partner_contributor_validator_attestation_and_portal_built_in_rules_reach_exactly_their_recipients(platform):
    agent = {"sub": unique("agent"), "role": "agent"}
    partner_mail, invited_mail, quiet_mail = address("partner"), address("invited"), address("quiet")
    validator_sub, validator_mail, client_mail = unique("validator"), address("validator"), address("client")
    legal_mail, outsider_mail = address("legal"), address("outsider")
    register(platform, email=validator_mail, sub=validator_sub, role="agent")
    register(platform, email=legal_mail, groups=["portal_requests"])
    register(platform, email=outsider_mail, groups=["sales"])
    dossier_id, secret = str(uuid.uuid4()), "ZZZZ-YYYY-XXXX"
    sealed = seal(secret, platform.settings.event_secret_key)

    platform.publish(
        "solicitation.reminded",
        {
            "solicitation_id": str(uuid.uuid4()),
            "dossier_id": dossier_id,
            "partner_id": "p",
            "partner_name": "Expert",
            "partner_email": partner_mail,
            "partner_sub": None,
            "due_date": "2026-12-31",
            "reminder_count": 1,
            "automatic": True,
        },
        agent,
    )
    for mail, notify in ((invited_mail, True), (quiet_mail, False)):
        platform.publish(
            "contributor.invited",
            {
                "contributor_id": str(uuid.uuid4()),
                "dossier_id": dossier_id,
                "kind": "contributor",
                "role": "guarantor",
                "name": "Gus",
                "email": mail,
                "notify": notify,
                **({"sealed_key": sealed} if notify else {}),
                "key_expires_at": "2026-12-31T00:00:00Z",
            },
            agent,
        )
    task = {
        "request_id": str(uuid.uuid4()),
        "task_id": str(uuid.uuid4()),
        "contract_id": str(uuid.uuid4()),
        "document_id": str(uuid.uuid4()),
    }
    client_sub = unique("client")
    platform.publish(
        "attestation.validation_requested",
        {**task, "validator_subs": [validator_sub], "validator_role": None, "client_sub": client_sub},
        {"sub": client_sub, "role": "client"},
    )
    for event_type in ("attestation.issued", "attestation.approved", "attestation.rejected"):
        platform.publish(
            event_type,
            {
                **task,
                "title": "Insurance",
                "reason": "unpaid",
                "client_sub": client_sub,
                "client_org": None,
                "client_email": client_mail,
            },
            agent,
        )
    reference = unique("REQ")
    platform.publish(
        "dossier.created",
        {
            "dossier_id": str(uuid.uuid4()),
            "reference": reference,
            "title": "Trademark",
            "origin": "portal",
            "category": "ip",
            "kind": "dossier",
            "status": "received",
            "client_sub": client_sub,
            "client_email": client_mail,
            "client_visible": True,
            "partner_visible": False,
        },
        {"sub": client_sub, "role": "client"},
    )

    everyone = [partner_mail, invited_mail, quiet_mail, validator_mail, client_mail, legal_mail, outsider_mail]
    # The client: the three attestation outcomes and the acknowledgement of their portal request.
    expected = {partner_mail: 1, invited_mail: 1, validator_mail: 1, client_mail: 4, legal_mail: 1}
    assert settle(platform, everyone, expected, 30) == expected
    assert [mail for mail in mails_to(platform, [client_mail]) if reference in mail["Subject"]]
    [invitation] = mails_to(platform, [invited_mail])
    assert secret in text_of(invitation)
    [request_mail] = mails_to(platform, [legal_mail])
    assert reference in request_mail["Subject"]
    [validation] = mails_to(platform, [validator_mail])
    assert f"/validation-tasks/{task['task_id']}" in text_of(validation)
    feed = call(platform, "notification", "GET", "/notifications", platform.headers("agent", validator_sub))
    assert [item["event_type"] for item in feed.json()["items"]] == ["attestation.validation_requested"]


def test_redelivery_and_a_killed_worker_send_nothing_twice(platform):
    client_mail = address("client")
    envelope = new_envelope(
        "attestation.issued",
        {
            "request_id": str(uuid.uuid4()),
            "contract_id": str(uuid.uuid4()),
            "document_id": str(uuid.uuid4()),
            "title": "Insurance",
            "client_sub": unique("client"),
            "client_org": None,
            "client_email": client_mail,
        },
        producer="integration-test",
        actor={"sub": unique("agent"), "role": "agent"},
    )
    publish_envelope(platform.amqp_url, envelope, times=2)
    assert settle(platform, [client_mail], {client_mail: 1}, 30) == {client_mail: 1}
    platform.stop_worker("notification", signal.SIGKILL)
    publish_envelope(platform.amqp_url, envelope)
    platform.start_worker("notification")
    time.sleep(5)
    assert len(mails_to(platform, [client_mail])) == 1
    admin = platform.headers("admin", unique("admin"))
    [delivery] = call(platform, "notification", "GET", "/deliveries", admin, params={"event_id": envelope.id}).json()[
        "items"
    ]
    assert (delivery["status"], delivery["attempts"]) == ("sent", 1)
