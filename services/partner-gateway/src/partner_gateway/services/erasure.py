"""A person's erasure (``person.erased``) in the partner-gateway.

Kept: solicitations, answers, provided pieces and the audit trail (who did what, by account ``sub``); the
person's name and email in partners, invitations, answers and audit details read ``[erased]``.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from platform_shared.directory import PersonRef, scrub_rows

from ..db import AnswerVersion, AuditEntry, Invitation, Partner, Solicitation


def erase_person(session: Session, ref: PersonRef) -> None:
    scrub_rows(session, Partner, ref, text=("name", "email"))
    scrub_rows(session, Invitation, ref, text=("name", "email"))
    scrub_rows(session, AnswerVersion, ref, text=("comment",), json_columns=("values",))
    scrub_rows(session, Solicitation, ref, text=("instructions",))
    scrub_rows(session, AuditEntry, ref, json_columns=("details",))
