"""Scenario "dossier-workspace" (docs/sources/dossier-workspace.txt) over the real platform.

A dossier of a client company with two members, a participant (intervenant, invited through the
partner-gateway) and a partner. Documents, notes and status changes email the dossier's other actors
(the company's members who took part included) and nobody else; a member of another company sees nothing;
the participant sees what the client sees except the financial items (fields and documents, in the
dossier and in emails); closing the dossier keeps it readable and makes it read-only through every service.
"""

from __future__ import annotations

import subprocess
import time
from datetime import date, timedelta

import icalendar
import requests
from scenario_helpers import (
    GROUPED_TIMEOUT,
    address,
    call,
    create_model,
    key_in_mail,
    mail_counts,
    mails_to,
    new_mails,
    ok,
    settle,
    text_of,
    unique,
    upload,
)

MODEL = {
    "name": "Renovation site",
    "category": "works",
    "client_can_create": False,
    "fields": [
        {"key": "site", "label": "Site address", "type": "text", "required": True},
        {"key": "quote_amount", "label": "Quote amount", "type": "amount", "financial": True},
        {"key": "invoice_total", "label": "Invoiced", "type": "amount", "financial": True},
    ],
    "partner_fields": [{"key": "inspection", "label": "Inspection report", "type": "long_text"}],
    "views": {
        "portal": [
            {"key": "site", "mode": "read"},
            {"key": "quote_amount", "mode": "read"},
            {"key": "invoice_total", "mode": "read"},
        ],
        "crm": [
            {"key": "site", "mode": "write"},
            {"key": "quote_amount", "mode": "write"},
            {"key": "invoice_total", "mode": "write"},
        ],
        "partner": [
            {"key": "site", "mode": "read", "source": "portal"},
            {"key": "inspection", "mode": "write", "source": "partner"},
        ],
    },
    "statuses": [
        {"code": "planned", "label": "Planned", "initial": True},
        {"code": "works", "label": "Works in progress", "partner_visible": True},
        {"code": "costing", "label": "Internal costing", "client_visible": False, "partner_visible": True},
        {"code": "finished", "label": "Finished", "terminal": True},
    ],
    "transitions": [
        {"from": "planned", "to": "works"},
        {"from": "works", "to": "costing"},
        {"from": "costing", "to": "works"},
        {"from": "works", "to": "finished"},
    ],
}


def _created(response):
    return response.json() if response.status_code == 201 else None


class Workspace:
    """One dossier and its people (unique per test)."""

    def __init__(self, platform):
        self.platform = platform
        self.org = unique("org")
        self.agent_sub, self.agent_mail = unique("agent"), address("agent")
        self.owner_sub, self.owner_mail = unique("owner"), address("owner")
        self.colleague_sub, self.colleague_mail = unique("colleague"), address("colleague")
        self.stranger_mail = address("stranger")
        self.participant_mail, self.partner_mail = address("subcontractor"), address("inspector")
        self.agent = platform.headers("agent", self.agent_sub, email=self.agent_mail, name="Agnès Agent")
        self.owner = platform.headers("client", self.owner_sub, org=self.org, email=self.owner_mail, name="Olivier")
        self.colleague = platform.headers(
            "client", self.colleague_sub, org=self.org, email=self.colleague_mail, name="Claire"
        )
        self.stranger = platform.headers("client", unique("stranger"), org=unique("org"), email=self.stranger_mail)
        self.participant_sub = unique("participant")
        self.participant = platform.headers("partner", self.participant_sub, email=self.participant_mail)
        self.partner = platform.headers("partner", unique("partner"), email=self.partner_mail)
        model_id = create_model(platform, MODEL)
        self.dossier = ok(
            call(
                platform,
                "dossier",
                "POST",
                "/dossiers",
                self.agent,
                json={
                    "model_id": model_id,
                    "title": "Kitchen renovation",
                    "client_sub": self.owner_sub,
                    "client_org": self.org,
                    "client_email": self.owner_mail,
                    "assignee_sub": self.agent_sub,
                    "assignee_email": self.agent_mail,
                    "fields": {"site": "12 rue des Lilas", "quote_amount": 18250, "invoice_total": 9125},
                },
            )
        )
        self.id = self.dossier["id"]
        self.path = f"/dossiers/{self.id}"

    @property
    def everyone(self) -> list[str]:
        return [
            self.agent_mail,
            self.owner_mail,
            self.colleague_mail,
            self.stranger_mail,
            self.participant_mail,
            self.partner_mail,
        ]

    def move(self, to: str) -> None:
        ok(call(self.platform, "dossier", "POST", f"{self.path}/transitions", self.agent, json={"to": to}))

    def invite_participant(self) -> str:
        """Invite and attach the participant; their invitation's id."""
        ok(
            call(
                self.platform,
                "partner-gateway",
                "POST",
                f"{self.path}/contributors",
                self.agent,
                json={
                    "kind": "participant",
                    "name": "Plomberie Martin",
                    "email": self.participant_mail,
                    "notify": True,
                },
            )
        )
        key = key_in_mail(self.platform, self.participant_mail)
        attached = ok(call(self.platform, "partner-gateway", "POST", "/attach", self.participant, json={"key": key}))
        assert (attached["kind"], attached["dossier_id"]) == ("participant", self.id)
        return attached["id"]

    def participant_view(self):
        return call(self.platform, "partner-gateway", "GET", f"/me/dossiers/{self.id}", self.participant)

    def client_upload(self, headers, filename: str) -> dict:
        """A client's upload, once the documents service has learnt the dossier's client (dossier.created)."""
        uploaded = self.platform.wait_until(
            lambda: _created(upload(self.platform, headers, self.id, filename=filename)), timeout=30
        )
        assert uploaded, f"{filename}: the documents service never accepted the client's upload"
        return uploaded

    def documents(self, headers) -> list[str]:
        response = call(
            self.platform,
            "documents",
            "GET",
            "/documents",
            headers,
            params={"owner_type": "dossier", "owner_id": self.id},
        )
        return [item["id"] for item in ok(response)["items"]]


def keys_and_values(value, keys: set | None = None, values: set | None = None) -> tuple[set, set]:
    """Every key and every scalar value anywhere in a JSON document."""
    keys = set() if keys is None else keys
    values = set() if values is None else values
    if isinstance(value, dict):
        keys.update(value)
        for item in value.values():
            keys_and_values(item, keys, values)
    elif isinstance(value, list):
        for item in value:
            keys_and_values(item, keys, values)
    elif not isinstance(value, bool) and value is not None:
        values.add(value)
    return keys, values


def test_a_company_dossier_notifies_its_actors_hides_from_others_and_closes_read_only(platform):
    space = Workspace(platform)
    space.invite_participant()
    assert platform.wait_until(lambda: space.participant_view().status_code == 200, timeout=30)
    time.sleep(2)  # contributor.attached reaches the notification service before the round below
    assert mail_counts(platform, space.everyone) == {space.participant_mail: 1}  # the invitation

    # Who sees the dossier: both company members; not a member of another company.
    for member in (space.owner, space.colleague):
        assert ok(call(platform, "dossier", "GET", space.path, member))["fields"]["site"] == "12 rue des Lilas"
    assert call(platform, "dossier", "GET", space.path, space.stranger).status_code == 404
    assert (
        ok(call(platform, "dossier", "GET", "/dossiers", space.stranger, params={"q": space.dossier["reference"]}))[
            "items"
        ]
        == []
    )
    # The participant sees the client's view without any financial item.
    view = ok(space.participant_view())
    assert view["dossier"]["fields"] == {"site": "12 rue des Lilas"}
    keys, values = keys_and_values(view)
    assert not {"quote_amount", "invoice_total"} & keys
    assert not {18250, 9125, "18250", "9125", "18250.00", "9125.00"} & values  # whole values: an id may hold the digits

    # One round of activity, each by a different actor.
    before = mail_counts(platform, space.everyone)
    by_colleague = space.client_upload(space.colleague, "kitchen-plan.pdf")
    internal = ok(upload(platform, space.agent, space.id, filename="margin-calculation.pdf"))
    invoice = ok(
        upload(
            platform,
            space.agent,
            space.id,
            filename="invoice-2026-001.pdf",
            category="other",
            client=True,
            financial=True,
        )
    )
    ok(
        call(
            platform,
            "dossier",
            "POST",
            f"{space.path}/notes",
            space.agent,
            json={"body": "Works start Monday at 8.", "visibility": "participants"},
        )
    )
    ok(
        call(
            platform,
            "dossier",
            "POST",
            f"{space.path}/notes",
            space.agent,
            json={"body": "Check the subcontractor's insurance.", "visibility": "internal"},
        )
    )
    ok(call(platform, "dossier", "POST", f"{space.path}/notes", space.owner, json={"body": "Can we start earlier?"}))
    space.move("works")
    space.move("costing")  # hidden from clients: nobody is told

    # What each one sees of it.
    assert platform.wait_until(lambda: space.documents(space.owner) == [by_colleague["id"], invoice["id"]])
    assert space.documents(space.colleague) == [by_colleague["id"], invoice["id"]]
    assert space.documents(space.agent) == [by_colleague["id"], internal["id"], invoice["id"]]
    assert space.documents(space.stranger) == []
    assert (
        call(platform, "documents", "GET", f"/documents/{by_colleague['id']}/content", space.stranger).status_code
        == 404
    )
    assert space.documents(space.participant) == [by_colleague["id"]]  # not the internal nor the financial one
    assert [
        note["body"] for note in ok(call(platform, "dossier", "GET", f"{space.path}/notes", space.colleague))["items"]
    ] == ["Works start Monday at 8.", "Can we start earlier?"]
    assert call(platform, "dossier", "GET", f"{space.path}/notes", space.stranger).status_code == 404

    # Emails of the round (documents and notes grouped by the debounce window; statuses at once):
    #  the owner: the documents (colleague's plan, the invoice), the participants' note, "Works in progress";
    #  the colleague (an actor since their upload): the invoice, the two notes the client side may read
    #  (the participants' note, the owner's), "Works in progress";
    #  the assignee: the documents of the client side and the owner's note (not their own actions);
    #  the participant: the colleague's plan (not the financial invoice), the participants' note, the status;
    #  the stranger: nothing; the partner is not solicited yet.
    expected = {space.owner_mail: 3, space.colleague_mail: 3, space.agent_mail: 2, space.participant_mail: 3}
    settle(platform, space.everyone, {who: before.get(who, 0) + n for who, n in expected.items()}, GROUPED_TIMEOUT)
    assert new_mails(platform, space.everyone, before) == expected
    owner_texts = [text_of(mail) for mail in mails_to(platform, [space.owner_mail])]
    assert any("kitchen-plan.pdf" in text and "invoice-2026-001.pdf" in text for text in owner_texts)
    assert any("Works start Monday at 8." in text for text in owner_texts)
    assert not any(
        "margin-calculation" in text or "insurance" in text or "Internal costing" in text for text in owner_texts
    )
    agent_texts = [text_of(mail) for mail in mails_to(platform, [space.agent_mail])]
    assert any("Can we start earlier?" in text for text in agent_texts)
    assert any("kitchen-plan.pdf" in text for text in agent_texts)
    colleague_texts = [text_of(mail) for mail in mails_to(platform, [space.colleague_mail])]
    assert any("invoice-2026-001.pdf" in text for text in colleague_texts)
    assert any("Works start Monday at 8." in text and "Can we start earlier?" in text for text in colleague_texts)
    assert not any(
        "kitchen-plan" in text or "margin-calculation" in text or "insurance" in text for text in colleague_texts
    )
    participant_texts = [text_of(mail) for mail in mails_to(platform, [space.participant_mail])][1:]
    assert any("kitchen-plan.pdf" in text for text in participant_texts)
    assert not any(
        "Can we start earlier?" in text or "insurance" in text or "invoice-2026-001" in text
        for text in participant_texts
    )

    # A partner solicited for an inspection attaches while the status is visible to partners.
    partner_id = ok(
        call(
            platform,
            "partner-gateway",
            "POST",
            "/partners",
            space.agent,
            json={"name": "Inspector", "email": space.partner_mail, "kind": "external"},
        )
    )["id"]
    solicitation = ok(
        call(
            platform,
            "partner-gateway",
            "POST",
            f"{space.path}/solicitations",
            space.agent,
            json={
                "partner_id": partner_id,
                "type": "opinion_completion",
                "scope": "technical",
                "due_date": (date.today() + timedelta(days=7)).isoformat(),
                "open_statuses": ["costing"],
            },
        )
    )
    key = key_in_mail(platform, space.partner_mail)
    ok(call(platform, "partner-gateway", "POST", "/attach", space.partner, json={"key": key}))
    partner_path = f"/me/dossiers/{space.id}"
    assert platform.wait_until(
        lambda: call(platform, "partner-gateway", "GET", partner_path, space.partner).status_code == 200, timeout=30
    )
    space.move("works")

    # Closing: everything stays readable, nothing can change any more, through every service.
    ok(call(platform, "dossier", "POST", f"{space.path}/close", space.agent))
    closed = ok(call(platform, "dossier", "GET", space.path, space.owner))
    assert closed["closed"] is True and closed["closed_at"]
    for headers, method, suffix, body in (
        (space.agent, "PATCH", "", {"fields": {"site": "elsewhere"}}),
        (space.agent, "PATCH", "", {"title": "Renamed"}),
        (space.owner, "PATCH", "", {"client_reference": "MY-REF"}),
        (space.agent, "POST", "/notes", {"body": "late", "visibility": "requester"}),
        (space.colleague, "POST", "/notes", {"body": "late"}),
        (space.agent, "POST", "/transitions", {"to": "finished"}),
        (space.agent, "POST", "/developments", {"title": "late"}),
        (space.agent, "POST", "/close", None),
    ):
        response = call(platform, "dossier", method, space.path + suffix, headers, json=body)
        assert response.status_code == 409, (method, suffix, response.status_code, response.text)
    assert len(ok(call(platform, "dossier", "GET", f"{space.path}/notes", space.owner))["items"]) == 2

    solicitation_path = f"/solicitations/{solicitation['id']}"
    for method, suffix, body in (
        ("POST", "/opinion", {"verdict": "favorable", "comment": "late"}),
        ("PATCH", "/completion", {"values": {"inspection": "late"}}),
        ("POST", "/submit", None),
    ):
        response = call(platform, "partner-gateway", method, solicitation_path + suffix, space.partner, json=body)
        assert response.status_code in (404, 409), (suffix, response.status_code, response.text)
    assert (
        call(
            platform,
            "partner-gateway",
            "POST",
            f"{space.path}/contributors",
            space.agent,
            json={"kind": "participant", "name": "Late", "email": address("late"), "notify": False},
        ).status_code
        == 409
    )

    def upload_refused():
        return upload(platform, space.agent, space.id, filename="late.pdf").status_code == 409

    assert platform.wait_until(upload_refused, timeout=30), "documents must refuse uploads on a closed dossier"
    assert upload(platform, space.owner, space.id, filename="late.pdf").status_code == 409
    assert (
        call(
            platform, "documents", "PATCH", f"/documents/{internal['id']}", space.agent, json={"client": True}
        ).status_code
        == 409
    )
    assert call(platform, "documents", "DELETE", f"/documents/{invoice['id']}", space.agent).status_code == 409
    assert space.documents(space.owner) == [by_colleague["id"], invoice["id"]]
    assert call(platform, "documents", "GET", f"/documents/{invoice['id']}/content", space.owner).status_code == 200


def test_a_company_member_who_took_part_hears_of_later_changes(platform):
    space = Workspace(platform)
    space.client_upload(space.colleague, "photos.pdf")
    ok(call(platform, "dossier", "POST", f"{space.path}/notes", space.colleague, json={"body": "Photos attached."}))
    # The colleague's upload and note reach the owner and the assignee (a document email and a note email each).
    told = {space.owner_mail: 2, space.agent_mail: 2}
    assert settle(platform, space.everyone, told, GROUPED_TIMEOUT) == told
    before = mail_counts(platform, space.everyone)
    space.move("works")  # a client-visible status change: not grouped, sent at once
    expected = {space.owner_mail: 1, space.colleague_mail: 1}
    settle(platform, space.everyone, {who: before.get(who, 0) + n for who, n in expected.items()}, 20)
    assert new_mails(platform, space.everyone, before) == expected


def test_a_participant_still_reads_a_closed_dossier_and_its_documents(platform):
    space = Workspace(platform)
    space.invite_participant()
    assert platform.wait_until(lambda: space.participant_view().status_code == 200, timeout=30)
    shared = ok(upload(platform, space.agent, space.id, filename="handover.pdf", client=True))
    assert platform.wait_until(lambda: shared["id"] in space.documents(space.participant), timeout=30)
    ok(call(platform, "dossier", "POST", f"{space.path}/close", space.agent))
    assert platform.wait_until(lambda: upload(platform, space.agent, space.id).status_code == 409, timeout=30)
    assert ok(call(platform, "dossier", "GET", space.path, space.owner))["closed"] is True
    # the step that fails: the closed dossier is no longer readable to the participant
    assert space.participant_view().status_code == 200
    assert shared["id"] in space.documents(space.participant)


# ----- the workspace: quotes, orders, invoices, events, expenses, activities (issue 13) ------------------
WORKS_LINES = [
    {"label": "Demolition", "quantity": "2", "unit": "day", "unit_price": "480.00", "vat_rate": "20"},
    {"label": "Tiling", "quantity": "12.5", "unit": "m2", "unit_price": "38.90", "vat_rate": "10"},
    {"label": "Disposal", "quantity": "1", "unit": "lot", "unit_price": "149.99", "vat_rate": "20"},
]


def ok_bytes(response: requests.Response) -> bytes:
    assert response.status_code == 200, (response.url, response.status_code, response.text[:300])
    return response.content


def pdf_text(data: bytes) -> str:
    """The text of a PDF (poppler's pdftotext, as a reader would copy it)."""
    assert data.startswith(b"%PDF")
    return subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=data, capture_output=True, check=True
    ).stdout.decode()


def test_the_workspace_walks_the_source_from_quote_to_closing(platform):
    space = Workspace(platform)
    space.invite_participant()

    def dossier(method, path, headers=space.agent, **kwargs):
        return call(platform, "dossier", method, path, headers, **kwargs)

    # The dossier learns its participant from the gateway's contributor.attached.
    service = platform.headers("service", "service:partner-gateway")

    def participant_workspace():
        response = dossier("GET", f"{space.path}/third-party-workspace", service, params={"sub": space.participant_sub})
        return response.json() if response.status_code == 200 else None

    assert platform.wait_until(participant_workspace, timeout=30)

    # A quote with three lines, sent then accepted: it becomes an order with the same lines.
    quote = ok(dossier("POST", f"{space.path}/quotes", json={"title": "Kitchen works", "lines": WORKS_LINES}))
    # 960.00 + 192.00; 486.25 + 48.63 (48.625 rounded half-up); 149.99 + 30.00 (29.998)
    assert (quote["net"], quote["vat"], quote["total"]) == ("1596.24", "270.63", "1866.87")
    assert dossier("GET", f"/quotes/{quote['id']}", space.owner).status_code == 404  # a draft is staff's
    sent = ok(dossier("POST", f"/quotes/{quote['id']}/transitions", json={"to": "sent"}))
    assert sent["number"].startswith("QUO-")
    accepted = ok(dossier("POST", f"/quotes/{quote['id']}/transitions", json={"to": "accepted"}))
    order = accepted["order"]
    assert order["number"].startswith("ORD-") and order["total"] == "1866.87"
    assert ok(dossier("GET", f"/quotes/{quote['id']}", space.colleague))["status"] == "accepted"

    # Two activities on the order; totals per order and per dossier, read by the client.
    for minutes, text in ((180, "Demolition, day 1"), (150, "Tiling")):
        ok(
            dossier(
                "POST",
                f"{space.path}/activities",
                json={"order_id": order["id"], "worked_on": "2027-04-02", "minutes": minutes, "description": text},
            )
        )
    totals = ok(dossier("GET", f"{space.path}/activity-totals", space.owner))
    assert (totals["minutes"], totals["duration"], totals["orders"][0]["order_number"]) == (
        330,
        "5h30",
        order["number"],
    )

    # Part of the order invoiced (demolition, half the tiling), issued, paid in two payments.
    lines = [
        {"order_line_id": order["lines"][0]["id"]},
        {"order_line_id": order["lines"][1]["id"], "quantity": "6.25"},
    ]
    invoice = ok(dossier("POST", f"/orders/{order['id']}/invoices", json={"lines": lines}))
    issued = ok(dossier("POST", f"/invoices/{invoice['id']}/transitions", json={"to": "issued"}))
    assert issued["number"].startswith("INV-") and issued["total"] == "1419.44"  # 1152.00 + 243.13 + 24.31 (24.313)
    assert dossier("PATCH", f"/invoices/{invoice['id']}", json={"title": "x"}).status_code == 409
    # Its PDF, from the default financial Word template (installed in the documents service on first use),
    # converted by LibreOffice, filed under the dossier for the client side and marked financial.
    pdf = ok(dossier("POST", f"/invoices/{invoice['id']}/pdf", json={}), (201, 202))
    assert (pdf["number"], pdf["kind"]) == (issued["number"], "invoice")

    def pdf_ready():
        response = call(platform, "documents", "GET", f"/documents/{pdf['document_id']}", space.owner)
        return response.status_code == 200 and response.json()["state"] == "ready" and response.json()

    made = platform.wait_until(pdf_ready, timeout=120)
    assert made and made["visibility"]["financial"] is True and made["visibility"]["client"] is True
    assert made["category"] == "invoice" and made["filename"] == f"{issued['number']}.pdf"
    pdf_bytes = ok_bytes(call(platform, "documents", "GET", f"/documents/{made['id']}/content", space.owner))
    printed = pdf_text(pdf_bytes)
    assert issued["number"] in printed and "1419.44 EUR" in printed and "480.00 EUR" in printed
    assert ok(dossier("GET", f"/invoices/{invoice['id']}", space.owner))["pdf_document_id"] == made["id"]
    # Participants never see it, neither listed nor by its id.
    assert call(platform, "documents", "GET", f"/documents/{made['id']}", space.participant).status_code == 404
    assert made["id"] not in space.documents(space.participant) and made["id"] in space.documents(space.colleague)
    too_much = dossier("POST", f"/invoices/{invoice['id']}/payments", json={"amount": "1419.45"})
    assert too_much.status_code == 422 and "amount" in too_much.json()["errors"]
    ok(dossier("POST", f"/invoices/{invoice['id']}/payments", json={"amount": "700.00", "method": "transfer"}))
    assert ok(dossier("GET", f"/invoices/{invoice['id']}", space.owner))["status"] == "partially_paid"
    ok(dossier("POST", f"/invoices/{invoice['id']}/payments", json={"amount": "719.44", "method": "transfer"}))
    paid = ok(dossier("GET", f"/invoices/{invoice['id']}", space.owner))
    assert (paid["status"], paid["balance_due"]) == ("paid", "0.00")

    # A meeting with the client lands in the client's iCalendar feed (fetched without any token).
    meeting = ok(
        dossier(
            "POST",
            f"{space.path}/events",
            json={
                "kind": "meeting",
                "title": "Site handover",
                "starts_at": "2027-04-20T14:00:00",
                "ends_at": "2027-04-20T15:00:00",
                "timezone": "Europe/Paris",
                "location": "12 rue des Lilas",
                "attendees": [{"sub": space.owner_sub}, {"sub": space.participant_sub}],
            },
        )
    )
    feed_url = ok(dossier("POST", "/calendar/feed", space.owner, json={"name": "My works"}), 201)["url"]
    feed = requests.get(platform.api("dossier", feed_url[feed_url.index("/calendar/") :]), timeout=10)
    assert feed.status_code == 200 and feed.headers["Content-Type"].startswith("text/calendar")
    (vevent,) = [
        e for e in icalendar.Calendar.from_ical(feed.content).walk("VEVENT") if "Site handover" in e["summary"]
    ]
    assert vevent["uid"].startswith(meeting["id"]) and vevent["dtstart"].dt.hour == 14

    # Its attendees (the client, the participant; never the agent who scheduled it) are mailed the invitation.
    def invitation_to(mail_address):
        def is_invitation(message):
            return message["To"].lower() == mail_address.lower() and "Site handover" in message["Subject"]

        messages = platform.mailbox.wait_for(is_invitation, timeout=60)
        assert messages, f"no invitation to {mail_address}"
        return messages[0]

    for attendee_mail in (space.owner_mail, space.participant_mail):
        invitation = invitation_to(attendee_mail)
        (part,) = [p for p in invitation.iter_attachments() if p.get_content_type() == "text/calendar"]
        assert part.get_param("method") == "REQUEST"
        (invited,) = icalendar.Calendar.from_ical(part.get_content()).walk("VEVENT")
        assert invited["uid"].startswith(meeting["id"])
    assert not platform.mailbox.matching(
        lambda m: m["To"].lower() == space.agent_mail.lower() and "Site handover" in m["Subject"]
    )
    # Another place is a move: announced to the client with the updated .ics (a new SEQUENCE, the new place).
    ok(dossier("PATCH", f"/events/{meeting['id']}", json={"location": "Mairie annexe, salle 2"}))

    def moved_to_owner():
        def is_move(message):
            return (
                message["To"].lower() == space.owner_mail.lower()
                and "Site handover" in message["Subject"]
                and (message["Subject"].startswith(("Moved", "Déplacé")))
            )

        return platform.mailbox.wait_for(is_move, timeout=60)

    announced = moved_to_owner()
    assert announced, "the new place was not announced to the client"
    move_mail = announced[0]
    (part,) = [p for p in move_mail.iter_attachments() if p.get_content_type() == "text/calendar"]
    (moved,) = icalendar.Calendar.from_ical(part.get_content()).walk("VEVENT")
    assert str(moved["location"]) == "Mairie annexe, salle 2" and int(moved["sequence"]) == 1

    # An expense with its receipt, billed to the client: they list it and download the receipt.
    receipt = ok(upload(platform, space.agent, space.id, filename="skip-hire.pdf", client=True))
    expense = ok(
        dossier(
            "POST",
            f"{space.path}/expenses",
            json={
                "spent_on": "2027-04-03",
                "label": "Skip hire",
                "category": "purchase",
                "amount": "95.00",
                "vat_rate": "20",
                "billable": True,
                "receipt_document_id": receipt["id"],
            },
        )
    )
    listed = ok(dossier("GET", f"{space.path}/expenses", space.owner))["items"]
    assert [(item["id"], item["total"]) for item in listed] == [(expense["id"], "114.00")]
    content = platform.wait_until(
        lambda: (
            (r := call(platform, "documents", "GET", f"/documents/{receipt['id']}/content", space.owner)).status_code
            == 200
            and r
        ),
        timeout=30,
    )
    assert content and content.content.startswith(b"%PDF")

    # The participant (through the gateway's service route) sees all of that but the quote, order and invoice.
    view = participant_workspace()
    assert view and view["kind"] == "participant"
    assert [e["id"] for e in view["events"]] == [meeting["id"]]
    assert [e["id"] for e in view["expenses"]] == [expense["id"]]
    assert len(view["activities"]) == 2 and view["activity_totals"]["minutes"] == 330
    for financial in (quote["id"], order["id"], invoice["id"], quote["total"], issued["number"]):
        assert financial not in str(view)
    # The participant reads the same through the partner-gateway, with their own token.
    through_gateway = ok(
        call(platform, "partner-gateway", "GET", f"/me/dossiers/{space.id}/workspace", space.participant)
    )
    assert [e["id"] for e in through_gateway["events"]] == [meeting["id"]]
    assert [e["id"] for e in through_gateway["expenses"]] == [expense["id"]]
    assert through_gateway["activity_totals"]["minutes"] == 330 and through_gateway["read_only"] is False
    for financial in (quote["id"], order["id"], invoice["id"], quote["total"], issued["number"], made["id"]):
        assert financial not in str(through_gateway)
    # ... and people by name: the meeting's other attendee (the client) without their account id (architecture §5).
    [attendees] = [e["attendees"] for e in through_gateway["events"]]
    assert space.participant_sub in str(attendees) and space.owner_sub not in str(through_gateway)
    assert space.agent_sub not in str(through_gateway)
    # The client reads the meeting (list and single) with their own account id, the participant by name only;
    # staff read both ids.
    for answer in (
        ok(dossier("GET", f"{space.path}/events", space.owner))["items"][0],
        ok(dossier("GET", f"/events/{meeting['id']}", space.owner)),
    ):
        assert [a.get("sub") for a in answer["attendees"]] == [space.owner_sub, None]
        assert answer["attendees"][1]["name"] and space.participant_sub not in str(answer)
    staff_view = ok(dossier("GET", f"/events/{meeting['id']}"))["attendees"]
    assert [a["sub"] for a in staff_view] == [space.owner_sub, space.participant_sub]
    # ... and the receipt the agent filed without the agent's account id (staff keep it).
    for path in (f"/documents/{receipt['id']}", f"/documents?owner_type=dossier&owner_id={space.id}"):
        seen = ok(call(platform, "documents", "GET", path, space.owner))
        assert space.agent_sub not in str(seen)
    assert ok(call(platform, "documents", "GET", f"/documents/{receipt['id']}", space.owner))["uploaded_by"] == {
        "role": "agent"
    }
    assert ok(call(platform, "documents", "GET", f"/documents/{receipt['id']}", space.agent))["uploaded_by"] == {
        "sub": space.agent_sub,
        "role": "agent",
    }
    # The client reads the participants' names; the timeline names people, never raw ids.
    names = ok(dossier("GET", f"{space.path}/participants", space.owner))["items"]
    assert [row["name"] for row in names] == ["Plomberie Martin"]
    timeline = ok(dossier("GET", f"{space.path}/timeline", space.owner, params={"limit": 200}))["items"]
    kinds = {entry["kind"] for entry in timeline}
    assert {"quote_sent", "order_created", "invoice_issued", "payment_recorded", "event_scheduled"} <= kinds
    assert {"expense_recorded", "activity_logged"} <= kinds
    assert all(space.agent_sub not in entry["summary"] for entry in timeline)
    assert any("Agnès Agent" in entry["summary"] for entry in timeline if entry["kind"] == "quote_sent")

    # Closed: everything stays readable, every change is 409.
    ok(dossier("POST", f"{space.path}/close"))
    assert ok(dossier("GET", f"/invoices/{invoice['id']}", space.owner))["status"] == "paid"
    assert ok(dossier("GET", f"{space.path}/events", space.owner))["items"][0]["id"] == meeting["id"]
    for method, path, body in (
        ("POST", f"{space.path}/quotes", {"lines": WORKS_LINES}),
        ("POST", f"/orders/{order['id']}/invoices", {}),
        ("POST", f"/orders/{order['id']}/transitions", {"to": "delivered"}),
        ("POST", f"/invoices/{invoice['id']}/credit-notes", {}),
        ("PATCH", f"/events/{meeting['id']}", {"title": "Moved"}),
        ("POST", f"/events/{meeting['id']}/cancel", {}),
        ("POST", f"{space.path}/activities", {"order_id": order["id"], "worked_on": "2027-04-21", "minutes": 10}),
        ("POST", f"/invoices/{invoice['id']}/pdf", {}),
    ):
        response = dossier(method, path, json=body)
        assert response.status_code == 409, (path, response.text)
    # The PDF made before closing stays readable, and so does the participant's workspace.
    assert ok_bytes(call(platform, "documents", "GET", f"/documents/{made['id']}/content", space.owner))
    closed_view = ok(call(platform, "partner-gateway", "GET", f"/me/dossiers/{space.id}/workspace", space.participant))
    assert [e["id"] for e in closed_view["events"]] == [meeting["id"]]


def test_a_revoked_participant_loses_the_workspace_everywhere_and_a_foreign_receipt_is_refused(platform):
    space = Workspace(platform)
    invitation_id = space.invite_participant()
    service = platform.headers("service", "service:partner-gateway")

    def workspace_status():
        return call(platform, "partner-gateway", "GET", f"/me/dossiers/{space.id}/workspace", space.participant)

    assert platform.wait_until(lambda: workspace_status().status_code == 200, timeout=30)
    names = ok(call(platform, "dossier", "GET", f"{space.path}/participants", space.owner))["items"]
    assert [row["name"] for row in names] == ["Plomberie Martin"]

    # Revoked: the gateway refuses at once; contributor.revoked makes the dossier drop the participant too.
    ok(call(platform, "partner-gateway", "POST", f"/contributors/{invitation_id}/revoke", space.agent))
    assert workspace_status().status_code == 404

    def dropped_by_the_dossier():
        third_party = call(
            platform,
            "dossier",
            "GET",
            f"{space.path}/third-party-workspace",
            service,
            params={"sub": space.participant_sub},
        )
        listed = ok(call(platform, "dossier", "GET", f"{space.path}/participants", space.owner))["items"]
        return third_party.status_code == 404 and listed == []

    assert platform.wait_until(dropped_by_the_dossier, timeout=30)
    meeting = {
        "kind": "meeting",
        "title": "Kick-off",
        "starts_at": "2027-05-03T09:00:00",
        "ends_at": "2027-05-03T10:00:00",
        "timezone": "Europe/Paris",
        "attendees": [{"sub": space.participant_sub}],
    }
    refused = call(platform, "dossier", "POST", f"{space.path}/events", space.agent, json=meeting)
    assert refused.status_code == 422, refused.text

    # An expense's receipt must be a document of this dossier in the documents service.
    elsewhere = Workspace(platform)
    foreign = ok(upload(platform, space.agent, elsewhere.id, filename="other-receipt.pdf"))
    expense = {
        "spent_on": "2027-05-02",
        "label": "Parking",
        "category": "travel",
        "amount": "12.00",
        "vat_rate": "20",
        "billable": True,
    }
    for receipt_id in (foreign["id"], "00000000-0000-0000-0000-000000000000"):
        response = call(
            platform,
            "dossier",
            "POST",
            f"{space.path}/expenses",
            space.agent,
            json={**expense, "receipt_document_id": receipt_id},
        )
        assert response.status_code == 422 and "receipt_document_id" in response.json()["errors"], response.text
    assert ok(call(platform, "dossier", "GET", f"{space.path}/expenses", space.agent))["items"] == []
