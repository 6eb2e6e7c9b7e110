"""Rules, contacts, the in-app feed and the deliveries list over HTTP."""

from datetime import timedelta

from platform_shared import clock
from platform_shared.testing.unit import bearer

AGENT = {"sub": "agent-1", "role": "agent", "email": "agent@x.test"}
RULE = {
    "name": "Litigation to the legal team",
    "event_type": "dossier.created",
    "filters": {"category": "litigation", "origin": "portal"},
    "recipients": {"addresses": ["legal@x.test"], "users": ["boss-1"]},
    "channel": "both",
}


def _created(publish, dossier_id, category, origin="portal"):
    return publish(
        "dossier.created",
        {
            "dossier_id": dossier_id,
            "reference": "R-" + dossier_id,
            "title": "T",
            "category": category,
            "origin": origin,
            "client_sub": "client-1",
            "client_email": "client@x.test",
        },
        actor={"sub": "client-1", "role": "client"},
    )


def test_only_admins_manage_rules(client, as_agent, as_client):
    assert client.get("/api/v1/rules", headers=as_agent).status_code == 403
    assert client.post("/api/v1/rules", json=RULE, headers=as_client).status_code == 403
    assert client.get("/api/v1/rules").status_code == 401


def test_the_built_in_rules_are_listed_switched_on(client, as_admin):
    items = client.get("/api/v1/rules", headers=as_admin).get_json()["items"]
    builtin = {item["id"]: item["enabled"] for item in items if item["builtin"]}
    assert builtin["builtin:partner_key"] is True and len(builtin) == 24
    for name in ("on_behalf_claim", "partner_answered", "piece_provided", "solicitation_changed", "partner_declined"):
        assert builtin[f"builtin:{name}"] is True  # issue 14's rules, switched on until an admin switches them off
    assert builtin["builtin:contributor_reminder"] is True


def test_an_admin_rule_mails_its_recipients_when_its_filters_match(
    client, as_admin, publish, email_recipients, settings
):
    rule = client.post("/api/v1/rules", json=RULE, headers=as_admin)
    assert rule.status_code == 201, rule.get_json()
    client.post("/api/v1/contacts", json={"email": "boss@x.test", "sub": "boss-1"}, headers=as_admin)
    matching = _created(publish, "d-1", "litigation")
    other_category = _created(publish, "d-2", "corporate")
    from_crm = _created(publish, "d-3", "litigation", origin="crm")
    # (the requester's own acknowledgement, a built-in rule, comes with every portal request)
    assert email_recipients(matching.id) == ["boss@x.test", "client@x.test", "legal@x.test"]
    assert email_recipients(other_category.id) == ["client@x.test"]
    assert email_recipients(from_crm.id) == []
    feed = client.get("/api/v1/notifications", headers=bearer(settings, "agent", "boss-1")).get_json()
    assert [item["event_id"] for item in feed["items"]] == [matching.id]


def test_a_rule_without_recipients_or_with_an_unknown_template_is_a_422(client, as_admin):
    empty = client.post("/api/v1/rules", json={**RULE, "recipients": {}}, headers=as_admin)
    unknown = client.post("/api/v1/rules", json={**RULE, "template": "nope"}, headers=as_admin)
    assert empty.status_code == 422 and "recipients" in empty.get_json()["errors"]
    assert unknown.status_code == 422


def test_a_deleted_rule_sends_nothing_more(client, as_admin, publish, email_recipients):
    rule_id = client.post("/api/v1/rules", json=RULE, headers=as_admin).get_json()["id"]
    assert client.delete(f"/api/v1/rules/{rule_id}", headers=as_admin).status_code == 204
    assert client.get(f"/api/v1/rules/{rule_id}", headers=as_admin).status_code == 404
    assert email_recipients(_created(publish, "d-1", "litigation").id) == ["client@x.test"]  # the acknowledgement


def test_the_feed_lists_unread_first_and_counts_them(client, settings, publish):
    me = bearer(settings, "client", "client-7")
    for number in range(3):
        with clock.frozen_at(clock.now() + timedelta(minutes=number)):
            publish(
                "attestation.issued",
                {
                    "request_id": f"r-{number}",
                    "contract_id": f"k-{number}",
                    "document_id": "doc",
                    "client_sub": "client-7",
                    "client_email": "c7@x.test",
                },
                actor=AGENT,
            )
    page = client.get("/api/v1/notifications", headers=me).get_json()
    assert page["unread_count"] == 3 and len(page["items"]) == 3
    oldest = page["items"][-1]
    read = client.post(f"/api/v1/notifications/{oldest['id']}/read", headers=me)
    assert read.status_code == 200 and read.get_json()["read"] is True
    page = client.get("/api/v1/notifications?limit=2", headers=me).get_json()
    assert [item["read"] for item in page["items"]] == [False, False] and page["unread_count"] == 2
    rest = client.get(f"/api/v1/notifications?limit=2&cursor={page['next_cursor']}", headers=me).get_json()
    assert [item["id"] for item in rest["items"]] == [oldest["id"]] and rest["next_cursor"] is None
    assert client.get("/api/v1/notifications/unread-count", headers=me).get_json() == {"unread_count": 2}


def test_nobody_reads_someone_elses_notification(client, settings, publish):
    publish(
        "attestation.issued",
        {
            "request_id": "r",
            "contract_id": "k",
            "document_id": "doc",
            "client_sub": "client-7",
            "client_email": "c7@x.test",
        },
        actor=AGENT,
    )
    mine = client.get("/api/v1/notifications", headers=bearer(settings, "client", "client-7")).get_json()
    other = bearer(settings, "client", "client-8")
    assert client.post(f"/api/v1/notifications/{mine['items'][0]['id']}/read", headers=other).status_code == 404
    assert client.get("/api/v1/notifications", headers=other).get_json()["items"] == []


def test_admins_filter_deliveries_by_event_recipient_and_status(client, as_admin, as_agent, publish):
    first = publish(
        "attestation.issued",
        {
            "request_id": "r1",
            "contract_id": "k",
            "document_id": "doc",
            "client_sub": "c-1",
            "client_email": "one@x.test",
        },
        actor=AGENT,
    )
    publish(
        "attestation.issued",
        {
            "request_id": "r2",
            "contract_id": "k",
            "document_id": "doc",
            "client_sub": "c-2",
            "client_email": "two@x.test",
        },
        actor=AGENT,
    )
    by_event = client.get(f"/api/v1/deliveries?event_id={first.id}", headers=as_admin).get_json()["items"]
    by_recipient = client.get("/api/v1/deliveries?recipient=TWO@x.test", headers=as_admin).get_json()["items"]
    pending = client.get("/api/v1/deliveries?status=pending", headers=as_admin).get_json()["items"]
    assert [item["recipient"] for item in by_event] == ["one@x.test"]
    assert [item["recipient"] for item in by_recipient] == ["two@x.test"]
    assert len(pending) == 2 and {"attempts", "last_error", "created_at", "sent_at"} <= set(pending[0])
    assert "context" not in pending[0]
    assert client.get("/api/v1/deliveries", headers=as_agent).status_code == 403
    assert client.get("/api/v1/deliveries?status=lost", headers=as_admin).status_code == 422


def test_a_registered_address_wins_over_what_events_teach(client, as_admin, publish, email_recipients):
    client.post("/api/v1/contacts", json={"email": "Right@x.test", "sub": "c-1"}, headers=as_admin)
    envelope = publish(
        "attestation.issued",
        {
            "request_id": "r1",
            "contract_id": "k",
            "document_id": "doc",
            "client_sub": "c-1",
            "client_email": "stale@x.test",
        },
        actor=AGENT,
    )
    assert email_recipients(envelope.id) == ["right@x.test"]
    contacts = client.get("/api/v1/contacts?registered=true", headers=as_admin).get_json()["items"]
    assert [contact["email"] for contact in contacts] == ["right@x.test"]
