"""The demo's Word files, made with python-docx: attestation templates with ``{{tags}}`` (entity fields the
platform fills, unknown tags the client types in) and a few ordinary documents shared on the dossiers."""

from __future__ import annotations

import io

import docx
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt, RGBColor

INSURER = "Mutuelle Horizon Assurances"


def _document(title: str) -> docx.Document:
    document = docx.Document()
    style = document.styles["Normal"]
    style.font.name = "Liberation Sans"
    style.font.size = Pt(11)
    header = document.sections[0].header.paragraphs[0]
    header.text = INSURER
    header.runs[0].font.color.rgb = RGBColor(0x1F, 0x4F, 0xD1)
    heading = document.add_heading(title, level=1)
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    return document


def _paragraphs(document: docx.Document, lines: list[str]) -> None:
    for line in lines:
        document.add_paragraph(line)  # one run per paragraph: a tag is never split across runs


def _bytes(document: docx.Document) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def home_insurance_attestation() -> bytes:
    document = _document("Attestation d'assurance habitation")
    _paragraphs(
        document,
        [
            f"{INSURER} atteste que {{{{ client.name }}}} est titulaire du contrat « {{{{ contract.product_name }}}} »"
            " référencé ci-dessous.",
            "Contrat n° {{ contract.number }}",
            "Le contrat est en vigueur du {{ contract.start_date }} au {{ contract.end_date }} et garantit la"
            " responsabilité civile de l'occupant ainsi que les dommages au logement assuré.",
            "Cette attestation est délivrée pour servir et valoir ce que de droit.",
            "Fait le {{ today }}.",
        ],
    )
    return _bytes(document)


def event_attestation() -> bytes:
    document = _document("Attestation d'assurance pour un évènement temporaire")
    _paragraphs(
        document,
        [
            "Contrat n° {{ contract.number }}",
            f"{INSURER} atteste que {{{{ client.name }}}}, titulaire du contrat ci-dessus, est assuré(e) pour"
            " l'évènement suivant :",
            "Motif : {{ motif }}",
            "Lieu : {{ lieu }}",
            "Du {{ date_debut }} au {{ date_fin }}.",
            "Fait le {{ today }}.",
        ],
    )
    return _bytes(document)


def vehicle_attestation() -> bytes:
    document = _document("Attestation d'assurance du véhicule")
    _paragraphs(
        document,
        [
            "Contrat n° {{ contract.number }}",
            f"{INSURER} atteste que le véhicule {{{{ beneficiary.description }}}} est assuré au titre du contrat"
            " ci-dessus, souscrit par {{ client.name }}.",
            "Période de garantie : du {{ contract.start_date }} au {{ contract.end_date }}.",
            "Fait le {{ today }}.",
        ],
    )
    return _bytes(document)


def visit_report(title: str, lines: list[str]) -> bytes:
    document = _document(title)
    _paragraphs(document, lines)
    return _bytes(document)
