"""The event tables of ``docs/contracts.md``, written from the schemas so the two never disagree.

Each producer's table sits between ``<!-- events:<producer> -->`` and ``<!-- /events -->``; the prose around
the tables is written by hand. ``python -m platform_shared.events.contracts_doc docs/contracts.md`` rewrites the
tables; ``shared/tests/test_events.py`` fails while the committed file differs from what this writes.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from marshmallow import fields

from . import EVENTS
from .base import WHEN

BLOCK = re.compile(r"(<!-- events:(?P<producer>[a-z-]+) -->\n).*?(<!-- /events -->)", re.S)


def _field(name: str, field: fields.Field) -> str:
    notes = [text for text in (field.metadata.get("description"), field.metadata.get(WHEN)) if text]
    if WHEN in field.metadata:
        notes[-1] = "only when " + notes[-1]
    if isinstance(field, fields.Nested) or (isinstance(field, fields.List) and isinstance(field.inner, fields.Nested)):
        nested = field.nested if isinstance(field, fields.Nested) else field.inner.nested
        shape = "{" + ", ".join(nested().fields) + "}"
        notes.insert(0, f"`[{shape}]`" if isinstance(field, fields.List) else f"`{shape}`")
    label = f"**`{name}`**" if field.required else f"`{name}`"
    return label + (f" ({'; '.join(notes)})" if notes else "")


def table(producer: str) -> str:
    """One row per schema: the types that share it, its docstring, then its fields (required ones in bold)."""
    rows: dict[type, list[str]] = {}
    for name, event in EVENTS.items():
        if event.producer == producer:
            rows.setdefault(event.schema, []).append(name)
    lines = ["| type | data |", "|---|---|"]
    for schema, names in rows.items():
        summary = " ".join((schema.__doc__ or "").split()).replace("``", "`")
        data = ", ".join(_field(field.data_key or key, field) for key, field in schema().fields.items())
        lines.append(f"| {', '.join(f'`{name}`' for name in names)} | {summary} {data} |")
    return "\n".join(lines) + "\n"


def refresh(text: str) -> str:
    """``text`` with every producer's table written anew from the schemas."""
    return BLOCK.sub(lambda match: match.group(1) + table(match.group("producer")) + match.group(3), text)


def producers_in(text: str) -> list[str]:
    return [match.group("producer") for match in BLOCK.finditer(text)]


def main(argv: list[str]) -> int:
    path = Path(argv[1] if len(argv) > 1 else "docs/contracts.md")
    text = path.read_text(encoding="utf-8")
    path.write_text(refresh(text), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
