"""The rules on which document a third party may present as their own, on plain values."""

from __future__ import annotations

from partner_gateway.domain.presented_documents import (
    PresentedDocument,
    may_present_as_supporting_file,
    may_provide_as_piece,
)

DOSSIER, SOLICITATION, PARTNER = "dossier-1", "solicitation-1", "partner-pat"


def document(owner_type="dossier", owner_id=DOSSIER, dossier_id=DOSSIER, uploaded_by=PARTNER, partner=False):
    return PresentedDocument.from_documents_service(
        {
            "owner_type": owner_type,
            "owner_id": owner_id,
            "dossier_id": dossier_id,
            "uploaded_by": {"sub": uploaded_by, "role": "partner"},
            "visibility": {"client": False, "partner": partner, "roles": []},
        }
    )


def supporting(doc) -> bool:
    return may_present_as_supporting_file(doc, dossier_id=DOSSIER, solicitation_id=SOLICITATION, partner_sub=PARTNER)


def test_my_upload_owned_by_my_solicitation_is_a_supporting_file_even_before_documents_knows_its_dossier():
    assert supporting(document("solicitation", SOLICITATION, dossier_id=None))


def test_my_upload_on_the_dossier_and_a_file_shared_with_partners_are_supporting_files():
    assert supporting(document())
    assert supporting(document(uploaded_by="agent-alice", partner=True))


def test_an_internal_file_another_partners_file_or_another_dossiers_file_is_not():
    assert not supporting(document(uploaded_by="agent-alice"))
    assert not supporting(document("solicitation", "solicitation-2", uploaded_by="partner-other", partner=True))
    assert not supporting(document("solicitation", "solicitation-2", uploaded_by="agent-alice", partner=True))
    assert not supporting(document(owner_id="dossier-2", dossier_id="dossier-2"))
    assert not supporting(document("contract", "contract-1", dossier_id=None))


def test_a_piece_is_only_my_own_upload_on_the_dossier():
    assert may_provide_as_piece(document(), dossier_id=DOSSIER, contributor_sub=PARTNER)
    assert not may_provide_as_piece(document(uploaded_by="guest-2"), dossier_id=DOSSIER, contributor_sub=PARTNER)
    assert not may_provide_as_piece(
        document(uploaded_by="agent-alice", partner=True), dossier_id=DOSSIER, contributor_sub=PARTNER
    )
    assert not may_provide_as_piece(
        document(owner_id="dossier-2", dossier_id="dossier-2"), dossier_id=DOSSIER, contributor_sub=PARTNER
    )


def test_a_document_without_an_uploader_is_nobodys_own():
    anonymous = PresentedDocument.from_documents_service(
        {"owner_type": "dossier", "owner_id": DOSSIER, "dossier_id": DOSSIER}
    )
    assert not may_provide_as_piece(anonymous, dossier_id=DOSSIER, contributor_sub=PARTNER)
    assert not supporting(anonymous)
