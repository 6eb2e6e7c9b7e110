"""Scenario of the partners module (source document ``partners-module.txt``), told over the real platform.

An admin designs a model whose partner view mixes a portal field and a CRM field (read) with partner-only
fields (write). An agent solicits a financial opinion from one external partner, a completion from
another and a legal opinion from a third who never answers; each receives their key by email and attaches
it from the portal. A status hidden from partners takes the dossier away from them, the way back returns
it. The first answers with an opinion and a supporting file, the second completes a field and uploads a
piece; the agent follows the answers as they arrive and reminds, which reaches only the silent partner.
The agent then sends a document flagged "visible to partners" and a letter generated from a Word
template: the partners see those two, and nothing else (no internal file, no other partner's file, no
confidential opinion, no field outside the partner view).
"""

from __future__ import annotations

import io
import uuid
from datetime import date, timedelta

import docx
import requests
from scenario_helpers import (
    GROUPED_TIMEOUT,
    KEY_PATTERN,
    address,
    call,
    create_model,
    docx_bytes,
    mails_to,
    ok,
    pdf_bytes,
    settle,
    text_of,
    unique,
    upload,
)
from scenario_partners_helpers import document_status, move, visible_document_ids, wait_deliveries

MODEL = {
    "name": "Business grant",
    "category": "economy",
    "client_can_create": False,
    "fields": [
        {"key": "company", "label": "Company", "type": "text", "required": True},
        {"key": "project", "label": "Project", "type": "long_text"},
        {"key": "requested_amount", "label": "Requested amount", "type": "amount", "financial": True},
        {"key": "instructor_notes", "label": "Instructor notes", "type": "long_text"},
    ],
    "partner_fields": [
        {"key": "financial_analysis", "label": "Financial analysis", "type": "long_text"},
        {"key": "site_visit_date", "label": "Site visit date", "type": "date"},
    ],
    "views": {
        "portal": [{"key": "company", "mode": "write"}, {"key": "project", "mode": "write"}],
        "crm": [
            {"key": "company", "mode": "write"},
            {"key": "project", "mode": "write"},
            {"key": "requested_amount", "mode": "write"},
            {"key": "instructor_notes", "mode": "write"},
        ],
        "partner": [
            {"key": "company", "mode": "read", "source": "portal"},
            {"key": "requested_amount", "mode": "read", "source": "crm"},
            {"key": "financial_analysis", "mode": "write", "source": "partner"},
            {"key": "site_visit_date", "mode": "write", "source": "partner"},
        ],
    },
    "statuses": [
        {"code": "received", "label": "Received", "initial": True},
        {"code": "expertise", "label": "Expertise", "partner_visible": True},
        {"code": "committee", "label": "Committee preparation", "client_visible": False},
        {"code": "decided", "label": "Decided", "terminal": True},
    ],
    "transitions": [
        {"from": "received", "to": "expertise"},
        {"from": "expertise", "to": "committee"},
        {"from": "committee", "to": "expertise"},
        {"from": "committee", "to": "decided"},
    ],
}

# A Word letter: dossier entity tags and one input.
LETTER_TEMPLATE = docx_bytes(
    "Letter about dossier {{ dossier.reference }}: {{ dossier.title }}", "Dear partner, {{ request_text }}"
)

PARTNER_VIEW_MODES = {
    "company": "read",
    "requested_amount": "read",
    "financial_analysis": "write",
    "site_visit_date": "write",
}


class Story:
    """The actors of one run, with unique identities and addresses."""

    def __init__(self, platform):
        self.platform = platform
        self.agent_sub, self.agent_mail = unique("agent"), address("agent")
        self.client_sub, self.client_mail = unique("client"), address("client")
        self.agent = platform.headers("agent", self.agent_sub, email=self.agent_mail, name="Ines Instructor")
        self.partners = {
            name: {"mail": address(name), "sub": unique(name)} for name in ("banker", "surveyor", "lawyer")
        }
        for partner in self.partners.values():
            partner["headers"] = platform.headers("partner", partner["sub"], email=partner["mail"])
        self.dossier_id = self.reference = ""

    @property
    def everyone(self) -> list[str]:
        return [self.agent_mail, self.client_mail, *(partner["mail"] for partner in self.partners.values())]

    def mail(self, name: str) -> str:
        return self.partners[name]["mail"]

    def as_partner(self, name: str) -> dict:
        return self.partners[name]["headers"]

    def partner_dossier(self, name: str):
        return call(self.platform, "partner-gateway", "GET", f"/me/dossiers/{self.dossier_id}", self.as_partner(name))

    def listed_dossiers(self, name: str) -> list[str]:
        page = ok(call(self.platform, "partner-gateway", "GET", "/me/dossiers", self.as_partner(name)), 200)
        return [item["dossier_id"] for item in page["items"]]

    def solicitations(self) -> dict[str, dict]:
        """The agent's Partners sub-panel: each solicitation of the dossier by partner name."""
        page = ok(
            call(self.platform, "partner-gateway", "GET", f"/dossiers/{self.dossier_id}/solicitations", self.agent), 200
        )
        by_id = {partner["solicitation_id"]: name for name, partner in self.partners.items()}
        return {by_id[item["id"]]: item for item in page["items"]}


def open_dossier(platform) -> Story:
    """The admin's model (its partner view checked) and a dossier the agent creates, assigned to themselves,
    moved to the partner-visible status."""
    story = Story(platform)
    model_id = create_model(platform, MODEL)
    model = ok(call(platform, "dossier", "GET", f"/models/{model_id}", story.agent), 200)
    partner_view = {item["key"]: (item["mode"], item["source"]) for item in model["views"]["partner"]}
    assert partner_view == {
        "company": ("read", "portal"),
        "requested_amount": ("read", "crm"),
        "financial_analysis": ("write", "partner"),
        "site_visit_date": ("write", "partner"),
    }
    dossier = ok(
        call(
            platform,
            "dossier",
            "POST",
            "/dossiers",
            story.agent,
            json={
                "model_id": model_id,
                "title": "Bakery extension",
                "client_sub": story.client_sub,
                "client_email": story.client_mail,
                "client_name": "Camille Boulanger",
                "assignee_sub": story.agent_sub,
                "assignee_email": story.agent_mail,
                "fields": {
                    "company": "Boulangerie Martin",
                    "project": "A second oven",
                    "requested_amount": 45000,
                    "instructor_notes": "Strong file, check the debt ratio.",
                },
            },
        ),
        201,
    )
    story.dossier_id, story.reference = dossier["id"], dossier["reference"]
    move(platform, story.agent, story.dossier_id, "expertise")
    return story


def build_story(platform) -> Story:
    """The admin's model, the dossier in a partner-visible status, three solicitations and their key emails."""
    story = open_dossier(platform)
    due = (date.today() + timedelta(days=14)).isoformat()
    asks = {
        "banker": ("opinion", "financial", "Assess the debt ratio and the repayment capacity.", True),
        "surveyor": ("completion", "technical", "Give the site visit date and upload your survey.", False),
        "lawyer": ("opinion", "legal", "Check the lease clauses.", False),
    }
    for name, (kind, scope, instructions, confidential) in asks.items():
        partner = ok(
            call(
                platform,
                "partner-gateway",
                "POST",
                "/partners",
                story.agent,
                json={"name": name.title(), "email": story.mail(name), "kind": "external"},
            ),
            201,
        )
        solicitation = ok(
            call(
                platform,
                "partner-gateway",
                "POST",
                f"/dossiers/{story.dossier_id}/solicitations",
                story.agent,
                json={
                    "partner_id": partner["id"],
                    "type": kind,
                    "scope": scope,
                    "due_date": due,
                    "instructions": instructions,
                    "open_statuses": ["expertise"],
                    "confidential": confidential,
                },
            ),
            201,
        )
        assert solicitation["type"] == kind and solicitation["due_date"] == due
        story.partners[name].update(
            solicitation_id=solicitation["id"],
            key=solicitation["access_key"],
            instructions=instructions,
            due=due,
            scope=scope,
            type=kind,
        )
    return story


def test_partners_receive_their_keys_attach_and_lose_the_dossier_while_its_status_hides_it(platform):
    story = build_story(platform)
    banker, surveyor = "banker", "surveyor"

    # Each solicited partner gets exactly one email, with their own key; nobody else is written to
    # (the client: the move to the client-visible "Expertise" status).
    expected = {story.mail(name): 1 for name in story.partners} | {story.client_mail: 1}
    assert settle(platform, story.everyone, expected, 30) == expected
    for partner in story.partners.values():
        [mail] = mails_to(platform, [partner["mail"]])
        assert KEY_PATTERN.findall(text_of(mail)) == [partner["key"]]
    assert wait_deliveries(
        platform, story.dossier_id, "solicitation.created", {story.mail(name): 1 for name in story.partners}
    ) == {story.mail(name): 1 for name in story.partners}

    # Before attaching, a partner sees nothing.
    assert story.partner_dossier(banker).status_code == 404
    for name in (banker, surveyor):
        attached = ok(
            call(
                platform,
                "partner-gateway",
                "POST",
                "/attach",
                story.as_partner(name),
                json={"key": story.partners[name]["key"]},
            ),
            200,
        )
        assert attached["dossier_id"] == story.dossier_id
    assert story.listed_dossiers(banker) == [story.dossier_id]
    assert story.listed_dossiers("lawyer") == []

    # The partner view: a portal field and a CRM field read-only, the partner fields writable; nothing else.
    for name in (banker, surveyor):
        view = ok(story.partner_dossier(name), 200)
        modes = {field["key"]: field["mode"] for field in view["dossier"]["fields"]}
        assert modes == PARTNER_VIEW_MODES
        values = {field["key"]: field["value"] for field in view["dossier"]["fields"]}
        assert values["company"] == "Boulangerie Martin" and float(values["requested_amount"]) == 45000
        assert "instructor_notes" not in str(view) and "A second oven" not in str(view)
        # Of the people on the dossier, the partner reads the client's name and nothing else (issue 21).
        assert view["dossier"]["client_name"] == "Camille Boulanger"
        assert story.client_mail not in str(view) and story.client_sub not in str(view)
        [mine] = view["solicitations"]
        assert mine["solicitation"]["id"] == story.partners[name]["solicitation_id"]
        assert mine["solicitation"]["instructions"] == story.partners[name]["instructions"]
        assert mine["solicitation"]["due_date"] == story.partners[name]["due"]
        assert view["documents"] == [] and view["other_opinions"] == []

    # The instruction moves on to a status hidden from partners: both lose the dossier, and cannot act on it.
    move(platform, story.agent, story.dossier_id, "committee")
    for name in (banker, surveyor):
        assert platform.wait_until(lambda: story.partner_dossier(name).status_code == 404, timeout=20), name
        assert story.listed_dossiers(name) == []
    hidden = call(
        platform,
        "partner-gateway",
        "POST",
        f"/solicitations/{story.partners[banker]['solicitation_id']}/opinion",
        story.as_partner(banker),
        json={"verdict": "favorable"},
    )
    assert hidden.status_code == 404, hidden.text

    # It comes back to the partner-visible status: both see it again.
    move(platform, story.agent, story.dossier_id, "expertise")
    for name in (banker, surveyor):
        assert platform.wait_until(lambda: story.partner_dossier(name).status_code == 200, timeout=20), name
        assert story.listed_dossiers(name) == [story.dossier_id]
    # Status emails: the client for each client-visible move, the attached partners when the dossier comes back
    # to them; the hidden status told nobody, the partner who never attached heard nothing.
    expected = {story.client_mail: 2, story.mail(banker): 1, story.mail(surveyor): 1}
    assert wait_deliveries(platform, story.dossier_id, "dossier.status_changed", expected) == expected


def attached_story(platform) -> Story:
    """The story up to the banker and the surveyor attached (keys taken from the agent's answer)."""
    story = build_story(platform)
    for name in ("banker", "surveyor"):
        ok(
            call(
                platform,
                "partner-gateway",
                "POST",
                "/attach",
                story.as_partner(name),
                json={"key": story.partners[name]["key"]},
            ),
            200,
        )
        assert platform.wait_until(lambda: story.partner_dossier(name).status_code == 200, timeout=20), name
    return story


def test_partners_answer_the_agent_follows_the_answers_and_the_reminder_reaches_only_the_silent_one(platform):
    story = attached_story(platform)
    banker, surveyor = story.partners["banker"], story.partners["surveyor"]

    # The banker gives an opinion without any possibility of changing the dossier.
    modify = call(
        platform,
        "partner-gateway",
        "PATCH",
        f"/solicitations/{banker['solicitation_id']}/completion",
        banker["headers"],
        json={"values": {"financial_analysis": "Rewritten by the banker."}},
    )
    assert modify.status_code == 422, modify.text
    # The banker: an opinion with a comment and a supporting file, uploaded on their solicitation.
    analysis = ok(
        upload(
            platform,
            banker["headers"],
            banker["solicitation_id"],
            owner_type="solicitation",
            filename="debt-analysis.pdf",
            data=pdf_bytes("debt analysis"),
            category="opinion",
        ),
        201,
    )
    assert analysis["visibility"]["partner"] is False and analysis["visibility"]["client"] is False
    ok(
        call(
            platform,
            "partner-gateway",
            "POST",
            f"/solicitations/{banker['solicitation_id']}/opinion",
            banker["headers"],
            json={
                "verdict": "reserved",
                "comment": "Debt ratio at 38 %, acceptable with a guarantee.",
                "document_id": analysis["id"],
            },
        ),
        200,
    )
    ok(
        call(
            platform, "partner-gateway", "POST", f"/solicitations/{banker['solicitation_id']}/submit", banker["headers"]
        ),
        200,
    )

    # The agent sees the first answer arrive while the others are still waiting.
    panel = story.solicitations()
    assert panel["banker"]["state"] == "answered"
    assert panel["surveyor"]["state"] == "attached" and panel["lawyer"]["state"] == "pending"
    assert "reserved" in str(panel["banker"]) and analysis["id"] in str(panel["banker"])
    content = call(platform, "documents", "GET", f"/documents/{analysis['id']}/content", story.agent)
    assert content.status_code == 200 and content.content.startswith(b"%PDF-1.4\n% debt analysis")

    # The surveyor: a field outside their writable fields is refused, a partner field is completed, a piece
    # uploaded; the confidential financial opinion and the banker's file stay out of their sight.
    refused = call(
        platform,
        "partner-gateway",
        "PATCH",
        f"/solicitations/{surveyor['solicitation_id']}/completion",
        surveyor["headers"],
        json={"values": {"company": "Another company"}},
    )
    assert refused.status_code == 422, refused.text
    ok(
        call(
            platform,
            "partner-gateway",
            "PATCH",
            f"/solicitations/{surveyor['solicitation_id']}/completion",
            surveyor["headers"],
            json={"values": {"site_visit_date": "2026-12-02"}},
        ),
        200,
    )
    survey = ok(
        upload(
            platform,
            surveyor["headers"],
            surveyor["solicitation_id"],
            owner_type="solicitation",
            filename="site-survey.pdf",
            data=pdf_bytes("site survey"),
            category="supporting_piece",
        ),
        201,
    )
    surveyor_view = ok(story.partner_dossier("surveyor"), 200)
    assert surveyor_view["other_opinions"] == []
    assert "Debt ratio" not in str(surveyor_view)
    assert document_status(platform, surveyor["headers"], analysis["id"]) == 404
    assert document_status(platform, banker["headers"], survey["id"]) == 404
    ok(
        call(
            platform,
            "partner-gateway",
            "POST",
            f"/solicitations/{surveyor['solicitation_id']}/submit",
            surveyor["headers"],
        ),
        200,
    )

    # The agent sees both answers: the completed value is in the dossier, the answers on its timeline.
    panel = story.solicitations()
    assert [panel[name]["state"] for name in ("banker", "surveyor", "lawyer")] == ["answered", "answered", "pending"]
    dossier = ok(call(platform, "dossier", "GET", f"/dossiers/{story.dossier_id}", story.agent), 200)
    assert dossier["fields"]["site_visit_date"] == "2026-12-02"
    assert dossier["fields"]["company"] == "Boulangerie Martin"

    def answers_on_timeline() -> bool:
        timeline = ok(call(platform, "dossier", "GET", f"/dossiers/{story.dossier_id}/timeline", story.agent), 200)
        answered = {
            entry["details"].get("solicitation_id")
            for entry in timeline["items"]
            if entry["kind"] == "third_party_answer"
        }
        return answered == {banker["solicitation_id"], surveyor["solicitation_id"]}

    assert platform.wait_until(answers_on_timeline, timeout=20)
    # The applicant (client) sees neither the partners' answers nor their fields nor their files.
    client = platform.headers("client", story.client_sub, email=story.client_mail)
    seen = ok(call(platform, "dossier", "GET", f"/dossiers/{story.dossier_id}", client), 200)
    assert "site_visit_date" not in seen["fields"] and "financial_analysis" not in seen["fields"]
    client_timeline = ok(call(platform, "dossier", "GET", f"/dossiers/{story.dossier_id}/timeline", client), 200)
    assert not [entry for entry in client_timeline["items"] if entry["kind"] == "third_party_answer"]
    for document in (analysis, survey):
        assert document_status(platform, client, document["id"]) == 404
    assert document_status(platform, story.agent, survey["id"]) == 200

    # Remind: only the partner who has not answered is reminded, and only they get an email for it.
    reminded = ok(
        call(
            platform,
            "partner-gateway",
            "POST",
            f"/dossiers/{story.dossier_id}/solicitations/remind",
            story.agent,
            json={},
        ),
        200,
    )
    assert reminded["reminded"] == 1 and reminded["reminded_ids"] == [story.partners["lawyer"]["solicitation_id"]]
    assert wait_deliveries(platform, story.dossier_id, "solicitation.reminded", {story.mail("lawyer"): 1}) == {
        story.mail("lawyer"): 1
    }
    lawyer_mails = settle(platform, [story.mail("lawyer")], {story.mail("lawyer"): 2}, 30)
    assert lawyer_mails == {story.mail("lawyer"): 2}
    [reminder] = [mail for mail in mails_to(platform, [story.mail("lawyer")]) if not KEY_PATTERN.search(text_of(mail))]
    assert story.reference in reminder["Subject"] and story.partners["lawyer"]["due"] in text_of(reminder)
    assert story.solicitations()["lawyer"]["reminder_count"] == 1
    again = ok(
        call(
            platform,
            "partner-gateway",
            "POST",
            f"/dossiers/{story.dossier_id}/solicitations/remind",
            story.agent,
            json={},
        ),
        200,
    )
    assert (again["reminded"], again["skipped"]) == (0, 1), again  # within the quiet period: no second email
    # The partners' uploads are told to the assignee (staff see every file), to no partner and not to the client.
    assert wait_deliveries(platform, story.dossier_id, "document.added", {story.agent_mail: 2}) == {story.agent_mail: 2}
    outside_staff = [story.client_mail, *(partner["mail"] for partner in story.partners.values())]
    assert settle(platform, outside_staff, {}, 0) == {
        story.mail("lawyer"): 2,
        story.mail("banker"): 1,
        story.mail("surveyor"): 1,
        story.client_mail: 1,
    }


def test_the_agent_sends_a_document_and_a_generated_letter_that_the_partners_see_and_nothing_else(platform):
    story = attached_story(platform)
    banker, surveyor, lawyer = (story.partners[name] for name in ("banker", "surveyor", "lawyer"))
    admin = platform.headers("admin", unique("admin"))

    shared = ok(
        upload(
            platform,
            story.agent,
            story.dossier_id,
            filename="grant-conditions.pdf",
            data=pdf_bytes("conditions"),
            partner=True,
            category="other",
        ),
        201,
    )
    internal = ok(
        upload(
            platform,
            story.agent,
            story.dossier_id,
            filename="committee-memo.pdf",
            data=pdf_bytes("memo"),
            category="other",
        ),
        201,
    )
    for_client = ok(
        upload(
            platform,
            story.agent,
            story.dossier_id,
            filename="receipt.pdf",
            data=pdf_bytes("receipt"),
            client=True,
            category="other",
        ),
        201,
    )
    own = ok(
        upload(
            platform,
            banker["headers"],
            banker["solicitation_id"],
            owner_type="solicitation",
            filename="bank-statement.pdf",
            data=pdf_bytes("statement"),
            category="opinion",
        ),
        201,
    )

    template = ok(
        requests.post(
            platform.api("documents", "/templates"),
            headers=admin,
            timeout=30,
            data={"name": "Partner letter", "type": "letter", "entity": "dossier", "pdf_auto": "false"},
            files={"file": ("letter.docx", LETTER_TEMPLATE)},
        ),
        201,
    )
    fields = ok(call(platform, "documents", "GET", f"/templates/{template['id']}/fields", story.agent), 200)
    sources = {item["name"]: item["source"] for item in fields["fields"]}
    assert sources == {"dossier.reference": "entity", "dossier.title": "entity", "request_text": "input"}
    dossier = ok(call(platform, "dossier", "GET", f"/dossiers/{story.dossier_id}", story.agent), 200)
    letter = ok(
        call(
            platform,
            "documents",
            "POST",
            f"/templates/{template['id']}/render",
            story.agent,
            json={
                "owner_type": "dossier",
                "owner_id": story.dossier_id,
                "category": "letter",
                "filename": "Request letter",
                "context": {"dossier": {"reference": dossier["reference"], "title": dossier["title"]}},
                "inputs": {"request_text": "please send your invoices."},
                "visibility": {"client": False, "partner": True, "roles": []},
            },
        ),
        201,
    )
    assert letter["state"] == "ready"

    for name, partner in (("banker", banker), ("surveyor", surveyor)):
        view = ok(story.partner_dossier(name), 200)
        assert {item["id"] for item in view["documents"]} == {shared["id"], letter["id"]}, name
        assert visible_document_ids(platform, partner["headers"], "dossier", story.dossier_id) == {
            shared["id"],
            letter["id"],
        }
        body = call(platform, "documents", "GET", f"/documents/{letter['id']}/content", partner["headers"])
        assert body.status_code == 200
        text = "\n".join(paragraph.text for paragraph in docx.Document(io.BytesIO(body.content)).paragraphs)
        assert f"Letter about dossier {dossier['reference']}: Bakery extension" in text
        assert "Dear partner, please send your invoices." in text
        for hidden in (internal, for_client):
            assert document_status(platform, partner["headers"], hidden["id"]) == 404
    assert document_status(platform, banker["headers"], own["id"]) == 200
    assert document_status(platform, surveyor["headers"], own["id"]) == 404
    assert document_status(platform, lawyer["headers"], shared["id"]) == 404
    assert document_status(platform, lawyer["headers"], letter["id"]) == 404
    client = platform.headers("client", story.client_sub, email=story.client_mail)
    assert platform.wait_until(
        lambda: visible_document_ids(platform, client, "dossier", story.dossier_id) == {for_client["id"]}, timeout=20
    )

    # Who is told: each attached partner of the two partner documents, the client of theirs, the assignee of
    # the banker's file; the partner who never attached, nobody.
    expected = {banker["mail"]: 2, surveyor["mail"]: 2, story.client_mail: 1, story.agent_mail: 1}
    assert wait_deliveries(platform, story.dossier_id, "document.added", expected) == expected
    # In the mailboxes (each partner's two documents grouped into one email by the debounce window): the key,
    # then the documents; the client's status and document emails; the assignee's one.
    expected = {banker["mail"]: 2, surveyor["mail"]: 2, lawyer["mail"]: 1, story.client_mail: 2, story.agent_mail: 1}
    assert settle(platform, story.everyone, expected, GROUPED_TIMEOUT) == expected
    for who in (banker["mail"], surveyor["mail"]):
        texts = " ".join(text_of(mail) for mail in mails_to(platform, [who]))
        assert "grant-conditions.pdf" in texts and "Request letter" in texts
        for name in ("committee-memo.pdf", "receipt.pdf", "bank-statement.pdf"):
            assert name not in texts

    # Names, never another person's account id (architecture §5): the agent's note and files, the others.
    note = {"body": "The committee meets on Friday.", "visibility": "participants"}
    ok(call(platform, "dossier", "POST", f"/dossiers/{story.dossier_id}/notes", story.agent, json=note), 201)
    for name in ("banker", "surveyor"):
        view = ok(story.partner_dossier(name), 200)
        notes = [item for item in view["dossier"]["notes"] if item["body"] == note["body"]]
        assert [(item["author_name"], item.get("author_sub")) for item in notes] == [("Ines Instructor", None)]
        assert {item["id"] for item in view["documents"]} == {shared["id"], letter["id"]}  # the agent's uploads
        others = {story.agent_sub, story.client_sub, *(p["sub"] for n, p in story.partners.items() if n != name)}
        assert {sub for sub in others if sub in str(view)} == set(), name

    # A status hidden from partners hides their documents too.
    move(platform, story.agent, story.dossier_id, "committee")
    assert platform.wait_until(lambda: document_status(platform, banker["headers"], shared["id"]) == 404, timeout=20)
    assert document_status(platform, surveyor["headers"], letter["id"]) == 404


def test_an_internal_partner_gives_an_opinion_and_a_completion_from_the_crm_under_the_same_visibility_rule(platform):
    story = open_dossier(platform)
    expert_sub, expert_mail = unique("expert"), address("expert")
    expert = platform.headers("agent", expert_sub, email=expert_mail)
    partner = ok(
        call(
            platform,
            "partner-gateway",
            "POST",
            "/partners",
            story.agent,
            json={
                "name": "Economic development office",
                "email": expert_mail,
                "kind": "internal",
                "agent_sub": expert_sub,
            },
        ),
        201,
    )
    due = (date.today() + timedelta(days=7)).isoformat()
    solicitation = ok(
        call(
            platform,
            "partner-gateway",
            "POST",
            f"/dossiers/{story.dossier_id}/solicitations",
            story.agent,
            json={
                "partner_id": partner["id"],
                "type": "opinion_completion",
                "scope": "economic",
                "due_date": due,
                "instructions": "Opinion on jobs created, and the analysis field.",
                "open_statuses": ["expertise"],
            },
        ),
        201,
    )
    assert solicitation.get("access_key") is None and solicitation["state"] == "attached"
    solicitation_id = solicitation["id"]

    # The internal partner is told by email, without any key; nobody else is written to about it.
    assert wait_deliveries(platform, story.dossier_id, "solicitation.created", {expert_mail: 1}) == {expert_mail: 1}
    assert settle(platform, [expert_mail, story.agent_mail], {expert_mail: 1}, 30) == {expert_mail: 1}
    [notice] = mails_to(platform, [expert_mail])
    assert story.reference in notice["Subject"] and not KEY_PATTERN.search(text_of(notice))

    # From the CRM: the solicitation in their list, the dossier through the partner view only.
    mine = ok(call(platform, "partner-gateway", "GET", "/me/solicitations", expert), 200)["items"]
    assert [item["id"] for item in mine] == [solicitation_id]
    view = ok(call(platform, "partner-gateway", "GET", f"/me/dossiers/{story.dossier_id}", expert), 200)
    assert {field["key"]: field["mode"] for field in view["dossier"]["fields"]} == PARTNER_VIEW_MODES

    # The same status rule as for external partners.
    move(platform, story.agent, story.dossier_id, "committee")
    assert platform.wait_until(
        lambda: call(platform, "partner-gateway", "GET", f"/me/dossiers/{story.dossier_id}", expert).status_code == 404,
        timeout=20,
    )
    move(platform, story.agent, story.dossier_id, "expertise")
    assert platform.wait_until(
        lambda: call(platform, "partner-gateway", "GET", f"/me/dossiers/{story.dossier_id}", expert).status_code == 200,
        timeout=20,
    )

    # Opinion and completion together, then submit: both reach the agent.
    refused = call(
        platform,
        "partner-gateway",
        "PATCH",
        f"/solicitations/{solicitation_id}/completion",
        expert,
        json={"values": {"requested_amount": 1}},
    )
    assert refused.status_code == 422, refused.text
    ok(
        call(
            platform,
            "partner-gateway",
            "PATCH",
            f"/solicitations/{solicitation_id}/completion",
            expert,
            json={"values": {"financial_analysis": "Four jobs created in two years."}},
        ),
        200,
    )
    ok(
        call(
            platform,
            "partner-gateway",
            "POST",
            f"/solicitations/{solicitation_id}/opinion",
            expert,
            json={"verdict": "favorable", "comment": "Supports local employment."},
        ),
        200,
    )
    ok(call(platform, "partner-gateway", "POST", f"/solicitations/{solicitation_id}/submit", expert), 200)
    [answered] = ok(
        call(platform, "partner-gateway", "GET", f"/dossiers/{story.dossier_id}/solicitations", story.agent), 200
    )["items"]
    assert answered["state"] == "answered" and "favorable" in str(answered)
    dossier = ok(call(platform, "dossier", "GET", f"/dossiers/{story.dossier_id}", story.agent), 200)
    assert dossier["fields"]["financial_analysis"] == "Four jobs created in two years."
    assert float(dossier["fields"]["requested_amount"]) == 45000
    late = call(
        platform,
        "partner-gateway",
        "POST",
        f"/solicitations/{solicitation_id}/opinion",
        expert,
        json={"verdict": "unfavorable"},
    )
    assert late.status_code == 409, late.text


def test_a_partner_cannot_present_a_document_they_may_not_see_as_their_supporting_file(platform):
    story = open_dossier(platform)
    partner = ok(
        call(
            platform,
            "partner-gateway",
            "POST",
            "/partners",
            story.agent,
            json={"name": "Banker", "email": story.mail("banker"), "kind": "external"},
        ),
        201,
    )
    solicitation = ok(
        call(
            platform,
            "partner-gateway",
            "POST",
            f"/dossiers/{story.dossier_id}/solicitations",
            story.agent,
            json={
                "partner_id": partner["id"],
                "type": "opinion",
                "scope": "financial",
                "due_date": (date.today() + timedelta(days=5)).isoformat(),
                "open_statuses": ["expertise"],
            },
        ),
        201,
    )
    banker = story.as_partner("banker")
    ok(call(platform, "partner-gateway", "POST", "/attach", banker, json={"key": solicitation["access_key"]}), 200)
    internal = ok(
        upload(platform, story.agent, story.dossier_id, filename="committee-memo.pdf", data=pdf_bytes("memo")), 201
    )
    assert document_status(platform, banker, internal["id"]) == 404
    for foreign in (internal["id"], str(uuid.uuid4())):
        answer = call(
            platform,
            "partner-gateway",
            "POST",
            f"/solicitations/{solicitation['id']}/opinion",
            banker,
            json={"verdict": "favorable", "document_id": foreign},
        )
        assert answer.status_code == 422, answer.text
        assert list(answer.json()["errors"]) == ["document_id"]
    assert (
        ok(call(platform, "partner-gateway", "GET", f"/solicitations/{solicitation['id']}/history", banker), 200) == []
    )
    # Their own upload on the solicitation is accepted.
    mine = ok(
        upload(
            platform,
            banker,
            solicitation["id"],
            owner_type="solicitation",
            filename="analysis.pdf",
            data=pdf_bytes("analysis"),
        ),
        201,
    )
    ok(
        call(
            platform,
            "partner-gateway",
            "POST",
            f"/solicitations/{solicitation['id']}/opinion",
            banker,
            json={"verdict": "favorable", "document_id": mine["id"]},
        ),
        200,
    )
