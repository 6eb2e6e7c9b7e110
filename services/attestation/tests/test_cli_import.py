"""The import command loads a file the way the import endpoint does."""

import json

from click.testing import CliRunner

from attestation.cli import cli
from platform_shared.testing.unit import outbox_events


def test_the_import_command_loads_a_csv_file_and_reports_rejected_lines(tmp_path, settings, world, db, monkeypatch):
    world.product(code="CLI-P")
    path = tmp_path / "contracts.csv"
    path.write_text(
        "record,contract_number,product_code,owner_sub,status,start_date\n"
        "contract,CLI-1,CLI-P,client-bob,in_force,2026-01-01\n"
        "contract,CLI-2,NOPE,client-bob,in_force,2026-01-01\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("DATABASE_URL", settings.database_url)
    result = CliRunner().invoke(cli, ["import-contracts", str(path)])
    assert result.exit_code == 1
    report = json.loads(result.output)
    assert report["imported"] == 1 and [item["line"] for item in report["rejected"]] == [3]
    assert [event.data["number"] for event in outbox_events(db, "contract.created")] == ["CLI-1"]
