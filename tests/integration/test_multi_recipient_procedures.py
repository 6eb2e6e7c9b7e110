"""Scenario of the multi-recipient procedures (source document ``multi-recipient-procedures.txt``), told over
the real platform.

An admin prepares a rental procedure with contributor roles (tenant, co-tenant, guarantor) and assigns the
supporting pieces to each role. On a dossier, the agent invites one person per role: two with the
invitation email ("notify the recipient"), one without (the agent hands the key over). Each contributor
attaches with their key, sees only the pieces of their role, uploads them through the documents service as
themselves and provides them; nobody sees or provides another role's pieces, and only the right people
get emails. Once the agent closes the dossier, contributors can no longer upload or provide anything.
When the procedure allows it, the applicant (the dossier's client) invites a contributor themselves.
"""

from __future__ import annotations

import uuid

from scenario_helpers import (
    GROUPED_TIMEOUT,
    KEY_PATTERN,
    address,
    call,
    create_model,
    key_in_mail,
    mails_to,
    ok,
    pdf_bytes,
    settle,
    text_of,
    unique,
    upload,
)
from scenario_partners_helpers import visible_document_ids, wait_deliveries

ROLES = {"tenant": "Tenant", "co_tenant": "Co-tenant", "guarantor": "Guarantor"}
PIECES = {
    "tenant": ["tenant_id", "tenant_payslips"],
    "co_tenant": ["co_tenant_id", "co_tenant_payslips"],
    "guarantor": ["guarantee_deed", "guarantor_tax_notice"],
}

MODEL = {
    "name": "Flat-share rental application",
    "category": "housing",
    "client_can_create": False,
    "fields": [
        {"key": "flat", "label": "Flat", "type": "text", "required": True},
        {"key": "rent", "label": "Monthly rent", "type": "amount", "financial": True},
    ],
    "views": {
        "portal": [{"key": "flat", "mode": "read"}],
        "crm": [{"key": "flat", "mode": "write"}, {"key": "rent", "mode": "write"}],
        "partner": [],
    },
    "statuses": [
        {"code": "collecting", "label": "Collecting pieces", "initial": True},
        {"code": "complete", "label": "Complete"},
        {"code": "signed", "label": "Lease signed", "terminal": True},
    ],
    "transitions": [{"from": "collecting", "to": "complete"}, {"from": "complete", "to": "signed"}],
    "roles": [{"code": code, "label": label} for code, label in ROLES.items()],
    "pieces": [
        {"code": code, "label": code.replace("_", " ").capitalize(), "role": role, "required": True}
        for role, codes in PIECES.items()
        for code in codes
    ],
}


class Rental:
    """The agent, the main applicant (client) and one contributor per role, with unique identities."""

    def __init__(self, platform):
        self.platform = platform
        self.agent_sub, self.agent_mail = unique("agent"), address("agent")
        self.client_sub, self.client_mail = unique("applicant"), address("applicant")
        self.agent = platform.headers("agent", self.agent_sub, email=self.agent_mail)
        self.client = platform.headers("client", self.client_sub, email=self.client_mail)
        self.people = {role: {"mail": address(role), "sub": unique(role)} for role in ROLES}
        for person in self.people.values():
            person["headers"] = platform.headers("partner", person["sub"], email=person["mail"])
        self.dossier_id = self.reference = ""

    @property
    def everyone(self) -> list[str]:
        return [self.agent_mail, self.client_mail, *(person["mail"] for person in self.people.values())]

    def my_pieces(self, role: str) -> list[dict]:
        return ok(call(self.platform, "partner-gateway", "GET", "/me/pieces", self.people[role]["headers"]), 200)


def open_rental(platform, model: dict = MODEL) -> Rental:
    rental = Rental(platform)
    model_id = create_model(platform, model)
    model = ok(call(platform, "dossier", "GET", f"/models/{model_id}", rental.agent), 200)
    assert {role["code"]: [piece["code"] for piece in role["pieces"]] for role in model["roles"]} == PIECES
    dossier = ok(
        call(
            platform,
            "dossier",
            "POST",
            "/dossiers",
            rental.agent,
            json={
                "model_id": model_id,
                "title": "12 rue des Lilas, flat 4",
                "client_sub": rental.client_sub,
                "client_email": rental.client_mail,
                "assignee_sub": rental.agent_sub,
                "assignee_email": rental.agent_mail,
                "fields": {"flat": "12 rue des Lilas, 4th floor", "rent": 1450},
            },
        ),
        201,
    )
    rental.dossier_id, rental.reference = dossier["id"], dossier["reference"]
    return rental


def invite(platform, rental: Rental, role: str, notify: bool) -> dict:
    person = rental.people[role]
    invited = ok(
        call(
            platform,
            "partner-gateway",
            "POST",
            f"/dossiers/{rental.dossier_id}/contributors",
            rental.agent,
            json={"kind": "contributor", "role": role, "name": ROLES[role], "email": person["mail"], "notify": notify},
        ),
        201,
    )
    assert invited["role"] == role and invited["state"] == "invited" and invited["notify"] is notify
    person["contributor_id"] = invited["id"]
    return invited


def test_invitations_reach_only_the_notified_contributors_and_each_sees_and_provides_only_their_roles_pieces(platform):
    rental = open_rental(platform)
    tenant, co_tenant, guarantor = (rental.people[role] for role in ROLES)

    # Invitations: the tenant and the co-tenant by email, the guarantor without (the key comes back to the agent).
    assert invite(platform, rental, "tenant", notify=True).get("access_key") is None
    assert invite(platform, rental, "co_tenant", notify=True).get("access_key") is None
    guarantor["key"] = invite(platform, rental, "guarantor", notify=False)["access_key"]
    assert KEY_PATTERN.fullmatch(guarantor["key"])
    listed = ok(
        call(platform, "partner-gateway", "GET", f"/dossiers/{rental.dossier_id}/contributors", rental.agent), 200
    )["items"]
    assert sorted(item["role"] for item in listed) == sorted(ROLES)

    expected = {tenant["mail"]: 1, co_tenant["mail"]: 1}
    assert settle(platform, rental.everyone, expected, 30) == expected
    assert wait_deliveries(platform, rental.dossier_id, "contributor.invited", expected) == expected
    for person in (tenant, co_tenant):
        [mail] = mails_to(platform, [person["mail"]])
        [person["key"]] = KEY_PATTERN.findall(text_of(mail))
    assert tenant["key"] != co_tenant["key"]
    assert guarantor["key"] not in " ".join(text_of(mail) for mail in mails_to(platform, rental.everyone))

    # Each contributor attaches with their key and sees the pieces of their role only.
    for person in rental.people.values():
        attached = ok(
            call(platform, "partner-gateway", "POST", "/attach", person["headers"], json={"key": person["key"]}), 200
        )
        assert attached["dossier_id"] == rental.dossier_id and attached["id"] == person["contributor_id"]
    reused = call(
        platform,
        "partner-gateway",
        "POST",
        "/attach",
        platform.headers("partner", unique("intruder")),
        json={"key": tenant["key"]},
    )
    assert reused.status_code == 409, reused.text
    for role, person in rental.people.items():
        assert platform.wait_until(lambda: rental.my_pieces(role), timeout=20), role
        [mine] = rental.my_pieces(role)
        assert mine["role"] == role and mine["dossier_id"] == rental.dossier_id
        assert [piece["code"] for piece in mine["pieces"]] == PIECES[role]
        assert all(piece["document_ids"] == [] for piece in mine["pieces"])
        # A contributor is not a partner: no dossier view through the partner routes.
        assert (
            call(platform, "partner-gateway", "GET", f"/me/dossiers/{rental.dossier_id}", person["headers"]).status_code
            == 404
        )

    # The agent drops a form for the guarantor only.
    form = ok(
        upload(
            platform,
            rental.agent,
            rental.dossier_id,
            filename="guarantee-form.pdf",
            data=pdf_bytes("guarantee form"),
            roles="guarantor",
            category="other",
        ),
        201,
    )

    # Each uploads their pieces through the documents service as themselves and provides them; the upload stays
    # between them and staff whatever they ask (issue 14: one contributor never reads another's pieces, even in
    # the same role, until staff share them).
    uploaded: dict[str, list[str]] = {}
    for role, person in rental.people.items():
        uploaded[role] = []
        for code in PIECES[role]:
            asked = {"roles": "guarantor", "client": True, "partner": True} if role == "tenant" else {"roles": role}
            document = ok(
                upload(
                    platform,
                    person["headers"],
                    rental.dossier_id,
                    filename=f"{code}.pdf",
                    data=pdf_bytes(code),
                    category="supporting_piece",
                    **asked,
                ),
                201,
            )
            assert document["visibility"] == {"client": False, "partner": False, "roles": [], "financial": False}
            uploaded[role].append(document["id"])
            ok(
                call(
                    platform,
                    "partner-gateway",
                    "POST",
                    f"/me/pieces/{person['contributor_id']}/{code}",
                    person["headers"],
                    json={"document_id": document["id"]},
                ),
                201,
            )
        other_code = PIECES["guarantor" if role != "guarantor" else "tenant"][0]
        refused = call(
            platform,
            "partner-gateway",
            "POST",
            f"/me/pieces/{person['contributor_id']}/{other_code}",
            person["headers"],
            json={"document_id": uploaded[role][0]},
        )
        assert refused.status_code == 404, (role, refused.text)
        others = [other for other in rental.people.values() if other is not person]
        assert (
            call(
                platform,
                "partner-gateway",
                "POST",
                f"/me/pieces/{others[0]['contributor_id']}/{PIECES[role][0]}",
                person["headers"],
                json={"document_id": uploaded[role][0]},
            ).status_code
            == 404
        )

    # What each one sees: their role's pieces and documents, never another role's.
    for role, person in rental.people.items():
        [mine] = rental.my_pieces(role)
        assert {piece["code"]: piece["document_ids"] for piece in mine["pieces"]} == {
            code: [document_id] for code, document_id in zip(PIECES[role], uploaded[role], strict=False)
        }
        expected_ids = set(uploaded[role]) | ({form["id"]} if role == "guarantor" else set())
        assert visible_document_ids(platform, person["headers"], "dossier", rental.dossier_id) == expected_ids
        for other_role, documents in uploaded.items():
            if other_role != role:
                for document_id in documents:
                    assert (
                        call(
                            platform, "documents", "GET", f"/documents/{document_id}/content", person["headers"]
                        ).status_code
                        == 404
                    )
    # The agent sees every piece; the main applicant (client) sees none of the contributors' pieces.
    everything = {form["id"], *(document_id for documents in uploaded.values() for document_id in documents)}
    assert visible_document_ids(platform, rental.agent, "dossier", rental.dossier_id) == everything
    assert platform.wait_until(
        lambda: visible_document_ids(platform, rental.client, "dossier", rental.dossier_id) == set(), timeout=20
    )

    # The agent follows the pieces as they are provided, on the dossier's timeline.
    def provided_on_timeline() -> set[tuple[str, str, str]]:
        timeline = ok(call(platform, "dossier", "GET", f"/dossiers/{rental.dossier_id}/timeline", rental.agent), 200)
        return {
            (entry["details"]["role"], entry["details"]["piece_code"], entry["details"]["document_id"])
            for entry in timeline["items"]
            if entry["kind"] == "piece"
        }

    every_piece = {
        (role, code, document_id)
        for role in ROLES
        for code, document_id in zip(PIECES[role], uploaded[role], strict=False)
    }
    assert platform.wait_until(lambda: provided_on_timeline() == every_piece, timeout=20), provided_on_timeline()

    # Who is told of the new documents: the assignee of every contributor upload, the guarantor of the form
    # for their role; a contributor is never told of another role's piece, the applicant of none.
    expected = {rental.agent_mail: 6, guarantor["mail"]: 1}
    assert wait_deliveries(platform, rental.dossier_id, "document.added", expected) == expected
    # The assignee: one grouped email of the new documents and one grouped email of the pieces provided.
    expected_mails = {tenant["mail"]: 1, co_tenant["mail"]: 1, guarantor["mail"]: 1, rental.agent_mail: 2}
    assert settle(platform, rental.everyone, expected_mails, GROUPED_TIMEOUT) == expected_mails
    [form_mail] = mails_to(platform, [guarantor["mail"]])
    assert "guarantee-form.pdf" in text_of(form_mail)


def test_a_contributor_cannot_provide_another_roles_document_as_their_piece(platform):
    rental = open_rental(platform)
    tenant, co_tenant = rental.people["tenant"], rental.people["co_tenant"]
    for role, person in (("tenant", tenant), ("co_tenant", co_tenant)):
        person["key"] = invite(platform, rental, role, notify=False)["access_key"]
        ok(call(platform, "partner-gateway", "POST", "/attach", person["headers"], json={"key": person["key"]}), 200)
    theirs = ok(
        upload(
            platform,
            co_tenant["headers"],
            rental.dossier_id,
            filename="co_tenant_id.pdf",
            data=pdf_bytes("co-tenant id"),
            category="supporting_piece",
        ),
        201,
    )
    assert call(platform, "documents", "GET", f"/documents/{theirs['id']}", tenant["headers"]).status_code == 404
    for foreign in (theirs["id"], str(uuid.uuid4())):
        provided = call(
            platform,
            "partner-gateway",
            "POST",
            f"/me/pieces/{tenant['contributor_id']}/tenant_id",
            tenant["headers"],
            json={"document_id": foreign},
        )
        assert provided.status_code == 422, provided.text
        assert list(provided.json()["errors"]) == ["document_id"]
    [mine] = rental.my_pieces("tenant")
    assert all(piece["document_ids"] == [] for piece in mine["pieces"])


def closed_rental_with_a_tenant(platform) -> tuple[Rental, dict, dict]:
    """A rental dossier whose attached tenant uploaded one piece before the agent closed it."""
    rental = open_rental(platform)
    tenant = rental.people["tenant"]
    tenant["key"] = invite(platform, rental, "tenant", notify=False)["access_key"]
    ok(call(platform, "partner-gateway", "POST", "/attach", tenant["headers"], json={"key": tenant["key"]}), 200)
    early = ok(
        upload(platform, tenant["headers"], rental.dossier_id, filename="tenant_id.pdf", data=pdf_bytes("id")), 201
    )
    ok(call(platform, "dossier", "POST", f"/dossiers/{rental.dossier_id}/close", rental.agent), 200)
    return rental, tenant, early


def tenant_writes(platform, rental: Rental, tenant: dict, early: dict) -> tuple[int, int]:
    """(upload status, provide-piece status) once the closing has reached the other services."""

    def upload_status() -> int:
        return upload(
            platform, tenant["headers"], rental.dossier_id, filename="tenant_payslips.pdf", data=pdf_bytes("payslips")
        ).status_code

    platform.wait_until(lambda: upload_status() != 201, timeout=20)
    provided = call(
        platform,
        "partner-gateway",
        "POST",
        f"/me/pieces/{tenant['contributor_id']}/tenant_id",
        tenant["headers"],
        json={"document_id": early["id"]},
    )
    return upload_status(), provided.status_code


def test_once_the_rental_dossier_is_closed_contributors_can_no_longer_upload_or_provide_pieces(platform):
    rental, tenant, early = closed_rental_with_a_tenant(platform)
    uploaded, provided = tenant_writes(platform, rental, tenant, early)
    assert uploaded in (404, 409) and provided in (404, 409)
    # The agent still reads everything; the tenant keeps their own upload.
    assert call(platform, "documents", "GET", f"/documents/{early['id']}", rental.agent).status_code == 200
    assert call(platform, "documents", "GET", f"/documents/{early['id']}", tenant["headers"]).status_code == 200


def test_a_contributors_write_on_a_closed_dossier_is_a_409_conflict(platform):
    rental, tenant, early = closed_rental_with_a_tenant(platform)
    assert tenant_writes(platform, rental, tenant, early) == (409, 409)


def client_invites(platform, rental: Rental, headers: dict, **body):
    return call(
        platform,
        "partner-gateway",
        "POST",
        f"/dossiers/{rental.dossier_id}/contributors",
        headers,
        json={
            "kind": "contributor",
            "role": "co_tenant",
            "name": "Co-tenant",
            "email": rental.people["co_tenant"]["mail"],
            "notify": True,
            **body,
        },
    )


def test_the_applicant_invites_their_co_tenant_when_the_procedure_allows_it(platform):
    rental = open_rental(platform, {**MODEL, "client_can_invite": True})
    co_tenant = rental.people["co_tenant"]
    invited = ok(client_invites(platform, rental, rental.client), 201)
    assert (invited["role"], invited["access_key"]) == ("co_tenant", None)
    key = key_in_mail(platform, co_tenant["mail"])
    ok(call(platform, "partner-gateway", "POST", "/attach", co_tenant["headers"], json={"key": key}), 200)
    assert platform.wait_until(lambda: rental.my_pieces("co_tenant"), timeout=20)
    [mine] = rental.my_pieces("co_tenant")
    assert [piece["code"] for piece in mine["pieces"]] == PIECES["co_tenant"]

    # Participants stay the agents' choice, and another client cannot invite on this dossier.
    participant = client_invites(platform, rental, rental.client, kind="participant", role=None)
    assert participant.status_code == 403, participant.text
    stranger = platform.headers("client", unique("stranger"), email=address("stranger"))
    assert client_invites(platform, rental, stranger).status_code == 404
    listed = ok(
        call(platform, "partner-gateway", "GET", f"/dossiers/{rental.dossier_id}/contributors", rental.agent), 200
    )["items"]
    assert [item["role"] for item in listed] == ["co_tenant"]


def test_without_the_procedure_allowing_it_the_applicant_cannot_invite(platform):
    rental = open_rental(platform)
    refused = client_invites(platform, rental, rental.client)
    assert refused.status_code == 403, refused.text
    assert refused.headers["Content-Type"].startswith("application/problem+json")
    assert (
        ok(call(platform, "partner-gateway", "GET", f"/dossiers/{rental.dossier_id}/contributors", rental.agent), 200)[
            "items"
        ]
        == []
    )
