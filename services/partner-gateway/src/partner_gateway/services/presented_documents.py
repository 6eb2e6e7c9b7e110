"""Checking, with the documents service, that a document id a third party sends is one they may present."""

from __future__ import annotations

from typing import Any

from platform_shared.errors import NotFound, ValidationFailed

from ..domain.errors import DocumentNotPresentable
from ..domain.presented_documents import PresentedDocument, may_present_as_supporting_file, may_provide_as_piece

SUPPORTING_FILE = ("your supporting file", "upload it first, with this solicitation as its owner")
PIECE = ("this piece", "upload it to this dossier yourself first")


def _document(upstreams, document_id: str) -> PresentedDocument | None:
    """None for an id the documents service does not know; it being down is a 503 (fail closed)."""
    try:
        return PresentedDocument.from_documents_service(upstreams.document(document_id))
    except (NotFound, ValidationFailed):
        return None


def check_supporting_file(
    upstreams, document_id: str, *, dossier_id: str, solicitation_id: str, partner_sub: str
) -> None:
    document = _document(upstreams, document_id)
    if document is None or not may_present_as_supporting_file(
        document, dossier_id=dossier_id, solicitation_id=solicitation_id, partner_sub=partner_sub
    ):
        raise DocumentNotPresentable(*SUPPORTING_FILE)


def check_piece(upstreams, document_id: str, *, dossier_id: str, contributor_sub: str) -> None:
    document = _document(upstreams, document_id)
    if document is None or not may_provide_as_piece(document, dossier_id=dossier_id, contributor_sub=contributor_sub):
        raise DocumentNotPresentable(*PIECE)


def addressed_to_partner(documents: list[dict[str, Any]], partner_sub: str) -> list[dict[str, Any]]:
    """Of the documents a solicitation owns, those its partner may read: flagged for partners (staff addressed
    them) or uploaded by the partner themselves (the documents service grants the same)."""
    return [
        document
        for document in documents
        if (document.get("visibility") or {}).get("partner")
        or (document.get("uploaded_by") or {}).get("sub") == partner_sub
    ]
