"""Participants (intervenants) post notes with visibility ``participants`` (issue 4, source
``dossier-workspace.txt``: "Discussions: messages exchanged between the company's staff, the client and the
intervenants"), over the real platform.

The participant posts through the partner-gateway, which relays to the dossier service; the note is the
participant's own (author and event actor), staff and the client read it, the participant reads it back in
their view of the dossier, the dossier's other actors are emailed and the author is not. A contributor (not a
participant) cannot post; once the dossier is closed, the participant's note is refused with 409.
"""

from __future__ import annotations

from scenario_helpers import address, call, create_model, ok, unique
from scenario_partners_helpers import deliveries

MODEL = {
    "name": "Roof works",
    "category": "works",
    "client_can_create": False,
    "fields": [
        {"key": "site", "label": "Site", "type": "text", "required": True},
        {"key": "quote", "label": "Quote", "type": "amount", "financial": True},
    ],
    "views": {
        "portal": [{"key": "site", "mode": "read"}, {"key": "quote", "mode": "read"}],
        "crm": [{"key": "site", "mode": "write"}, {"key": "quote", "mode": "write"}],
        "partner": [],
    },
    "statuses": [
        {"code": "works", "label": "Works", "initial": True},
        {"code": "done", "label": "Done", "terminal": True},
    ],
    "transitions": [{"from": "works", "to": "done"}],
    "roles": [{"code": "guarantor", "label": "Guarantor"}],
    "pieces": [{"code": "payslip", "label": "Payslip", "role": "guarantor"}],
}


def notification_knows(platform, sub: str) -> bool:
    admin, cursor = platform.headers("admin", unique("admin")), None
    while True:
        page = ok(
            call(
                platform,
                "notification",
                "GET",
                "/contacts",
                admin,
                params={"limit": 100, **({"cursor": cursor} if cursor else {})},
            )
        )
        if any(contact["sub"] == sub for contact in page["items"]):
            return True
        cursor = page.get("next_cursor")
        if not cursor:
            return False


class Site:
    """A dossier with its client, its assignee, an attached participant and an attached contributor."""

    def __init__(self, platform):
        self.platform = platform
        self.agent_sub, self.agent_mail = unique("agent"), address("agent")
        self.owner_sub, self.owner_mail = unique("owner"), address("owner")
        self.participant_sub, self.participant_mail = unique("roofer"), address("roofer")
        self.agent = platform.headers("agent", self.agent_sub, email=self.agent_mail)
        self.owner = platform.headers("client", self.owner_sub, email=self.owner_mail)
        self.participant = platform.headers(
            "partner", self.participant_sub, email=self.participant_mail, name="Roofing Ltd"
        )
        self.contributor = platform.headers("partner", unique("guarantor"))
        model_id = create_model(platform, MODEL)
        self.id = ok(
            call(
                platform,
                "dossier",
                "POST",
                "/dossiers",
                self.agent,
                json={
                    "model_id": model_id,
                    "title": "Roof",
                    "client_sub": self.owner_sub,
                    "client_email": self.owner_mail,
                    "assignee_sub": self.agent_sub,
                    "assignee_email": self.agent_mail,
                    "fields": {"site": "3 impasse des Tuiles", "quote": 12000},
                },
            )
        )["id"]
        self.attach(self.participant, kind="participant", email=self.participant_mail)
        self.attach(self.contributor, kind="contributor", role="guarantor", email=address("guarantor"))
        # contributor.attached makes the participant one of the dossier's actors for the notification service
        # (it then knows their account): wait for it, so the emails below are decided with them in the picture.
        assert platform.wait_until(lambda: notification_knows(platform, self.participant_sub), timeout=30)

    def attach(self, headers: dict, **invitation) -> None:
        invited = ok(
            call(
                self.platform,
                "partner-gateway",
                "POST",
                f"/dossiers/{self.id}/contributors",
                self.agent,
                json={"name": invitation["kind"], "notify": False, **invitation},
            )
        )
        ok(call(self.platform, "partner-gateway", "POST", "/attach", headers, json={"key": invited["access_key"]}))

    def post(self, headers: dict, body: str):
        return call(
            self.platform, "partner-gateway", "POST", f"/me/dossiers/{self.id}/notes", headers, json={"body": body}
        )

    def notes(self, headers: dict) -> list[dict]:
        return ok(call(self.platform, "dossier", "GET", f"/dossiers/{self.id}/notes", headers))["items"]

    def participant_view(self) -> dict:
        return ok(call(self.platform, "partner-gateway", "GET", f"/me/dossiers/{self.id}", self.participant))


def test_a_participant_posts_a_note_that_staff_and_the_client_read_and_the_other_actors_hear_of(platform):
    site = Site(platform)
    ok(
        call(
            platform,
            "dossier",
            "POST",
            f"/dossiers/{site.id}/notes",
            site.agent,
            json={"body": "Margin is thin on this one.", "visibility": "internal"},
        )
    )
    ok(
        call(
            platform,
            "dossier",
            "POST",
            f"/dossiers/{site.id}/notes",
            site.agent,
            json={"body": "Scaffolding on Monday.", "visibility": "participants"},
        )
    )

    posted = site.post(site.participant, "Tiles delivered; we start Tuesday.")
    assert posted.status_code == 201, posted.text
    note = posted.json()
    assert (note["visibility"], note["author_sub"], note["author_role"], note["author_name"]) == (
        "participants",
        site.participant_sub,
        "partner",
        "Roofing Ltd",
    )

    # Staff and the client read it as the participant's note: staff by account, the client by name only.
    mine = [item for item in site.notes(site.agent) if item["id"] == note["id"]]
    assert [(item["body"], item["author_sub"]) for item in mine] == [
        ("Tiles delivered; we start Tuesday.", site.participant_sub)
    ]
    theirs = [item for item in site.notes(site.owner) if item["id"] == note["id"]]
    assert [(item["body"], item["author_name"], item.get("author_sub")) for item in theirs] == [
        ("Tiles delivered; we start Tuesday.", "Roofing Ltd", None)
    ]
    # The participant reads the discussion back: participants notes only, never internal ones nor money.
    view = site.participant_view()
    assert [item["body"] for item in view["dossier"]["notes"]] == [
        "Scaffolding on Monday.",
        "Tiles delivered; we start Tuesday.",
    ]
    assert "Margin is thin" not in str(view) and "12000" not in str(view)

    # The gateway's audit log names the participant and the request.
    audit = ok(call(platform, "partner-gateway", "GET", f"/dossiers/{site.id}/audit", site.agent))["items"]
    assert [(entry["action"], entry["actor_sub"]) for entry in audit if entry["action"] == "note.posted"] == [
        ("note.posted", site.participant_sub)
    ]

    # The note is the participant's act: the assignee and the client are told, the author is not (the agent's
    # participants note above reached the participant, so the participant is one of the dossier's actors).
    expected = {site.agent_mail.lower(): 1, site.owner_mail.lower(): 2}

    def told():
        found = deliveries(platform, site.id, "dossier.note_added")
        return found if all(found[who] >= count for who, count in expected.items()) else None

    assert platform.wait_until(told, timeout=60), deliveries(platform, site.id, "dossier.note_added")
    found = deliveries(platform, site.id, "dossier.note_added")
    assert (found[site.agent_mail.lower()], found[site.owner_mail.lower()], found[site.participant_mail.lower()]) == (
        1,
        2,
        1,
    )


def test_only_a_participant_posts_and_not_once_the_dossier_is_closed(platform):
    site = Site(platform)
    refused = site.post(site.contributor, "I am only a guarantor.")
    assert refused.status_code == 404, refused.text
    assert site.post(platform.headers("partner", unique("stranger")), "Hello?").status_code == 404
    assert site.post(site.owner, "Clients post through the dossier service.").status_code == 403
    assert site.notes(site.agent) == []

    ok(call(platform, "dossier", "POST", f"/dossiers/{site.id}/close", site.agent))
    closed = site.post(site.participant, "One more thing.")
    assert closed.status_code == 409, closed.text
    assert site.notes(site.agent) == []
    # The dossier stays readable to its participant.
    assert site.participant_view()["dossier"]["closed"] is True
