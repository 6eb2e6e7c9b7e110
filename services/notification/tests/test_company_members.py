"""A client company's members who take part in its dossier become actors of that dossier (from events only)."""

from sqlalchemy import select

from notification.db import DossierParty

AGENT = {"sub": "agent-1", "role": "agent", "email": "agent@x.test"}
OWNER = {"sub": "owner-1", "role": "client", "org": "acme", "email": "owner@acme.test"}
MEMBER = {"sub": "claire-1", "role": "client", "org": "acme", "email": "claire@acme.test", "name": "Claire"}
STRANGER = {"sub": "sam-1", "role": "client", "org": "globex", "email": "sam@globex.test"}
DOSSIER = "d-acme"


def _company_dossier(publish):
    publish(
        "dossier.created",
        {
            "dossier_id": DOSSIER,
            "reference": "DOS-7",
            "title": "Kitchen",
            "model_id": "m-1",
            "category": "works",
            "origin": "crm",
            "status": "planned",
            "client_visible": True,
            "partner_visible": False,
            "client_sub": OWNER["sub"],
            "client_org": "acme",
            "client_email": OWNER["email"],
            "assignee_sub": AGENT["sub"],
        },
        actor=AGENT,
    )


def _note(visibility, note_id):
    return {"dossier_id": DOSSIER, "note_id": note_id, "visibility": visibility, "excerpt": "Hello"}


def _document(document_id, client=True):
    return {
        "document_id": document_id,
        "owner_type": "dossier",
        "owner_id": DOSSIER,
        "dossier_id": DOSSIER,
        "filename": f"{document_id}.pdf",
        "category": "plans",
        "state": "ready",
        "visibility": {"client": client, "partner": False, "roles": [], "financial": False},
    }


def _status(to, client_visible=True, client_org="acme"):
    return {
        "dossier_id": DOSSIER,
        "from": "planned",
        "to": to,
        "status_label": to.title(),
        "client_visible": client_visible,
        "partner_visible": False,
        "client_sub": OWNER["sub"],
        "client_org": client_org,
    }


def test_a_company_member_who_took_part_hears_of_later_changes_by_others(publish, email_recipients):
    _company_dossier(publish)
    before = publish("dossier.status_changed", _status("works"), actor=AGENT)
    own = publish("document.added", _document("photos"), actor=MEMBER)
    later = publish("dossier.status_changed", _status("finished"), actor=AGENT)
    assert email_recipients(before.id) == [OWNER["email"]]
    assert email_recipients(own.id) == ["agent@x.test", OWNER["email"]]
    assert email_recipients(later.id) == ["claire@acme.test", OWNER["email"]]


def test_a_member_hears_only_what_the_client_may_see(publish, email_recipients):
    _company_dossier(publish)
    publish("dossier.note_added", _note("requester", "n-1"), actor=MEMBER)
    internal_note = publish("dossier.note_added", _note("internal", "n-2"), actor=AGENT)
    internal_document = publish("document.added", _document("margin", client=False), actor=AGENT)
    shared_document = publish("document.added", _document("plan"), actor=AGENT)
    assert email_recipients(internal_note.id) == []
    assert email_recipients(internal_document.id) == []
    assert email_recipients(shared_document.id) == ["claire@acme.test", OWNER["email"]]


def test_a_client_of_another_company_taking_part_never_becomes_an_actor(publish, email_recipients, db):
    _company_dossier(publish)
    publish("dossier.note_added", _note("requester", "n-1"), actor=STRANGER)
    publish("dossier.note_added", _note("requester", "n-2"), actor={**MEMBER, "org": None, "sub": "solo-1"})
    later = publish("dossier.status_changed", _status("works"), actor=AGENT)
    assert email_recipients(later.id) == [OWNER["email"]]
    with db.read_only() as session:
        assert session.execute(select(DossierParty).where(DossierParty.dossier_id == DOSSIER)).first() is None


def test_the_dossiers_own_client_is_not_counted_twice(publish, email_recipients, db):
    _company_dossier(publish)
    publish("dossier.note_added", _note("requester", "n-1"), actor=OWNER)
    later = publish("document.added", _document("plan"), actor=AGENT)
    assert email_recipients(later.id) == [OWNER["email"]]
    with db.read_only() as session:
        assert session.execute(select(DossierParty).where(DossierParty.dossier_id == DOSSIER)).first() is None


def test_members_of_the_former_company_stop_hearing_when_the_dossier_changes_company(publish, email_recipients):
    _company_dossier(publish)
    publish("dossier.note_added", _note("requester", "n-1"), actor=MEMBER)
    moved = publish("dossier.status_changed", _status("works", client_org="initech"), actor=AGENT)
    assert email_recipients(moved.id) == [OWNER["email"]]


def test_a_member_on_two_dossiers_is_an_actor_of_each(publish, email_recipients):
    _company_dossier(publish)
    publish(
        "dossier.created",
        {
            "dossier_id": "d-other",
            "reference": "DOS-8",
            "title": "Roof",
            "model_id": "m-1",
            "status": "planned",
            "client_visible": True,
            "partner_visible": False,
            "client_sub": OWNER["sub"],
            "client_org": "acme",
            "client_email": OWNER["email"],
            "assignee_sub": AGENT["sub"],
        },
        actor=AGENT,
    )
    publish("dossier.note_added", _note("requester", "n-1"), actor=MEMBER)
    publish("dossier.note_added", {**_note("requester", "n-2"), "dossier_id": "d-other"}, actor=MEMBER)
    first = publish("document.added", _document("plan"), actor=AGENT)
    second = publish(
        "document.added", {**_document("roof"), "dossier_id": "d-other", "owner_id": "d-other"}, actor=AGENT
    )
    assert email_recipients(first.id) == ["claire@acme.test", OWNER["email"]]
    assert email_recipients(second.id) == ["claire@acme.test", OWNER["email"]]
