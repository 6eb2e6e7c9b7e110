"""A quote, order, invoice or credit note rendered to PDF from a Word template of the documents service, filed
under the dossier, shared with its client side and marked financial (participants never see it).

Only a numbered document has a PDF (a draft is staff's until sent or issued). Rendering files a new document, so
a closed dossier refuses it (409), like every change; the PDF rendered before closing stays readable
(``pdf_document_id``). The documents service is called outside any transaction: a slow render never holds the
database."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from platform_shared.auth import Caller

from ..db import Dossier
from ..domain.errors import DossierClosed
from ..domain.finance_pdf import CATEGORIES, pdf_context
from ..domain.workspace_errors import NotEditable
from ..workspace_db import FinanceDocument
from . import finance
from .workspace_access import readable_dossier


@dataclass(frozen=True)
class PdfRequest:
    """What a render needs, read in one short read-only transaction."""

    kind: str
    document_id: str
    dossier_id: str
    number: str
    presented: dict[str, Any]
    dossier: dict[str, Any]
    source_number: str | None

    @property
    def category(self) -> str:
        return CATEGORIES[self.kind]

    def context(self, language: str) -> dict[str, Any]:
        return pdf_context(self.presented, dossier=self.dossier, source_number=self.source_number, language=language)


def prepare(session: Session, caller: Caller, kind: str, document_id: str) -> PdfRequest:
    """404 unknown, 409 closed dossier or draft (no number yet)."""
    document = finance.readable_document(session, caller, document_id, kind)
    dossier, _ = readable_dossier(session, caller, document.dossier_id, "finance_pdf")
    if dossier.closed:
        raise DossierClosed(dossier.reference)
    if document.number is None:
        action = "sent" if kind == "quote" else "issued"
        raise NotEditable(f"A draft has no number and no PDF yet: it must be {action} first.")
    source = session.get(FinanceDocument, document.source_id) if document.source_id else None
    return PdfRequest(
        kind=kind,
        document_id=document.id,
        dossier_id=dossier.id,
        number=document.number,
        presented=finance.present(session, document, "staff"),
        dossier=_dossier_values(dossier),
        source_number=source.number if source is not None else None,
    )


def _dossier_values(dossier: Dossier) -> dict[str, Any]:
    return {
        "reference": dossier.reference,
        "title": dossier.title,
        "client_name": dossier.client_name,
        "client_email": dossier.client_email,
        "client_org_name": dossier.client_org_name,
    }


def record(session: Session, request: PdfRequest, pdf_document_id: str) -> None:
    """The finance document points at its latest PDF (earlier ones stay filed under the dossier)."""
    document = session.get(FinanceDocument, request.document_id, with_for_update=True)
    document.pdf_document_id = pdf_document_id
