"""A person's erasure (``person.erased``): what the notification service held about them goes.

Kept: the deliveries and notifications themselves (when, which template, which dossier), with the address and
the name replaced by ``[erased]``: the record that a message went out, not to whom.
"""

from __future__ import annotations

from sqlalchemy import delete, or_, update
from sqlalchemy.orm import Session

from platform_shared.directory import PersonRef, scrub_rows

from ..db import Contact, Delivery, DossierCopy, DossierParty, Notification
from ..domain.deliveries import PENDING, SKIPPED


def erase_person(session: Session, ref: PersonRef) -> None:
    by_person = []
    if ref.sub:
        by_person.append(Contact.sub == ref.sub)
    if ref.email:
        by_person.append(Contact.email == ref.email)
    if by_person:
        session.execute(delete(Contact).where(or_(*by_person)))
    parties = []
    if ref.sub:
        parties.append(DossierParty.sub == ref.sub)
    if ref.email:
        parties.append(DossierParty.email == ref.email)
    if ref.name:
        parties.append(DossierParty.name == ref.name)
    if parties:
        session.execute(update(DossierParty).where(or_(*parties)).values(email=None, name=None))
    if ref.email:
        session.execute(update(DossierCopy).where(DossierCopy.client_email == ref.email).values(client_email=None))
    if ref.email:  # an email still waiting for the person is not sent
        session.execute(
            update(Delivery)
            .where(Delivery.recipient == ref.email, Delivery.status == PENDING)
            .values(status=SKIPPED, last_error="the person was erased")
        )
    scrub_rows(session, Delivery, ref, text=("recipient", "group_key", "last_error"), json_columns=("context",))
    scrub_rows(session, Notification, ref, text=("title",))
