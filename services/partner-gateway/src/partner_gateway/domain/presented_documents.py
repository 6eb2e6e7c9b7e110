"""Which uploaded document a third party may present as their own: an opinion's supporting file, a provided piece.

The gateway asks the documents service for the document (``GET /documents/{id}``, service token) and applies
these rules to what it answers; the rules see plain values only.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class PresentedDocument:
    """What the rules need of a document, as the documents service describes it."""

    owner_type: str
    owner_id: str
    dossier_id: str | None
    uploaded_by_sub: str | None
    partner_visible: bool

    @classmethod
    def from_documents_service(cls, body: dict[str, Any]) -> PresentedDocument:
        return cls(
            owner_type=body.get("owner_type") or "",
            owner_id=body.get("owner_id") or "",
            dossier_id=body.get("dossier_id"),
            uploaded_by_sub=(body.get("uploaded_by") or {}).get("sub"),
            partner_visible=bool((body.get("visibility") or {}).get("partner")),
        )


def belongs_to_dossier(document: PresentedDocument, dossier_id: str, solicitation_id: str | None = None) -> bool:
    """Filed under the dossier, or owned by the dossier's solicitation the answer is for."""
    if solicitation_id is not None and (document.owner_type, document.owner_id) == ("solicitation", solicitation_id):
        return True
    return document.dossier_id == dossier_id or (document.owner_type, document.owner_id) == ("dossier", dossier_id)


def may_present_as_supporting_file(
    document: PresentedDocument, *, dossier_id: str, solicitation_id: str, partner_sub: str
) -> bool:
    """A partner backs their opinion with a file of this dossier that they uploaded themselves, or one staff
    shared with partners (never one owned by another partner's solicitation)."""
    if not belongs_to_dossier(document, dossier_id, solicitation_id):
        return False
    if document.uploaded_by_sub == partner_sub:
        return True
    shared_with_me = document.owner_type != "solicitation" or document.owner_id == solicitation_id
    return document.partner_visible and shared_with_me


def may_provide_as_piece(document: PresentedDocument, *, dossier_id: str, contributor_sub: str) -> bool:
    """A contributor provides only a file of this dossier that they uploaded themselves."""
    return belongs_to_dossier(document, dossier_id) and document.uploaded_by_sub == contributor_sub
