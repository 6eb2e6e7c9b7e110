"""Issue 14, the emails partners and contributors read: no template ever greets "Bonjour ," (or "Hello ,") when
the name is unknown; an internal partner's emails link to the CRM, never to the portal's attach page; the
contributor invitation names the role by its label and carries the model's invitation text."""

import pytest
from sqlalchemy import select

from notification.db import Delivery
from notification.domain import rendering
from notification.jobs import build_message
from platform_shared.messaging.sealed import seal

AGENT = {"sub": "agent-1", "role": "agent", "email": "agent@x.test"}


@pytest.fixture
def emails(db, settings):
    def _emails(event_id):
        with db.read_only() as session:
            rows = session.execute(
                select(Delivery).where(Delivery.event_id == event_id, Delivery.channel == "email")
            ).scalars()
            built = {row.recipient: build_message(settings, [row]) for row in rows}
        return {
            address: (str(message["Subject"]), message.get_body(("plain",)).get_content(), message)
            for address, message in built.items()
        }

    return _emails


@pytest.mark.parametrize("language", rendering.LANGUAGES)
@pytest.mark.parametrize("template", rendering.TEMPLATE_NAMES)
def test_no_template_greets_an_unknown_name_with_a_dangling_comma(template, language):
    item = {"dossier_id": "d-1", "role": "guarantor", "reasons": [], "items": []}
    variables = {
        "items": [item],
        "item": item,
        "dossier": {"id": "d-1", "reference": "DOS-1", "title": "T"},
        "key": None,
        "recipient_name": None,
        "event_label": "x",
        "link": "http://portal.test/x",
    }
    rendered = rendering.render(template, language, variables)
    for text in (rendered.text, rendered.html):
        assert "Bonjour ," not in text and "Hello ," not in text
        assert "Bonjour  ," not in text and "Hello  ," not in text


def test_an_internal_partners_solicitation_and_reminder_link_to_the_crm(publish, emails, settings):
    data = {
        "solicitation_id": "s-1",
        "dossier_id": "d-1",
        "partner_id": "p-1",
        "partner_kind": "internal",
        "partner_sub": "agent-nadia",
        "partner_name": "Nadia",
        "partner_email": "nadia@x.test",
        "due_date": "2026-12-20",
    }
    crm, portal = settings.crm_base_url.rstrip("/"), settings.portal_base_url.rstrip("/")
    for event_type in ("solicitation.created", "solicitation.reminded"):
        envelope = publish(event_type, {**data, "reminder_count": 1, "automatic": False}, actor=AGENT)
        [(subject, text, message)] = emails(envelope.id).values()
        html = message.get_body(("html",)).get_content()
        assert f"{crm}/dossiers/d-1" in text and f"{crm}/dossiers/d-1" in html, text
        assert f"{portal}/attach" not in text + html and f"{portal}/partner" not in text + html


def test_an_external_partner_still_gets_the_portals_attach_page(publish, emails, settings):
    sealed = seal("ABCD-EFGH-IJKL", settings.event_secret_key)
    envelope = publish(
        "solicitation.created",
        {
            "solicitation_id": "s-2",
            "dossier_id": "d-2",
            "partner_kind": "external",
            "partner_name": "Expert",
            "partner_email": "expert@x.test",
            "sealed_key": sealed,
        },
        actor=AGENT,
    )
    [(_, text, _)] = emails(envelope.id).values()
    assert f"{settings.portal_base_url.rstrip('/')}/attach" in text


def test_the_contributor_invitation_names_the_role_by_its_label_and_carries_the_models_text(publish, emails, settings):
    envelope = publish(
        "contributor.invited",
        {
            "contributor_id": "i-1",
            "dossier_id": "d-3",
            "kind": "contributor",
            "role": "guarantor",
            "role_label": "Garant",
            "invitation_text": "Merci de fournir vos trois derniers bulletins de salaire.",
            "name": None,
            "email": "gus@x.test",
            "notify": True,
            "sealed_key": seal("ABCD-EFGH-IJKL", settings.event_secret_key),
        },
        actor=AGENT,
    )
    [(_, text, _)] = emails(envelope.id).values()
    assert "en tant que Garant" in text and "guarantor" not in text
    assert "trois derniers bulletins" in text
    assert text.startswith("Bonjour,")


def test_the_person_a_dossier_was_filed_for_gets_the_claim_key(publish, emails, settings):
    envelope = publish(
        "filing.created",
        {
            "filing_id": "f-1",
            "dossier_id": "d-9",
            "reference": "DOS-9",
            "title": "Aide au logement",
            "person_name": "Jean Citoyen",
            "person_email": "jean@home.test",
            "filer_name": "Sonia Social",
            "filer_organisation": "CCAS",
            "sealed_key": seal("ABCD-EFGH-IJKL", settings.event_secret_key),
            "key_expires_at": "2027-01-01",
        },
        actor={"sub": "partner-sonia", "role": "partner", "email": "sonia@ccas.test"},
    )
    [(address, (subject, text, _))] = emails(envelope.id).items()
    assert address == "jean@home.test"
    assert "ABCD-EFGH-IJKL" in text and "Sonia Social (CCAS)" in text and text.startswith("Bonjour Jean Citoyen,")
    assert f"{settings.portal_base_url.rstrip('/')}/attach" in text


def _assigned_dossier(publish, dossier_id):
    publish(
        "dossier.created",
        {"dossier_id": dossier_id, "reference": "DOS-7", "status": "review", "assignee_sub": "agent-1"},
        actor=AGENT,
    )


def _feed(db, event_id):
    from notification.db import Notification

    with db.read_only() as session:
        return sorted(session.execute(select(Notification.sub).where(Notification.event_id == event_id)).scalars())


def test_the_assignee_is_told_when_a_partner_answers_and_when_a_contributor_provides(publish, emails, db):
    _assigned_dossier(publish, "d-7")
    partner = {"sub": "partner-p", "role": "partner", "email": "p@x.test"}
    answered = publish(
        "solicitation.answered",
        {"solicitation_id": "s-7", "dossier_id": "d-7", "answer_kind": "opinion", "verdict": "favorable"},
        actor=partner,
    )
    provided = publish(
        "piece.provided",
        {"contributor_id": "i-7", "dossier_id": "d-7", "role": "guarantor", "piece_code": "payslip"},
        actor={"sub": "guest-g", "role": "partner", "email": "g@x.test"},
    )
    for envelope in (answered, provided):
        assert list(emails(envelope.id)) == ["agent@x.test"]
        assert _feed(db, envelope.id) == ["agent-1"]
    [(_, text, _)] = emails(answered.id).values()
    assert "favorable" in text and "DOS-7" in text


def test_admins_switch_the_assignee_rules_off(publish, emails, db, client, as_admin):
    _assigned_dossier(publish, "d-8")
    for name in ("partner_answered", "piece_provided"):
        assert client.delete(f"/api/v1/rules/builtin:{name}", headers=as_admin).status_code in (200, 204)
    answered = publish(
        "solicitation.answered",
        {"solicitation_id": "s-8", "dossier_id": "d-8", "answer_kind": "completion"},
        actor={"sub": "partner-p", "role": "partner"},
    )
    assert emails(answered.id) == {} and _feed(db, answered.id) == []


def test_a_change_the_partner_cannot_act_on_is_not_mailed(publish, emails):
    data = {
        "solicitation_id": "s-5",
        "dossier_id": "d-5",
        "partner_kind": "external",
        "partner_sub": "partner-p",
        "partner_name": "Expert",
        "partner_email": "expert@x.test",
        "changed_fields": ["due_date"],
        "due_date": "2027-01-10",
    }
    told = publish("solicitation.changed", {**data, "notify": True}, actor=AGENT)
    [(_, text, _)] = emails(told.id).values()
    assert "due_date" in text and "2027-01-10" in text
    silent = publish("solicitation.changed", {**data, "notify": False}, actor=AGENT)
    assert emails(silent.id) == {}


def test_the_assignee_reads_a_partners_decline_and_its_reason(publish, emails):
    _assigned_dossier(publish, "d-6")
    declined = publish(
        "solicitation.declined",
        {"solicitation_id": "s-6", "dossier_id": "d-6", "partner_name": "Expert", "reason": "Conflict of interest"},
        actor={"sub": "partner-p", "role": "partner"},
    )
    [(_, text, _)] = emails(declined.id).values()
    assert "Conflict of interest" in text


def test_a_contributor_reminder_lists_the_missing_pieces(publish, emails, settings):
    reminded = publish(
        "contributor.reminded",
        {
            "contributor_id": "i-4",
            "dossier_id": "d-4",
            "role": "guarantor",
            "role_label": "Garant",
            "name": "Gus",
            "email": "gus@x.test",
            "account_sub": "guest-gus",
            "missing": [{"code": "payslip", "label": "Bulletin de salaire"}],
        },
        actor=AGENT,
    )
    [(_, text, _)] = emails(reminded.id).values()
    assert "Bulletin de salaire" in text and "Garant" in text
    assert f"{settings.portal_base_url.rstrip('/')}/contributions/i-4" in text
