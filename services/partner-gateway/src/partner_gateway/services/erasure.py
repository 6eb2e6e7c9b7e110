"""A person's erasure (``person.erased``) in the partner-gateway.

Kept: solicitations, answers, provided pieces and the audit trail (who did what, by account ``sub``); the
person's name and email in partners (all of a partner linked to them by ``person_id``, which stays), invitations, answers and audit details read ``[erased]``.
"""

from __future__ import annotations

from sqlalchemy import update
from sqlalchemy.orm import Session

from platform_shared.directory import ERASED, PersonRef, scrub_rows

from ..db import AnswerVersion, AuditEntry, Invitation, Partner, Solicitation


def erase_person(session: Session, ref: PersonRef) -> None:
    # A partner linked to the person loses their name and email even when they differ from the directory's.
    session.execute(update(Partner).where(Partner.person_id == ref.entry_id).values(name=ERASED, email=ERASED))
    scrub_rows(session, Partner, ref, text=("name", "email"))
    scrub_rows(session, Invitation, ref, text=("name", "email"))
    scrub_rows(session, AnswerVersion, ref, text=("comment",), json_columns=("values",))
    scrub_rows(session, Solicitation, ref, text=("instructions",))
    scrub_rows(session, AuditEntry, ref, json_columns=("details",))
