"""Contract import: a dry run gives the same report and writes nothing; the CSV model names every column."""

import csv
import io

from sqlalchemy import text

from attestation.domain.importing import CSV_COLUMNS

CSV = (
    "record,contract_number,product_code,owner_sub,owner_name,address_line1,postal_code,city,status,start_date,"
    "kind,registration\r\n"
    "contract,IMP-1,{code},client-bob,Jeanne Dupont,12 rue des Lilas,75011,Paris,in_force,2026-01-01,,\r\n"
    "beneficiary,IMP-1,,,,,,,,,vehicle,AB-123-CD\r\n"
    "contract,IMP-2,NOPE,client-bob,,,,,in_force,2026-01-01,,\r\n"
)


def counts(db) -> tuple[int, int, int]:
    with db.read_only() as session:
        return tuple(
            session.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()
            for table in ("contracts", "beneficiaries", "outbox")
        )


def test_a_dry_run_reports_like_an_import_and_writes_nothing(client, world, db, as_agent):
    product = world.product(code="AUTO-IMP")
    body = CSV.format(code=product["code"])
    before = counts(db)
    trial = client.post(
        "/api/v1/contracts/import?format=csv&dry_run=true", data=body, content_type="text/csv", headers=as_agent
    )
    assert trial.status_code == 200
    assert counts(db) == before
    real = client.post("/api/v1/contracts/import?format=csv", data=body, content_type="text/csv", headers=as_agent)
    trial_report, real_report = trial.get_json(), real.get_json()
    assert (trial_report.pop("dry_run"), real_report.pop("dry_run")) == (True, False)
    assert trial_report == real_report and real_report["imported"] == 2
    assert [line["line"] for line in real_report["rejected"]] == [4]
    contracts, beneficiaries, outbox = counts(db)
    assert (contracts, beneficiaries) == (before[0] + 1, before[1] + 1) and outbox > before[2]
    (imported,) = client.get("/api/v1/contracts?number=IMP-1", headers=as_agent).get_json()["items"]
    assert (imported["address_line1"], imported["city"], imported["owner_name"]) == (
        "12 rue des Lilas",
        "Paris",
        "Jeanne Dupont",
    )


def test_the_csv_model_names_every_column_the_import_reads(client, as_agent, as_client):
    response = client.get("/api/v1/contracts/import/model.csv", headers=as_agent)
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"].startswith("attachment")
    (header,) = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert tuple(header) == CSV_COLUMNS
    assert {"address_line1", "postal_code", "city", "country"} <= set(header)
    imported = client.post(
        "/api/v1/contracts/import?format=csv", data=response.get_data(), content_type="text/csv", headers=as_agent
    )
    assert imported.get_json()["rejected"] == []  # the model itself is a valid (empty) import
    assert client.get("/api/v1/contracts/import/model.csv", headers=as_client).status_code == 403
