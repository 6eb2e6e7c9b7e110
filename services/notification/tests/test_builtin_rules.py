"""Each built-in rule: the exact recipients, nobody else."""

from sqlalchemy import select

from notification.db import Delivery, Notification
from notification.domain.rules import BUILTIN_RULES
from notification.services.targeting import BUILTIN_RECIPIENTS
from platform_shared.messaging.sealed import seal

AGENT = {"sub": "agent-1", "role": "agent", "email": "agent@x.test"}
CLIENT = {"sub": "client-1", "role": "client", "email": "client@x.test"}


def _document(dossier_id, client=False, partner=False, roles=(), financial=False):
    return {
        "document_id": "doc-1",
        "owner_type": "dossier",
        "owner_id": dossier_id,
        "dossier_id": dossier_id,
        "filename": "plan.pdf",
        "category": "plans",
        "state": "ready",
        "visibility": {"client": client, "partner": partner, "roles": list(roles), "financial": financial},
        "uploaded_by": {"sub": "agent-1", "role": "agent"},
    }


def _note(dossier_id, visibility):
    return {
        "dossier_id": dossier_id,
        "note_id": "n-" + visibility,
        "visibility": visibility,
        "author_sub": "agent-1",
        "author_role": "agent",
        "excerpt": "Hello",
    }


def _feed_subs(db, event_id):
    with db.read_only() as session:
        return sorted(session.execute(select(Notification.sub).where(Notification.event_id == event_id)).scalars())


def test_an_external_partner_receives_the_solicitation_with_the_sealed_key_kept_sealed(
    publish, db, settings, email_recipients
):
    sealed = seal("ABCD-EFGH-IJKL", settings.event_secret_key)
    envelope = publish(
        "solicitation.created",
        {
            "solicitation_id": "s-9",
            "dossier_id": "d-9",
            "partner_id": "p-9",
            "partner_kind": "external",
            "partner_name": "Expert",
            "partner_email": "Expert@X.test",
            "sealed_key": sealed,
        },
        actor=AGENT,
    )
    assert email_recipients(envelope.id) == ["expert@x.test"]
    with db.read_only() as session:
        delivery = session.execute(select(Delivery)).scalar_one()
        assert delivery.context["sealed_key"] == sealed
        assert "sealed_key" not in delivery.context["item"]


def test_a_reminder_goes_to_the_partner_reminded(publish, email_recipients):
    envelope = publish(
        "solicitation.reminded",
        {
            "solicitation_id": "s-9",
            "dossier_id": "d-9",
            "partner_id": "p-9",
            "partner_name": "Expert",
            "partner_email": "expert@x.test",
            "due_date": "2026-12-01",
            "reminder_count": 1,
            "automatic": False,
        },
        actor=AGENT,
    )
    assert email_recipients(envelope.id) == ["expert@x.test"]


def test_an_invitation_is_sent_only_when_notify_is_true(publish, settings, email_recipients):
    base = {"dossier_id": "d-9", "kind": "contributor", "role": "guarantor", "name": "Gus"}
    quiet = publish(
        "contributor.invited", {**base, "contributor_id": "c-8", "email": "quiet@x.test", "notify": False}, actor=AGENT
    )
    told = publish(
        "contributor.invited",
        {
            **base,
            "contributor_id": "c-9",
            "email": "gus@x.test",
            "notify": True,
            "sealed_key": seal("KEY1-KEY2", settings.event_secret_key),
        },
        actor=AGENT,
    )
    assert email_recipients(quiet.id) == []
    assert email_recipients(told.id) == ["gus@x.test"]


def test_the_validators_named_and_those_of_the_role_are_asked(publish, email_recipients, db, client, as_admin):
    client.post("/api/v1/contacts", json={"email": "lead@x.test", "sub": "lead-1", "role": "admin"}, headers=as_admin)
    publish("dossier.note_added", {"dossier_id": "d-x"}, actor={"sub": "val-1", "role": "agent", "email": "val@x.test"})
    envelope = publish(
        "attestation.validation_requested",
        {
            "request_id": "r-1",
            "task_id": "t-1",
            "contract_id": "k-1",
            "document_id": "doc-1",
            "validator_subs": ["val-1"],
            "validator_role": "admin",
            "client_sub": "client-1",
        },
        actor=CLIENT,
    )
    assert email_recipients(envelope.id) == ["lead@x.test", "val@x.test"]
    assert _feed_subs(db, envelope.id) == ["lead-1", "val-1"]


def test_the_client_hears_about_issued_approved_and_rejected_attestations(publish, email_recipients):
    data = {
        "request_id": "r-1",
        "task_id": "t-1",
        "contract_id": "k-1",
        "document_id": "doc-1",
        "client_sub": "client-7",
        "client_org": None,
        "client_email": "client7@x.test",
    }
    for event_type in ("attestation.issued", "attestation.approved", "attestation.rejected"):
        envelope = publish(event_type, data, actor={"sub": "agent-1", "role": "agent"})
        assert email_recipients(envelope.id) == ["client7@x.test"], event_type


def _failed_attestation(reason="render_refused", validator_subs=(), validator_role=None):
    return {
        "request_id": "r-9",
        "contract_id": "k-9",
        "beneficiary_id": None,
        "template_id": "tpl-9",
        "title": "Green card",
        "client_sub": "client-7",
        "client_org": None,
        "client_email": "client7@x.test",
        "reason": reason,
        "attempts": 1,
        "validator_subs": list(validator_subs),
        "validator_role": validator_role,
    }


def test_a_failed_attestation_reaches_the_client_and_the_validators_it_names(
    publish, email_recipients, db, client, as_admin
):
    client.post("/api/v1/contacts", json={"email": "lead@x.test", "sub": "lead-1", "role": "admin"}, headers=as_admin)
    client.post("/api/v1/contacts", json={"email": "val@x.test", "sub": "val-1", "role": "agent"}, headers=as_admin)
    client.post("/api/v1/contacts", json={"email": "other@x.test", "sub": "agent-2", "role": "agent"}, headers=as_admin)
    envelope = publish(
        "attestation.failed",
        _failed_attestation(validator_subs=["val-1"], validator_role="admin"),
        actor={"sub": "service:attestation", "role": "service"},
    )
    assert email_recipients(envelope.id) == ["client7@x.test", "lead@x.test", "val@x.test"]
    assert _feed_subs(db, envelope.id) == ["client-7", "lead-1", "val-1"]
    with db.read_only() as session:
        rules = dict(
            session.execute(select(Delivery.recipient, Delivery.rule).where(Delivery.event_id == envelope.id)).all()
        )
    assert rules["client7@x.test"] == "builtin:attestation_failed"
    assert rules["val@x.test"] == "builtin:attestation_failed_validators"


def test_a_failed_attestation_without_validators_reaches_the_client_only(publish, email_recipients, client, as_admin):
    client.post("/api/v1/contacts", json={"email": "lead@x.test", "sub": "lead-1", "role": "admin"}, headers=as_admin)
    envelope = publish(
        "attestation.failed", _failed_attestation(), actor={"sub": "service:attestation", "role": "service"}
    )
    assert email_recipients(envelope.id) == ["client7@x.test"]


def test_each_failed_attestation_rule_switched_off_sends_nothing_to_its_recipients(
    publish, email_recipients, db, client, as_admin
):
    client.post("/api/v1/contacts", json={"email": "val@x.test", "sub": "val-1", "role": "agent"}, headers=as_admin)
    service = {"sub": "service:attestation", "role": "service"}
    assert client.delete("/api/v1/rules/builtin:attestation_failed", headers=as_admin).status_code == 204
    staff_only = publish("attestation.failed", _failed_attestation(validator_subs=["val-1"]), actor=service)
    assert client.delete("/api/v1/rules/builtin:attestation_failed_validators", headers=as_admin).status_code == 204
    nobody = publish(
        "attestation.failed", {**_failed_attestation(validator_subs=["val-1"]), "request_id": "r-10"}, actor=service
    )
    assert email_recipients(staff_only.id) == ["val@x.test"]
    assert email_recipients(nobody.id) == [] and _feed_subs(db, nobody.id) == []


def test_a_document_visible_to_nobody_outside_staff_reaches_only_the_assignee(dossier_world, publish, email_recipients):
    envelope = publish("document.added", _document(dossier_world), actor=CLIENT)
    assert email_recipients(envelope.id) == ["agent@x.test"]


def test_a_document_reaches_those_who_may_see_it_minus_its_uploader(dossier_world, publish, email_recipients, db):
    envelope = publish("document.added", _document(dossier_world, client=True, partner=True), actor=AGENT)
    assert email_recipients(envelope.id) == ["client@x.test", "partner@x.test", "sub@x.test"]
    assert _feed_subs(db, envelope.id) == ["client-1", "part-1", "partner-1"]


def test_a_participants_client_visible_upload_reaches_the_client_side_and_staff_not_the_participant(
    dossier_world, publish, email_recipients, db
):
    # issue 13 point 6: the documents service makes a participant's upload client-visible by default
    upload = {**_document(dossier_world, client=True), "uploaded_by": {"sub": "part-1", "role": "partner"}}
    envelope = publish("document.added", upload, actor={"sub": "part-1", "role": "partner", "email": "sub@x.test"})
    assert email_recipients(envelope.id) == ["agent@x.test", "client@x.test"]
    assert _feed_subs(db, envelope.id) == ["agent-1", "client-1"]


def test_a_financial_document_reaches_the_client_and_partner_but_never_a_participant(
    dossier_world, publish, email_recipients, db
):
    envelope = publish(
        "document.added", _document(dossier_world, client=True, partner=True, financial=True), actor=AGENT
    )
    assert email_recipients(envelope.id) == ["client@x.test", "partner@x.test"]
    assert _feed_subs(db, envelope.id) == ["client-1", "partner-1"]


def test_a_document_for_one_contributor_role_reaches_only_that_role(dossier_world, publish, email_recipients):
    guarantor = publish("document.added", _document(dossier_world, roles=["guarantor"]), actor=AGENT)
    tenant = publish(
        "document.added", {**_document(dossier_world, roles=["tenant"]), "document_id": "doc-2"}, actor=AGENT
    )
    assert email_recipients(guarantor.id) == ["guarantor@x.test"]
    assert email_recipients(tenant.id) == []


def test_an_internal_note_reaches_staff_only(dossier_world, publish, email_recipients):
    envelope = publish("dossier.note_added", _note(dossier_world, "internal"), actor=CLIENT)
    assert email_recipients(envelope.id) == ["agent@x.test"]


def test_an_answer_to_the_requester_reaches_the_client_but_no_third_party(dossier_world, publish, email_recipients):
    envelope = publish("dossier.note_added", _note(dossier_world, "requester"), actor=AGENT)
    assert email_recipients(envelope.id) == ["client@x.test"]


def test_a_note_for_participants_reaches_the_client_the_partner_and_the_participant_not_a_contributor(
    dossier_world, publish, email_recipients
):
    envelope = publish("dossier.note_added", _note(dossier_world, "participants"), actor=AGENT)
    assert email_recipients(envelope.id) == ["client@x.test", "partner@x.test", "sub@x.test"]


def test_a_revoked_partner_hears_nothing_more(dossier_world, publish, email_recipients):
    publish(
        "solicitation.revoked",
        {"solicitation_id": "s-1", "dossier_id": dossier_world, "partner_sub": "partner-1"},
        actor=AGENT,
    )
    envelope = publish("dossier.note_added", _note(dossier_world, "participants"), actor=AGENT)
    assert "partner@x.test" not in email_recipients(envelope.id)


def test_a_revoked_participant_hears_nothing_more(dossier_world, publish, email_recipients):
    before = publish("dossier.note_added", _note(dossier_world, "participants"), actor=AGENT)
    assert "sub@x.test" in email_recipients(before.id)
    publish(
        "contributor.revoked",
        {"contributor_id": "c-2", "dossier_id": dossier_world, "kind": "participant", "account_sub": "part-1"},
        actor=AGENT,
    )
    envelope = publish("dossier.note_added", _note(dossier_world, "participants"), actor=AGENT)
    assert "sub@x.test" not in email_recipients(envelope.id)


def test_a_status_change_is_told_only_when_the_client_may_see_the_status(dossier_world, publish, email_recipients):
    hidden = publish(
        "dossier.status_changed",
        {
            "dossier_id": dossier_world,
            "from": "open",
            "to": "review",
            "status_label": "Review",
            "client_visible": False,
            "partner_visible": False,
        },
        actor=AGENT,
    )
    shown = publish(
        "dossier.status_changed",
        {
            "dossier_id": dossier_world,
            "from": "review",
            "to": "done",
            "status_label": "Done",
            "client_visible": True,
            "partner_visible": False,
        },
        actor=AGENT,
    )
    assert email_recipients(hidden.id) == []
    assert email_recipients(shown.id) == ["client@x.test", "sub@x.test"]  # a contributor sees no status


def test_a_portal_request_reaches_the_registered_team_only(publish, email_recipients, client, as_admin):
    client.post("/api/v1/contacts", json={"email": "legal@x.test", "groups": ["portal_requests"]}, headers=as_admin)
    client.post("/api/v1/contacts", json={"email": "other@x.test", "groups": ["sales"]}, headers=as_admin)
    data = {
        "dossier_id": "d-p",
        "reference": "REQ-1",
        "title": "Trademark",
        "origin": "portal",
        "category": "ip",
        "client_sub": "client-1",
        "client_email": "client@x.test",
    }
    portal = publish("dossier.created", data, actor=CLIENT)
    crm = publish("dossier.created", {**data, "dossier_id": "d-c", "origin": "crm"}, actor=AGENT)
    assert email_recipients(portal.id) == ["client@x.test", "legal@x.test"]  # the requester's acknowledgement
    assert email_recipients(crm.id) == []


def test_a_switched_off_built_in_rule_sends_nothing(dossier_world, publish, email_recipients, client, as_admin):
    assert client.delete("/api/v1/rules/builtin:note_added", headers=as_admin).status_code == 204
    silenced = publish("dossier.note_added", _note(dossier_world, "requester"), actor=AGENT)
    assert client.post("/api/v1/rules/builtin:note_added/enable", headers=as_admin).status_code == 200
    heard = publish("dossier.note_added", {**_note(dossier_world, "requester"), "note_id": "n-2"}, actor=AGENT)
    assert email_recipients(silenced.id) == []
    assert email_recipients(heard.id) == ["client@x.test"]


def test_a_staff_account_without_a_known_address_gets_the_feed_and_a_skipped_delivery(publish, db):
    envelope = publish(
        "attestation.validation_requested",
        {
            "request_id": "r-1",
            "task_id": "t-1",
            "contract_id": "k-1",
            "document_id": "doc-1",
            "validator_subs": ["nobody-known"],
            "validator_role": None,
            "client_sub": "c",
        },
        actor=CLIENT,
    )
    with db.read_only() as session:
        delivery = session.execute(select(Delivery).where(Delivery.event_id == envelope.id)).scalar_one()
        assert (delivery.status, delivery.recipient) == ("skipped", "sub:nobody-known")
    assert _feed_subs(db, envelope.id) == ["nobody-known"]


def test_a_partner_sees_nothing_while_the_status_is_hidden_from_partners(dossier_world, publish, email_recipients):
    publish(
        "dossier.status_changed",
        {
            "dossier_id": dossier_world,
            "from": "open",
            "to": "check",
            "status_label": "Check",
            "client_visible": True,
            "partner_visible": False,
        },
        actor=AGENT,
    )
    envelope = publish("document.added", _document(dossier_world, client=True, partner=True), actor=AGENT)
    assert "partner@x.test" not in email_recipients(envelope.id)
    assert "client@x.test" in email_recipients(envelope.id)


def test_an_admin_rule_to_the_dossier_actors_respects_visibility_and_the_actor(
    dossier_world, publish, email_recipients, client, as_admin
):
    client.delete("/api/v1/rules/builtin:note_added", headers=as_admin)
    created = client.post(
        "/api/v1/rules",
        headers=as_admin,
        json={
            "name": "Requester answers",
            "event_type": "dossier.note_added",
            "filters": {"visibility": "requester"},
            "recipients": {"dossier_actors": True, "addresses": ["audit@x.test"]},
            "channel": "email",
            "template": "note_added",
            "language": "en",
        },
    )
    assert created.status_code == 201, created.get_json()
    answered = publish("dossier.note_added", _note(dossier_world, "requester"), actor=AGENT)
    internal = publish("dossier.note_added", _note(dossier_world, "internal"), actor=CLIENT)
    assert email_recipients(answered.id) == ["audit@x.test", "client@x.test"]
    assert email_recipients(internal.id) == []


def test_an_event_missing_its_party_id_is_handled_not_retried(publish, email_recipients):
    envelope = publish("solicitation.reminded", {"dossier_id": "d-9", "partner_email": "expert@x.test"}, actor=AGENT)
    assert email_recipients(envelope.id) == ["expert@x.test"]


def test_every_builtin_rule_names_recipients_the_targeting_resolves():
    assert {rule.recipients for rule in BUILTIN_RULES} <= set(BUILTIN_RECIPIENTS)
