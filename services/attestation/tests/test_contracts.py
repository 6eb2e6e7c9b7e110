"""Contracts: staff write them, clients read their own and their company's, events for the documents service."""

import csv

from platform_shared.testing.unit import outbox_events


def test_creating_a_contract_publishes_who_owns_it_and_its_beneficiaries(client, world, db):
    product = world.product()
    contract = world.contract(
        product["id"],
        owner_org="acme",
        beneficiaries=[
            {"kind": "vehicle", "registration": "AB-123-CD", "make": "Renault"},
            {"kind": "person", "name": "Alice Martin", "birth_date": "1990-04-02"},
        ],
    )
    (event,) = outbox_events(db, "contract.created")
    assert event.data == {
        "contract_id": contract["id"],
        "number": contract["number"],
        "product_id": product["id"],
        "status": "in_force",
        "holder_person_id": None,
        "holder_organisation_id": None,
        "owner_sub": "client-bob",
        "owner_org": "acme",
        "owner_email": "bob@example.test",
        "owner_name": "Bob Martin",
        "dossier_id": None,
        "beneficiaries": [{"id": item["id"], "kind": item["kind"]} for item in contract["beneficiaries"]],
    }
    assert [item["label"] for item in contract["beneficiaries"]] == ["AB-123-CD", "Alice Martin"]
    assert contract["receipts"][0]["fully_paid"] is True


def test_changing_a_contract_or_adding_a_beneficiary_publishes_contract_updated(client, world, db, as_agent):
    contract = world.contract(world.product()["id"])
    response = client.patch(f"/api/v1/contracts/{contract['id']}", json={"status": "terminated"}, headers=as_agent)
    assert response.status_code == 200 and response.get_json()["status"] == "terminated"
    response = client.post(
        f"/api/v1/contracts/{contract['id']}/beneficiaries",
        headers=as_agent,
        json={"kind": "building", "address": "1 rue de la Paix, Paris"},
    )
    assert response.status_code == 201
    events = outbox_events(db, "contract.updated")
    assert [event.data["status"] for event in events] == ["terminated", "terminated"]
    assert events[-1].data["beneficiaries"] == [{"id": response.get_json()["id"], "kind": "building"}]


def test_a_beneficiary_must_carry_the_attributes_of_its_kind(client, world, as_agent):
    contract = world.contract(world.product()["id"])
    response = client.post(
        f"/api/v1/contracts/{contract['id']}/beneficiaries",
        headers=as_agent,
        json={"kind": "vehicle", "name": "Herbie"},
    )
    assert response.status_code == 422
    assert set(response.get_json()["errors"]) == {"registration", "name"}


def test_a_receipt_is_fully_paid_only_when_paid_reaches_due(client, world, as_agent):
    contract = world.contract(world.product()["id"])
    response = client.post(
        f"/api/v1/contracts/{contract['id']}/receipts",
        headers=as_agent,
        json={"period_start": "2026-12-01", "period_end": "2026-12-31", "amount_due": "50.00", "amount_paid": "49.99"},
    )
    assert response.status_code == 201 and response.get_json()["fully_paid"] is False


def test_a_client_reads_their_own_and_their_company_contracts_only(client, world, settings, as_client, as_stranger):
    product = world.product()
    own = world.contract(product["id"])
    company = world.contract(product["id"], owner_sub="client-carol", owner_org="acme")
    other = world.contract(product["id"], owner_sub="client-dave", owner_org="other-co")
    listed = client.get("/api/v1/contracts", headers=as_client).get_json()["items"]
    assert {item["id"] for item in listed} == {own["id"], company["id"]}
    assert client.get(f"/api/v1/contracts/{company['id']}", headers=as_client).status_code == 200
    assert client.get(f"/api/v1/contracts/{other['id']}", headers=as_client).status_code == 404
    assert client.get(f"/api/v1/contracts/{own['id']}", headers=as_stranger).status_code == 404


def test_clients_cannot_write_contracts(client, world, as_client):
    contract = world.contract(world.product()["id"])
    assert (
        client.patch(f"/api/v1/contracts/{contract['id']}", json={"status": "in_force"}, headers=as_client).status_code
        == 403
    )


def test_a_contract_number_is_unique(client, world, as_agent):
    product = world.product()
    contract = world.contract(product["id"])
    response = client.post(
        "/api/v1/contracts",
        headers=as_agent,
        json={"number": contract["number"], "product_id": product["id"], "owner_sub": "x", "start_date": "2026-01-01"},
    )
    assert response.status_code == 409


CSV = """record,contract_number,product_code,owner_sub,owner_org,status,start_date,end_date,kind,name,registration,make,address,period_start,period_end,amount_due,amount_paid
contract,IMP-1,IMPORT-P,client-bob,,in_force,2026-01-01,,,,,,,,,,
beneficiary,IMP-1,,,,,,,vehicle,,AB-123-CD,Peugeot,,,,,
receipt,IMP-1,,,,,,,,,,,,2026-11-01,2026-11-30,100.00,100.00
contract,IMP-2,NO-SUCH-PRODUCT,client-bob,,in_force,2026-01-01,,,,,,,,,,
beneficiary,IMP-9,,,,,,,person,Ann,,,,,,,
receipt,IMP-1,,,,,,,,,,,,2026-12-31,2026-12-01,10.00,0
contract,IMP-3,IMPORT-P,,,in_force,2026-01-01,,,,,,,,,,
"""


def test_a_csv_import_keeps_good_lines_and_reports_each_rejected_one(client, world, db, as_agent):
    world.product(code="IMPORT-P")
    response = client.post(
        "/api/v1/contracts/import?format=csv", data=CSV.encode(), headers=as_agent, content_type="text/csv"
    )
    assert response.status_code == 200
    result = response.get_json()
    assert result["imported"] == 3
    assert [item["line"] for item in result["rejected"]] == [5, 6, 7, 8]
    assert "product_code" in result["rejected"][0]["errors"]
    assert "contract_number" in result["rejected"][1]["errors"]
    assert "period_end" in result["rejected"][2]["errors"]
    assert "owner_sub" in result["rejected"][3]["errors"]
    listed = client.get("/api/v1/contracts?number=IMP-1", headers=as_agent).get_json()["items"]
    assert len(listed[0]["beneficiaries"]) == 1 and len(listed[0]["receipts"]) == 1
    (event,) = outbox_events(db, "contract.created")
    assert event.data["number"] == "IMP-1" and len(event.data["beneficiaries"]) == 1


def test_a_json_lines_import_updates_existing_contracts_and_rejects_broken_lines(client, world, db, as_agent):
    product = world.product(code="JSONL-P")
    contract = world.contract(product["id"])
    lines = "\n".join(
        [
            '{{"record": "contract", "contract_number": "{}", "status": "suspended"}}'.format(contract["number"]),
            "not json",
            '{{"record": "beneficiary", "contract_number": "{}", "kind": "spaceship", "name": "x"}}'.format(
                contract["number"]
            ),
            "[1, 2]",
        ]
    )
    response = client.post(
        "/api/v1/contracts/import?format=jsonl",
        data=lines.encode(),
        headers=as_agent,
        content_type="application/x-ndjson",
    )
    result = response.get_json()
    assert result["imported"] == 1 and [item["line"] for item in result["rejected"]] == [2, 3, 4]
    assert client.get(f"/api/v1/contracts/{contract['id']}", headers=as_agent).get_json()["status"] == "suspended"
    assert outbox_events(db, "contract.updated")[-1].data["status"] == "suspended"


def test_a_csv_import_reads_lines_ended_by_cr_alone_or_cr_lf(client, world, as_agent):
    world.product(code="IMPORT-P")
    for ending, number in (("\r", "IMP-CR"), ("\r\n", "IMP-CRLF")):
        text = ending.join(
            [
                "record,contract_number,product_code,owner_sub,status,start_date",
                f"contract,{number},IMPORT-P,client-bob,in_force,2026-01-01",
                "",
            ]
        )
        response = client.post(
            "/api/v1/contracts/import?format=csv", data=text.encode(), headers=as_agent, content_type="text/csv"
        )
        assert response.status_code == 200 and response.get_json() == {"imported": 1, "rejected": [], "dry_run": False}
        assert client.get(f"/api/v1/contracts?number={number}", headers=as_agent).get_json()["items"]


def test_a_csv_the_reader_cannot_read_is_reported_as_a_rejected_line_and_imports_nothing_after_it(
    client, world, as_agent
):
    world.product(code="IMPORT-P")
    oversized = "x" * (csv.field_size_limit() + 1)
    text = "\n".join(
        [
            "record,contract_number,product_code,owner_sub,status,start_date",
            "contract,IMP-OK,IMPORT-P,client-bob,in_force,2026-01-01",
            f'contract,IMP-BIG,IMPORT-P,"{oversized}",in_force,2026-01-01',
            "contract,IMP-AFTER,IMPORT-P,client-bob,in_force,2026-01-01",
            "",
        ]
    )
    response = client.post(
        "/api/v1/contracts/import?format=csv", data=text.encode(), headers=as_agent, content_type="text/csv"
    )
    assert response.status_code == 200, response.get_json()
    result = response.get_json()
    assert result["imported"] == 1 and len(result["rejected"]) == 1
    assert "Not readable as CSV" in str(result["rejected"][0]["errors"])
    assert client.get("/api/v1/contracts?number=IMP-AFTER", headers=as_agent).get_json()["items"] == []


def test_an_import_of_another_format_is_422(client, as_agent):
    assert client.post("/api/v1/contracts/import?format=xlsx", data=b"x", headers=as_agent).status_code == 422


def test_an_amount_beyond_what_a_receipt_holds_is_422(client, world, as_agent):
    contract = world.contract(world.product()["id"])
    response = client.post(
        f"/api/v1/contracts/{contract['id']}/receipts",
        headers=as_agent,
        json={"period_start": "2026-12-01", "period_end": "2026-12-31", "amount_due": 2.44e16},
    )
    assert response.status_code == 422 and "amount_due" in response.get_json()["errors"]
