"""Reading a bulk import (CSV with a header, or JSON lines) into one record per line.

Each record has ``record`` = contract, beneficiary or receipt and ``contract_number``; the
other keys are the fields of that kind of record. Empty CSV cells are absent values.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass

from platform_shared.text_guard import contains_nul

from .contracts import CONTRACT_TERMS

FORMATS = ("csv", "jsonl")
CSV_COLUMNS = (
    "record",
    "contract_number",
    "product_code",
    *CONTRACT_TERMS,
    "kind",
    "name",
    "birth_date",
    "registration",
    "make",
    "address",
    "period_start",
    "period_end",
    "amount_due",
    "amount_paid",
)


@dataclass(frozen=True)
class ImportLine:
    number: int
    record: dict | None
    problem: str | None = None


def _csv_lines(text: str) -> Iterator[ImportLine]:
    """CSV records; a file the csv module cannot read any further ends with one rejected line saying why.

    ``newline=""`` lets the reader see the line endings itself, so files ending lines with CR alone (old
    spreadsheet exports) or CR LF read like LF ones, and quoted cells may hold line breaks.
    """
    reader = csv.DictReader(io.StringIO(text, newline=""))
    try:
        unknown = [name for name in reader.fieldnames or [] if name not in CSV_COLUMNS]
        if unknown:
            yield ImportLine(1, None, f"Unknown columns: {', '.join(unknown)}.")
            return
        for row in reader:
            values = {
                key: value.strip() for key, value in row.items() if key and isinstance(value, str) and value.strip()
            }
            if values:
                yield ImportLine(reader.line_num, values)
    except csv.Error as error:
        yield ImportLine(max(reader.line_num, 1), None, f"Not readable as CSV: {error}.")


def _json_lines(text: str) -> Iterator[ImportLine]:
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            value = json.loads(line)
        except ValueError as error:
            yield ImportLine(number, None, f"Not JSON: {error.msg}.")
            continue
        if not isinstance(value, dict):
            yield ImportLine(number, None, "Each line must be a JSON object.")
            continue
        yield ImportLine(number, value)


def read_import(text: str, fmt: str) -> Iterator[ImportLine]:
    lines = _csv_lines(text) if fmt == "csv" else _json_lines(text)
    for line in lines:
        if line.record is not None and contains_nul(line.record):
            # PostgreSQL text cannot hold U+0000: refused here rather than failing the whole import.
            yield ImportLine(line.number, None, "Text may not contain NUL characters.")
        else:
            yield line
