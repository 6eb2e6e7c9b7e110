"""Scenario "attestation-requests" (docs/sources/attestation-requests.txt) over the real platform.

An admin puts two attestation templates on a product (a contract one and a vehicle-beneficiary one, Word
files with input tags whose labels and defaults are configured); an agent records a contract with a vehicle
and its premium receipts; the client asks for each attestation from the extranet and downloads the PDFs.
A terminated contract and an unpaid period are refused with their reasons. With prior validation the
conditions are waived, the attestation stays internal, the validator is told, one request is approved
(shared with the client) and one rejected (destroyed in every form). A template the documents service
cannot render fails the request at once, and the client and the product's validator are emailed.
A company colleague's request prints the contract's holder, in the template's language, on a PDF named .pdf
with a verification code and its QR code; anyone checks it (valid, expired, revoked) on the public page.
Emails: exactly who is told.
"""

from __future__ import annotations

import io
import re
import shutil
from datetime import date, timedelta

import pytest
import requests
import sqlalchemy
from pypdf import PdfReader
from scenario_helpers import address, call, docx_bytes, mail_counts, mails_to, ok, settle, text_of, unique

pytestmark = pytest.mark.skipif(
    not shutil.which("soffice"), reason="LibreOffice is not installed here (.ci/run installs it)"
)

TODAY = date.today()
PAID_NOW = {
    "period_start": (TODAY - timedelta(days=15)).isoformat(),
    "period_end": (TODAY + timedelta(days=15)).isoformat(),
    "amount_due": "300.00",
    "amount_paid": "300.00",
}
PAID_BEFORE = {
    "period_start": (TODAY - timedelta(days=60)).isoformat(),
    "period_end": (TODAY - timedelta(days=16)).isoformat(),
    "amount_due": "300.00",
    "amount_paid": "300.00",
}
PARTLY_PAID_NOW = {**PAID_NOW, "amount_paid": "120.00"}


CONTRACT_TEMPLATE = docx_bytes(
    "Attestation d'assurance du contrat {{ contract.number }} ({{ contract.product_name }})",
    "Assuré : {{ client.name }}",
    "Motif : {{ motif }}, du {{ date_debut }} au {{ date_fin }}",
)
VEHICLE_TEMPLATE = docx_bytes(
    "Attestation véhicule {{ beneficiary.name }} {{ beneficiary.description }}",
    "Contrat {{ contract.number }} de {{ client.name }}",
    "Usage : {{ usage }}",
)


def create_template(platform, admin, name: str, entity: str, content: bytes, inputs: list[dict]) -> str:
    template = ok(
        call(
            platform,
            "documents",
            "POST",
            "/templates",
            admin,
            data={"name": name, "type": "attestation", "entity": entity, "pdf_auto": "true"},
            files={"file": (f"{entity}.docx", content)},
        )
    )
    ok(call(platform, "documents", "PUT", f"/templates/{template['id']}/fields", admin, json={"fields": inputs}))
    return template["id"]


@pytest.fixture(scope="module")
def admin(platform):
    return platform.headers("admin", unique("admin"))


@pytest.fixture(scope="module")
def templates(platform, admin):
    """The two templates of the source document: a contract one and a beneficiary (vehicle) one."""
    contract = create_template(
        platform,
        admin,
        "Attestation temporaire",
        "contract",
        CONTRACT_TEMPLATE,
        [
            {"name": "motif", "label": "Motif de la déclaration", "default": "Déclaration annuelle"},
            {"name": "date_debut", "label": "Date de début", "default": None},
            {"name": "date_fin", "label": "Date de fin", "default": "31/12/2026"},
        ],
    )
    vehicle = create_template(
        platform,
        admin,
        "Carte verte",
        "beneficiary",
        VEHICLE_TEMPLATE,
        [{"name": "usage", "label": "Usage du véhicule", "default": "Promenade et trajet travail"}],
    )
    return {"contract": contract, "beneficiary": vehicle}


def new_product(platform, admin, templates, *, validator_sub: str | None = None) -> dict:
    product = ok(
        call(
            platform, "attestation", "POST", "/products", admin, json={"code": unique("AUTO"), "name": "Auto Sérénité"}
        )
    )
    configured = ok(
        call(
            platform,
            "attestation",
            "PUT",
            f"/products/{product['id']}/attestation-templates",
            admin,
            json=[
                {"template_id": templates["contract"], "extranet_title": "Attestation d'assurance"},
                {"template_id": templates["beneficiary"]},
            ],
        )
    )
    assert [(item["entity"], item["pdf_auto"]) for item in configured["templates"]] == [
        ("contract", True),
        ("beneficiary", True),
    ]
    if validator_sub:
        ok(
            call(
                platform,
                "attestation",
                "PUT",
                f"/products/{product['id']}/validation",
                admin,
                json={"required": True, "validators": {"subs": [validator_sub]}},
            )
        )
    return product


def new_contract(
    platform, agent, product, client_sub: str, client_mail: str, *, status="in_force", receipts=(PAID_BEFORE, PAID_NOW)
) -> dict:
    return ok(
        call(
            platform,
            "attestation",
            "POST",
            "/contracts",
            agent,
            json={
                "number": unique("CTR"),
                "product_id": product["id"],
                "owner_sub": client_sub,
                "owner_email": client_mail,
                "owner_name": "Jeanne Dupont",
                "status": status,
                "start_date": (TODAY - timedelta(days=300)).isoformat(),
                "beneficiaries": [{"kind": "vehicle", "registration": "AB-123-CD", "make": "Renault Clio"}],
                "receipts": list(receipts),
            },
        )
    )


def options_of(platform, client, contract) -> dict:
    return ok(call(platform, "attestation", "GET", f"/contracts/{contract['id']}/attestation-options", client))


def ask(platform, client, contract, **body):
    return call(
        platform, "attestation", "POST", "/attestation-requests", client, json={"contract_id": contract["id"], **body}
    )


def settled(platform, client, request_id: str, state: str, timeout: float = 150) -> dict:
    path = f"/attestation-requests/{request_id}"
    platform.wait_until(
        lambda: ok(call(platform, "attestation", "GET", path, client))["state"] in (state, "failed"),
        timeout=timeout,
        interval=0.5,
    )
    body = ok(call(platform, "attestation", "GET", path, client))
    assert body["state"] == state, body
    return body


def pdf_text(platform, headers, document_id: str) -> str:
    response = call(
        platform, "documents", "GET", f"/documents/{document_id}/content", headers, params={"rendition": "pdf"}
    )
    assert response.status_code == 200, response.text
    assert response.headers["Content-Type"] == "application/pdf"
    assert response.headers["Content-Disposition"].startswith("attachment")
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)


def sees(platform, headers, document_id: str) -> bool:
    return call(platform, "documents", "GET", f"/documents/{document_id}", headers).status_code == 200


def listed_documents(platform, headers, owner_type: str, owner_id: str) -> list[str]:
    body = ok(
        call(
            platform, "documents", "GET", "/documents", headers, params={"owner_type": owner_type, "owner_id": owner_id}
        )
    )
    return [item["id"] for item in body["items"]]


def test_a_client_requests_a_contract_and_a_vehicle_attestation_and_downloads_both_pdfs(platform, admin, templates):
    agent = platform.headers("agent", unique("agent"))
    product = new_product(platform, admin, templates)
    client_sub, client_mail = unique("client"), address("client")
    client = platform.headers("client", client_sub, email=client_mail, name="Jeanne Dupont")
    stranger_mail = address("stranger")
    stranger = platform.headers("client", unique("client"), email=stranger_mail)
    contract = new_contract(platform, agent, product, client_sub, client_mail)
    [vehicle] = contract["beneficiaries"]
    assert (vehicle["kind"], vehicle["label"]) == ("vehicle", "AB-123-CD")

    # The extranet button: enabled (in force, today paid); one template per entity, so no choice is offered.
    options = options_of(platform, client, contract)
    assert options["enabled"] is True and options["reasons"] == []
    assert options["validation_required"] is False
    assert options["choice_needed"] == {"contract": False, "beneficiary": False}
    by_entity = {item["entity"]: item for item in options["templates"]}
    assert by_entity["contract"]["title"] == "Attestation d'assurance"  # the extranet title
    assert by_entity["beneficiary"]["title"] == "Carte verte"  # no extranet title: the template's name
    assert sorted(by_entity["contract"]["fields"], key=lambda field: field["name"]) == [
        {"name": "date_debut", "label": "Date de début", "default": None, "required": True},
        {"name": "date_fin", "label": "Date de fin", "default": "31/12/2026", "required": False},
        {"name": "motif", "label": "Motif de la déclaration", "default": "Déclaration annuelle", "required": False},
    ]
    assert [item["id"] for item in options["beneficiaries"]] == [vehicle["id"]]
    assert (
        call(platform, "attestation", "GET", f"/contracts/{contract['id']}/attestation-options", stranger).status_code
        == 404
    )

    # The form's rules: a required input without default, a contract template for a beneficiary.
    missing = ask(platform, client, contract)
    assert missing.status_code == 422 and "date_debut" in missing.json()["errors"]["inputs"]
    wrong = ask(platform, client, contract, beneficiary_id=vehicle["id"], template_id=templates["contract"])
    assert wrong.status_code == 422 and "template_id" in wrong.json()["errors"]

    contract_request = ok(
        ask(platform, client, contract, inputs={"motif": "Salon de l'auto", "date_debut": "01/12/2026"})
    )
    vehicle_request = ok(ask(platform, client, contract, beneficiary_id=vehicle["id"]))
    assert contract_request["title"] == "Attestation d'assurance" and vehicle_request["title"] == "Carte verte"
    contract_done = settled(platform, client, contract_request["id"], "issued")
    vehicle_done = settled(platform, client, vehicle_request["id"], "issued")

    # Shared on the extranet: in the contract's (and the vehicle's) documents, downloadable as PDF.
    assert platform.wait_until(
        lambda: (
            sees(platform, client, contract_done["document_id"]) and sees(platform, client, vehicle_done["document_id"])
        )
    )
    assert listed_documents(platform, client, "contract", contract["id"]) == [contract_done["document_id"]]
    assert listed_documents(platform, client, "beneficiary", vehicle["id"]) == [vehicle_done["document_id"]]
    text = pdf_text(platform, client, contract_done["document_id"])
    assert f"Attestation d'assurance du contrat {contract['number']} (Auto Sérénité)" in text
    assert "Assuré : Jeanne Dupont" in text
    assert "Motif : Salon de l'auto, du 01/12/2026 au 31/12/2026" in text  # given, given, default
    text = pdf_text(platform, client, vehicle_done["document_id"])
    assert "Attestation véhicule AB-123-CD Renault Clio" in text
    assert f"Contrat {contract['number']} de Jeanne Dupont" in text
    assert "Usage : Promenade et trajet travail" in text  # the configured default
    assert not sees(platform, stranger, contract_done["document_id"])

    # Email: nobody else is told (the client's own email: test_the_client_is_emailed_when_an_attestation_is_issued).
    assert settle(platform, [stranger_mail], {}, 0) == {}


def test_the_client_is_emailed_when_an_attestation_is_issued(platform, admin, templates):
    agent = platform.headers("agent", unique("agent"))
    client_sub, client_mail = unique("client"), address("client")
    client = platform.headers("client", client_sub, email=client_mail)
    contract = new_contract(platform, agent, new_product(platform, admin, templates), client_sub, client_mail)
    request = ok(ask(platform, client, contract, inputs={"date_debut": "01/12/2026"}))
    settled(platform, client, request["id"], "issued")
    assert settle(platform, [client_mail], {client_mail: 1}, 30) == {client_mail: 1}


def test_a_terminated_contract_and_an_unpaid_period_are_refused_with_their_reasons(platform, admin, templates):
    agent = platform.headers("agent", unique("agent"))
    product = new_product(platform, admin, templates)
    client_sub, client_mail = unique("client"), address("client")
    client = platform.headers("client", client_sub, email=client_mail)
    terminated = new_contract(platform, agent, product, client_sub, client_mail, status="terminated")
    unpaid = new_contract(platform, agent, product, client_sub, client_mail, receipts=(PAID_BEFORE, PARTLY_PAID_NOW))
    never_billed = new_contract(platform, agent, product, client_sub, client_mail, receipts=())

    for contract, reason in (
        (terminated, "not_in_force"),
        (unpaid, "not_covered_by_paid_receipt"),
        (never_billed, "not_covered_by_paid_receipt"),
    ):
        options = options_of(platform, client, contract)
        assert options["enabled"] is False and reason in options["reasons"], options
        assert options["messages"] and options["templates"] == []
        refused = ask(platform, client, contract, inputs={"date_debut": "01/12/2026"})
        assert refused.status_code == 409, refused.text
        assert reason in refused.json()["errors"]["reasons"]
        requests_made = ok(
            call(
                platform, "attestation", "GET", "/attestation-requests", client, params={"contract_id": contract["id"]}
            )
        )
        assert requests_made["items"] == []
    assert options_of(platform, client, terminated)["reasons"] == ["not_in_force"]
    assert options_of(platform, client, unpaid)["reasons"] == ["not_covered_by_paid_receipt"]

    # Paying the period opens the button.
    ok(call(platform, "attestation", "POST", f"/contracts/{never_billed['id']}/receipts", agent, json=PAID_NOW))
    assert options_of(platform, client, never_billed)["enabled"] is True


def open_task(platform, validator, request_id: str) -> dict:
    def find():
        tasks = ok(
            call(platform, "attestation", "GET", "/validation-tasks", validator, params={"state": "open", "limit": 200})
        )["items"]
        return [task for task in tasks if task["request_id"] == request_id]

    [task] = platform.wait_until(find, timeout=30)
    return task


def test_with_prior_validation_one_request_is_approved_and_the_rejected_one_is_gone_in_all_forms(
    platform, admin, templates
):
    agent = platform.headers("agent", unique("agent"))
    validator_sub, validator_mail = unique("validator"), address("validator")
    other_agent_mail = address("other-agent")
    validator = platform.headers("agent", validator_sub, email=validator_mail)
    other_agent = platform.headers("agent", unique("agent"), email=other_agent_mail)
    ok(
        call(
            platform,
            "notification",
            "POST",
            "/contacts",
            admin,
            json={"email": validator_mail, "sub": validator_sub, "role": "agent", "name": "Val Idator"},
        )
    )
    product = new_product(platform, admin, templates, validator_sub=validator_sub)
    client_sub, client_mail = unique("client"), address("client")
    client = platform.headers("client", client_sub, email=client_mail)
    paid = new_contract(platform, agent, product, client_sub, client_mail)
    unpaid = new_contract(platform, agent, product, client_sub, client_mail, receipts=(PARTLY_PAID_NOW,))
    everyone = [validator_mail, other_agent_mail, client_mail]

    # With prior validation the payment condition is waived: the button is enabled on the unpaid contract.
    options = options_of(platform, client, unpaid)
    assert options["enabled"] is True and options["validation_required"] is True
    approved_request = ok(ask(platform, client, paid, inputs={"date_debut": "01/12/2026"}))
    rejected_request = ok(ask(platform, client, unpaid, beneficiary_id=unpaid["beneficiaries"][0]["id"]))
    for request in (approved_request, rejected_request):
        assert request["document_id"] is None and request["message"]  # "your request was sent for processing"
    pending = [
        settled(platform, client, item["id"], "pending_validation") for item in (approved_request, rejected_request)
    ]
    assert all(item["document_id"] is None for item in pending)
    to_approve = open_task(platform, validator, approved_request["id"])
    to_reject = open_task(platform, validator, rejected_request["id"])

    # Internal until decided: the validator opens it, the client cannot, nor list it.
    for task in (to_approve, to_reject):
        assert not sees(platform, client, task["document_id"])
        assert f"/documents/{task['document_id']}" in task["document_url"]
    assert f"Attestation d'assurance du contrat {paid['number']}" in pdf_text(
        platform, validator, to_approve["document_id"]
    )
    assert listed_documents(platform, client, "contract", paid["id"]) == []
    # Only the validators named on the product decide.
    assert (
        call(platform, "attestation", "POST", f"/validation-tasks/{to_approve['id']}/approve", other_agent).status_code
        == 403
    )
    # The validator is emailed once per task, the client not yet.
    assert settle(platform, everyone, {validator_mail: 2}, 30) == {validator_mail: 2}
    assert all("/validation-tasks/" in text_of(mail) for mail in mails_to(platform, [validator_mail]))

    rejected_doc = ok(call(platform, "documents", "GET", f"/documents/{to_reject['document_id']}", validator))
    assert {item["kind"] for item in rejected_doc["renditions"]} == {"docx", "pdf"}
    ok(call(platform, "attestation", "POST", f"/validation-tasks/{to_approve['id']}/approve", validator))
    ok(
        call(
            platform,
            "attestation",
            "POST",
            f"/validation-tasks/{to_reject['id']}/reject",
            validator,
            json={"reason": "Prime impayée"},
        )
    )
    assert (
        call(platform, "attestation", "POST", f"/validation-tasks/{to_reject['id']}/approve", validator).status_code
        == 409
    )

    # Approved: shared on the extranet at once.
    approved = settled(platform, client, approved_request["id"], "approved")
    assert approved["document_id"] == to_approve["document_id"]
    assert platform.wait_until(lambda: sees(platform, client, approved["document_id"]))
    assert listed_documents(platform, client, "contract", paid["id"]) == [approved["document_id"]]
    assert "Motif : Déclaration annuelle, du 01/12/2026 au 31/12/2026" in pdf_text(
        platform, client, approved["document_id"]
    )
    # Rejected: destroyed in every form, for staff too.
    rejected = settled(platform, client, rejected_request["id"], "rejected")
    assert rejected["document_id"] is None
    document_path = f"/documents/{to_reject['document_id']}"
    assert call(platform, "documents", "GET", document_path, validator).status_code == 404
    for rendition in ("docx", "pdf", None):
        params = {"rendition": rendition} if rendition else {}
        for headers in (validator, client):
            assert (
                call(platform, "documents", "GET", document_path + "/content", headers, params=params).status_code
                == 404
            )
    assert listed_documents(platform, validator, "beneficiary", unpaid["beneficiaries"][0]["id"]) == []

    # The client hears of each decision; nobody else got mail.
    before = mail_counts(platform, everyone)
    assert before[validator_mail] == 2
    counts = settle(platform, everyone, {client_mail: 2}, 30)
    assert counts == {validator_mail: 2, client_mail: 2}


# Every letter of the contract number has no ``missing`` attribute: the real documents service refuses the
# render with a 422 (a render error of the template), whatever the contract.
BROKEN_TEMPLATE = docx_bytes("Attestation {% for letter in contract.number %}{{ letter.missing.deeper }}{% endfor %}")


def test_a_render_the_documents_service_refuses_fails_the_request_and_tells_the_client_and_the_validator(
    platform, admin
):
    agent = platform.headers("agent", unique("agent"))
    validator_sub, validator_mail = unique("validator"), address("validator")
    ok(
        call(
            platform,
            "notification",
            "POST",
            "/contacts",
            admin,
            json={"email": validator_mail, "sub": validator_sub, "role": "agent", "name": "Val Idator"},
        )
    )
    broken = create_template(platform, admin, "Attestation cassée", "contract", BROKEN_TEMPLATE, [])
    product = ok(
        call(
            platform, "attestation", "POST", "/products", admin, json={"code": unique("AUTO"), "name": "Auto Sérénité"}
        )
    )
    ok(
        call(
            platform,
            "attestation",
            "PUT",
            f"/products/{product['id']}/attestation-templates",
            admin,
            json=[{"template_id": broken, "extranet_title": "Carte verte"}],
        )
    )
    ok(
        call(
            platform,
            "attestation",
            "PUT",
            f"/products/{product['id']}/validation",
            admin,
            json={"required": False, "validators": {"subs": [validator_sub]}},
        )
    )
    client_sub, client_mail = unique("client"), address("client")
    client = platform.headers("client", client_sub, email=client_mail)
    contract = new_contract(platform, agent, product, client_sub, client_mail)

    # Answered `generating`: the worker's attempt is refused by the documents service, and ends the request.
    request = settled(platform, client, ok(ask(platform, client, contract))["id"], "failed")
    assert (request["state"], request["attempts"]) == ("failed", 1) and "missing" in request["error"]

    # One email each, from attestation.failed through the outbox, RabbitMQ and the notification worker.
    counts = settle(platform, [client_mail, validator_mail], {client_mail: 1, validator_mail: 1}, 60)
    assert counts == {client_mail: 1, validator_mail: 1}
    [to_client] = mails_to(platform, [client_mail])
    assert f"/portal/contracts/{contract['id']}" in text_of(to_client) and "Carte verte" in text_of(to_client)
    assert "missing" not in text_of(to_client)  # the documents service's message stays on the request
    [to_validator] = mails_to(platform, [validator_mail])
    assert f"/crm/contracts/{contract['id']}" in text_of(to_validator) and request["id"] in text_of(to_validator)
    assert (
        ok(call(platform, "attestation", "GET", f"/attestation-requests/{request['id']}", client))["state"] == "failed"
    )


# The holder, the values in the template's language, and the verification printed on the paper.
VERIFIABLE_TEMPLATE = docx_bytes(
    "Attestation du contrat {{ contract.number }} ({{ contract.status }})",
    "Assuré : {{ client.name }}, {{ client.address }}",
    "Prime payée : {{ receipt.amount_paid }} pour la période du {{ receipt.period_start }} au {{ receipt.period_end }}",
    "Valable du {{ verification.valid_from }} au {{ verification.valid_until }}",
    "Code de vérification : {{ verification.code }}",
    "{{ verification.qr }}",
    "Vérifier : {{ verification.url }}",
)
CODE_IN_TEXT = r"Code de vérification : ((?:[0-9A-HJKMNP-TV-Z]{4}-){6}[0-9A-HJKMNP-TV-Z]{4})"


def one_line(text: str) -> str:
    """PDF text with every kind of space (Babel writes narrow no-break ones) as a plain space."""
    return re.sub(r"\s+", " ", text)


def pdf_images(platform, headers, document_id: str) -> int:
    response = call(
        platform, "documents", "GET", f"/documents/{document_id}/content", headers, params={"rendition": "pdf"}
    )
    return sum(len(page.images) for page in PdfReader(io.BytesIO(response.content)).pages)


def verification_page(platform, code: str, **headers) -> requests.Response:
    return requests.get(f"{platform.url('attestation')}/verify/{code}", headers=headers, timeout=30)


def verification(platform, code: str) -> dict:
    return ok(call(platform, "attestation", "GET", f"/verifications/{code}", None))


def test_a_colleagues_request_prints_the_holder_is_named_pdf_and_is_verified_valid_expired_then_revoked(
    platform, admin
):
    agent = platform.headers("agent", unique("agent"))
    template = create_template(platform, admin, "Attestation vérifiable", "contract", VERIFIABLE_TEMPLATE, [])
    product = ok(
        call(
            platform,
            "attestation",
            "POST",
            "/products",
            admin,
            json={"code": unique("AUTO"), "name": "Auto Sérénité", "attestation_validity_days": 30},
        )
    )
    ok(
        call(
            platform,
            "attestation",
            "PUT",
            f"/products/{product['id']}/attestation-templates",
            admin,
            json=[{"template_id": template}],
        )
    )
    company, holder_sub = unique("org"), unique("client")
    colleague_mail = address("colleague")
    colleague = platform.headers("client", "login-x", org=company, email=colleague_mail, name="login-x")
    contract = ok(
        call(
            platform,
            "attestation",
            "POST",
            "/contracts",
            agent,
            json={
                "number": unique("CTR"),
                "product_id": product["id"],
                "owner_sub": holder_sub,
                "owner_org": company,
                "owner_email": address("holder"),
                "owner_name": "Jeanne Dupont",
                "address_line1": "12 rue des Lilas",
                "postal_code": "75011",
                "city": "Paris",
                "status": "in_force",
                "start_date": (TODAY - timedelta(days=300)).isoformat(),
                "receipts": [PAID_NOW],
            },
        )
    )

    # A colleague of the holder's company asks: the paper names the holder, never the colleague.
    first = settled(platform, colleague, ok(ask(platform, colleague, contract))["id"], "issued")
    second = settled(platform, colleague, ok(ask(platform, colleague, contract))["id"], "issued")
    assert first["filename"] == f"attestation-{contract['number']}.pdf"
    document = ok(call(platform, "documents", "GET", f"/documents/{first['document_id']}", colleague))
    assert document["filename"] == first["filename"]
    text = one_line(pdf_text(platform, colleague, first["document_id"]))
    assert f"Attestation du contrat {contract['number']} (en cours)" in text
    assert "Assuré : Jeanne Dupont, 12 rue des Lilas, 75011 Paris" in text and "login-x" not in text
    assert "Prime payée : 300,00 € pour la période du" in text
    valid_from, valid_until = TODAY, TODAY + timedelta(days=29)
    assert f"Valable du {valid_from:%d/%m/%Y} au {valid_until:%d/%m/%Y}" in text
    assert pdf_images(platform, colleague, first["document_id"]) == 1  # the QR code
    [code] = re.findall(CODE_IN_TEXT, text)
    [other_code] = re.findall(CODE_IN_TEXT, one_line(pdf_text(platform, colleague, second["document_id"])))
    assert code != other_code
    assert f"{platform.url('attestation')}/verify/{code.replace('-', '')}" in text

    # The colleague is told, by an email naming the contract and the PDF.
    settle(platform, [colleague_mail], {colleague_mail: 2}, 60)
    issued_mail = text_of(mails_to(platform, [colleague_mail])[0])
    assert contract["number"] in issued_mail and f"attestation-{contract['number']}.pdf" in issued_mail

    # Anyone checks the paper, without logging in: valid.
    assert verification(platform, code) == {
        "status": "valid",
        "holder": "Jeanne Dupont",
        "contract_number": contract["number"],
        "valid_from": valid_from.isoformat(),
        "valid_until": valid_until.isoformat(),
        "checked_on": TODAY.isoformat(),
    }
    page = verification_page(platform, code.replace("-", ""))
    assert page.status_code == 200 and '<html lang="fr">' in page.text
    assert "Attestation valide" in page.text and "Jeanne Dupont" in page.text and contract["number"] in page.text
    english = verification_page(platform, code, **{"Accept-Language": "en"})
    assert "Valid attestation" in english.text and f"{valid_until.day} {valid_until:%B %Y}" in english.text

    # Thirty days later (the validity is moved into the past, as time would): expired.
    engine = sqlalchemy.create_engine(platform.database_url("attestation"))
    with engine.begin() as connection:
        connection.execute(
            sqlalchemy.text("UPDATE attestation_requests SET valid_from = :from_, valid_until = :until WHERE id = :id"),
            {"from_": TODAY - timedelta(days=31), "until": TODAY - timedelta(days=2), "id": first["id"]},
        )
    engine.dispose()
    assert verification(platform, code)["status"] == "expired"
    assert "Attestation expirée" in verification_page(platform, code).text

    # Staff revoke the other one: the client is told, its check says revoked, like an unknown code but for that.
    ok(
        call(
            platform,
            "attestation",
            "POST",
            f"/attestation-requests/{second['id']}/revoke",
            agent,
            json={"reason": "Fausse déclaration"},
        )
    )
    revoked, unknown = verification(platform, other_code), verification(platform, "0000-0000-0000-0000-0000-0000-0000")
    assert (revoked.pop("status"), unknown.pop("status")) == ("revoked", "unknown")
    assert revoked == unknown
    assert "Attestation révoquée" in verification_page(platform, other_code).text
    settle(platform, [colleague_mail], {colleague_mail: 3}, 60)
    assert any("révoquée" in str(mail["Subject"]) for mail in mails_to(platform, [colleague_mail]))
