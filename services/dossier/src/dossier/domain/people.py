"""Plain rules of the people directory: normalised emails and sort names, what a sign-in may fill, CSV rows."""

from __future__ import annotations

import csv
import io
import re
from typing import Any

from platform_shared.i18n import supported

PERSON_FIELDS = ("name", "email", "phone", "postal_address", "language")
ORGANISATION_FIELDS = ("name", "code", "registration_number", "postal_address")
CLAIM_FIELDS = ("name", "email", "language")  # what a token's claims may fill in at sign-in
CSV_COLUMNS = ("name", "email", "phone", "postal_address", "language", "organisation", "function")
MAX_IMPORT_ROWS = 5000
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def normal_email(email: str | None) -> str | None:
    email = (email or "").strip().lower()
    return email or None


def sort_name(name: str | None) -> str:
    """What the directory is ordered and searched by: the lower-cased name (empty for an erased entry)."""
    return " ".join((name or "").lower().split())[:200]


def like_pattern(query: str) -> str:
    """``%query%`` for LIKE with ``\\`` as escape."""
    return "%" + query.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def claims_to_fill(current: dict[str, Any], claims: dict[str, Any], staff_fields: list[str]) -> dict[str, Any]:
    """The values a sign-in writes: a claim fills a field staff never typed, and never empties one."""
    changes = {}
    for key in CLAIM_FIELDS:
        value = claims.get(key)
        if key == "language":
            value = supported(value)
        if not value or key in staff_fields or current.get(key) == value:
            continue
        changes[key] = value
    return changes


def merged_values(kept: dict[str, Any], duplicate: dict[str, Any]) -> dict[str, Any]:
    """What the kept entry takes from its duplicate: each field it lacks."""
    return {key: duplicate[key] for key in (*PERSON_FIELDS, "sub") if not kept.get(key) and duplicate.get(key)}


def parse_csv(text: str) -> tuple[list[dict[str, Any]], dict[str, list[str]]]:
    """Rows of an import (header line: ``name,email`` at least, plus any of ``CSV_COLUMNS``) and the problems
    by line (``line 3``...). Nothing is imported when there is any problem."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    try:
        header = [column.strip().lower() for column in (reader.fieldnames or [])]
    except csv.Error as error:
        return [], {"file": [f"not a CSV file: {error}"]}
    problems: dict[str, list[str]] = {}
    if "name" not in header:
        return [], {"header": ["the first line names the columns and includes 'name'"]}
    unknown = sorted(set(header) - set(CSV_COLUMNS))
    if unknown:
        return [], {"header": [f"unknown column(s): {', '.join(unknown)}; allowed: {', '.join(CSV_COLUMNS)}"]}
    reader.fieldnames = header
    rows: list[dict[str, Any]] = []
    seen_emails: dict[str, int] = {}
    try:
        raw_rows = list(reader)
    except csv.Error as error:
        return [], {"file": [f"not a CSV file: {error}"]}
    for number, raw in enumerate(raw_rows, start=2):
        if number - 1 > MAX_IMPORT_ROWS:
            problems["file"] = [f"at most {MAX_IMPORT_ROWS} rows per import"]
            break
        if None in raw:
            problems[f"line {number}"] = ["more values than columns"]
            continue
        row = {key: (value or "").strip() or None for key, value in raw.items()}
        if not any(row.values()):
            continue
        line_problems = []
        if not row.get("name"):
            line_problems.append("name is required")
        for key, limit in (("name", 200), ("phone", 50), ("postal_address", 500), ("function", 200)):
            if row.get(key) and len(row[key]) > limit:
                line_problems.append(f"{key} is longer than {limit} characters")
        email = normal_email(row.get("email"))
        if email and (len(email) > 320 or not _EMAIL.match(email)):
            line_problems.append("email is not an email address")
        elif email in seen_emails:
            line_problems.append(f"email already on line {seen_emails[email]}")
        elif email:
            seen_emails[email] = number
        if row.get("language") and not supported(row["language"]):
            line_problems.append("language is not one the platform writes (fr, en)")
        if line_problems:
            problems[f"line {number}"] = line_problems
            continue
        row["email"], row["language"], row["line"] = email, supported(row.get("language")), number
        rows.append(row)
    return rows, problems
