"""Financial documents over the real platform (docs/architecture.md §5: "participants never see financial items").

An agent shares an invoice (marked financial), a quote (financial by its category) and a plain document
with the client of a dossier that has a participant attached through the partner-gateway: the client sees
all three, the participant only the plain one (list, metadata, content), until staff unmark the invoice.
"""

from __future__ import annotations

from minimal_model import create_minimal_model
from scenario_helpers import call, ok, unique, upload


def _ids(platform, headers, dossier_id) -> list[str] | None:
    response = call(
        platform, "documents", "GET", "/documents", headers, params={"owner_type": "dossier", "owner_id": dossier_id}
    )
    return [item["id"] for item in response.json()["items"]] if response.status_code == 200 else None


def _reach(platform, headers, document_id) -> dict[str, int]:
    """What a caller gets for a document's metadata, its default content and its original rendition."""
    path = f"/documents/{document_id}"
    return {
        "metadata": call(platform, "documents", "GET", path, headers).status_code,
        "content": call(platform, "documents", "GET", f"{path}/content", headers).status_code,
        "pdf": call(platform, "documents", "GET", f"{path}/content", headers, params={"rendition": "pdf"}).status_code,
    }


VISIBLE = {"metadata": 200, "content": 200, "pdf": 200}
HIDDEN = {"metadata": 404, "content": 404, "pdf": 404}


def _attached_participant(platform, agent, dossier_id) -> dict:
    """A participant invited by the agent (key in the answer, no email) and attached with that key."""
    invited = {}

    def invite() -> bool:  # the gateway learns the dossier from dossier.created
        response = call(
            platform,
            "partner-gateway",
            "POST",
            f"/dossiers/{dossier_id}/contributors",
            agent,
            json={"kind": "participant", "name": "Plomberie Martin", "email": "plumber@example.org", "notify": False},
        )
        invited.update(response.json() if response.status_code == 201 else {})
        return response.status_code == 201

    assert platform.wait_until(invite, timeout=30), "the gateway never accepted the participant's invitation"
    participant = platform.headers("partner", unique("participant"))
    attached = ok(
        call(platform, "partner-gateway", "POST", "/attach", participant, json={"key": invited["access_key"]})
    )
    assert (attached["kind"], attached["dossier_id"]) == ("participant", dossier_id)
    return participant


def test_a_participant_never_sees_financial_documents_the_client_sees_until_staff_unmark_one(platform):
    agent = platform.headers("agent", unique("agent"))
    client_sub, org = unique("client"), unique("org")
    owner = platform.headers("client", client_sub, org=org)
    dossier_id = ok(
        call(
            platform,
            "dossier",
            "POST",
            "/dossiers",
            agent,
            json={
                "model_id": create_minimal_model(platform),
                "title": "Kitchen renovation",
                "client_sub": client_sub,
                "client_org": org,
            },
        )
    )["id"]
    participant = _attached_participant(platform, agent, dossier_id)

    invoice = ok(
        upload(
            platform,
            agent,
            dossier_id,
            filename="invoice-2026-001.pdf",
            category="invoice",
            client=True,
            financial=True,
        )
    )
    quote = ok(upload(platform, agent, dossier_id, filename="quote-17.pdf", category="quote", client=True))
    plan = ok(
        upload(platform, agent, dossier_id, filename="kitchen-plan.pdf", category="supporting_piece", client=True)
    )
    assert [document["visibility"]["financial"] for document in (invoice, quote, plan)] == [True, True, False]

    # The client side sees all three, once documents has learnt the dossier's client (dossier.created).
    everything = [invoice["id"], quote["id"], plan["id"]]
    assert platform.wait_until(lambda: _ids(platform, owner, dossier_id) == everything, timeout=30)
    assert _ids(platform, platform.headers("client", unique("colleague"), org=org), dossier_id) == everything
    for document in (invoice, quote, plan):
        assert _reach(platform, owner, document["id"]) == VISIBLE

    # The participant sees the plain document only: not listed, not readable, not downloadable.
    assert platform.wait_until(lambda: _ids(platform, participant, dossier_id) == [plan["id"]], timeout=30), _ids(
        platform, participant, dossier_id
    )
    assert _reach(platform, participant, plan["id"]) == VISIBLE
    for financial in (invoice, quote):
        assert _reach(platform, participant, financial["id"]) == HIDDEN

    # Staff unmark the invoice: the participant now sees it; the quote stays hidden.
    changed = ok(call(platform, "documents", "PATCH", f"/documents/{invoice['id']}", agent, json={"financial": False}))
    assert changed["visibility"] == {"client": True, "partner": False, "roles": [], "financial": False}
    assert _ids(platform, participant, dossier_id) == [invoice["id"], plan["id"]]
    assert _reach(platform, participant, invoice["id"]) == VISIBLE
    assert _reach(platform, participant, quote["id"]) == HIDDEN
    assert _ids(platform, owner, dossier_id) == everything
