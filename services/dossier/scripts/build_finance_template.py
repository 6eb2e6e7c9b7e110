"""Build the dossier service's default financial template (``src/dossier/templates/finance_default.docx``).

A Word document with docxtpl tags: the header of the quote / order / invoice / credit note, the lines table (one
row per line: ``{%tr for line in document.lines %}``), the VAT per rate and the totals. Every amount is a decimal
string followed by the currency. Run it again after changing it, and commit the .docx:

    .venv/bin/python services/dossier/scripts/build_finance_template.py
"""

from __future__ import annotations

from pathlib import Path

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt

TARGET = Path(__file__).resolve().parents[1] / "src" / "dossier" / "templates" / "finance_default.docx"
COLUMNS = (
    ("Désignation", "{{ line.label }}"),
    ("Quantité", "{{ line.quantity }} {{ line.unit }}"),
    ("Prix unitaire HT", "{{ line.unit_price }} {{ document.currency }}"),
    ("TVA", "{{ line.vat_rate }} %"),
    ("Total HT", "{{ line.net }} {{ document.currency }}"),
    ("Total TTC", "{{ line.total }} {{ document.currency }}"),
)


def _table_with_loop(document, header: tuple[str, ...], cells: tuple[str, ...], loop: str):
    """A table: the header row, then the loop's opening row, the repeated row and the closing row (docxtpl
    removes the two ``{%tr %}`` rows and repeats the one between)."""
    table = document.add_table(rows=4, cols=len(header))
    table.style = "Table Grid"
    for index, label in enumerate(header):
        table.rows[0].cells[index].text = label
    table.rows[1].cells[0].text = "{%tr for " + loop + " %}"
    for index, text in enumerate(cells):
        table.rows[2].cells[index].text = text
    table.rows[3].cells[0].text = "{%tr endfor %}"
    return table


def build(target: Path = TARGET) -> Path:
    document = Document()
    document.styles["Normal"].font.size = Pt(10)
    document.add_heading("{{ document.kind_label }} {{ document.number }}", level=1)
    document.add_paragraph("{{ document.title }}")
    document.add_paragraph("Dossier {{ dossier.reference }} : {{ dossier.title }}")
    document.add_paragraph("Client : {{ client.name }} {{ client.org_name }} {{ client.email }}")
    document.add_paragraph("Date : {{ document.issued_on }}   Statut : {{ document.status }}")
    document.add_paragraph(
        "{% if document.valid_until %}Valable jusqu'au {{ document.valid_until }}{% endif %}"
        "{% if document.due_on %}Échéance : {{ document.due_on }}{% endif %}"
        "{% if document.source_number %}   Réf. : {{ document.source_number }}{% endif %}"
    )
    _table_with_loop(document, tuple(h for h, _ in COLUMNS), tuple(c for _, c in COLUMNS), "line in document.lines")
    document.add_paragraph("")
    _table_with_loop(
        document,
        ("Taux de TVA", "Base HT", "TVA"),
        ("{{ rate.vat_rate }} %", "{{ rate.net }} {{ document.currency }}", "{{ rate.vat }} {{ document.currency }}"),
        "rate in document.vat_totals",
    )
    for label, tag in (("Total HT", "document.net"), ("TVA", "document.vat"), ("Total TTC", "document.total")):
        paragraph = document.add_paragraph(f"{label} : {{{{ {tag} }}}} {{{{ document.currency }}}}")
        paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    paid = document.add_paragraph(
        "{% if document.kind == 'invoice' %}Réglé : {{ document.paid }} {{ document.currency }}   "
        "Avoirs : {{ document.credited }} {{ document.currency }}   "
        "Reste dû : {{ document.balance_due }} {{ document.currency }}{% endif %}"
    )
    paid.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    target.parent.mkdir(parents=True, exist_ok=True)
    document.save(target)
    return target


if __name__ == "__main__":
    print(build())
