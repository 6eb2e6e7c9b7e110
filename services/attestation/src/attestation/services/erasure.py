"""A person's erasure (``person.erased``): their name, email and address out of the attestation service.

Kept by law (insurance records): contracts (number, product, dates, status), receipts and attestation requests
(what was certified, when, by whom among staff); the holder's name, email and postal address are removed and
the texts that named them read ``[erased]``. ``holder_person_id`` stays: the directory keeps the erased entry's id
(no data), so the contract still says it had a holder. Issued PDFs live in the documents service (see its README).
"""

from __future__ import annotations

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from platform_shared.directory import PersonRef, scrub_rows

from ..db import AttestationRequest, Beneficiary, Contract, ValidationTask

HOLDER_FIELDS = ("owner_email", "owner_name", "address_line1", "address_line2", "postal_code", "city")


def erase_person(session: Session, ref: PersonRef) -> None:
    held = [Contract.holder_person_id == ref.entry_id]
    if ref.sub:
        held.append(Contract.owner_sub == ref.sub)
    if ref.email:
        held.append(Contract.owner_email == ref.email)
    for contract in session.scalars(select(Contract).where(or_(*held))):
        for field in HOLDER_FIELDS:
            setattr(contract, field, None)
    asked = []
    if ref.sub:
        asked.append(AttestationRequest.client_sub == ref.sub)
    if ref.email:
        asked.append(AttestationRequest.client_email == ref.email)
    if asked:
        for request in session.scalars(select(AttestationRequest).where(or_(*asked))):
            request.client_email = request.client_name = request.holder_name = None
    scrub_rows(session, Contract, ref, text=("owner_name",))
    scrub_rows(
        session,
        AttestationRequest,
        ref,
        text=("client_name", "holder_name", "revocation_reason", "error"),
        json_columns=("inputs",),
    )
    scrub_rows(session, Beneficiary, ref, json_columns=("attributes",))
    scrub_rows(session, ValidationTask, ref, text=("comment",))
