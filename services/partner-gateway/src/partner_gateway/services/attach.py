"""``POST /attach``: a key links a solicitation or an invitation to the signed-in account, under a lock-out."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from platform_shared import clock
from platform_shared.auth import Caller
from platform_shared.db import Database
from platform_shared.errors import DomainError, Forbidden

from ..db import Filing, Invitation, Partner, Solicitation
from ..domain.errors import KeyAlreadyUsed, KeyBoundToAnotherEmail, UnknownKey
from ..domain.rules import same_email
from . import audit, filings, keys
from .events import publish


def attach_with_key(db: Database, caller: Caller, typed_key: str, settings) -> dict[str, Any]:
    """Redeem ``typed_key`` for ``caller``; a failure is counted (committed) before its error is raised.

    A locked account is refused before the key is even looked at.
    """
    window = timedelta(minutes=settings.attach_window_minutes)
    failure: DomainError | None = None
    with db.transaction() as session:
        keys.serialise_attempts(session, caller.sub)
        keys.ensure_not_locked(session, caller.sub, settings.attach_max_failures, window)
        try:
            with session.begin_nested():
                return _attach(session, caller, keys.redeem(session, typed_key, caller.sub))
        except DomainError as error:
            keys.record_failure(session, caller.sub)
            failure = error
    raise failure


def _attach(session, caller: Caller, key) -> dict[str, Any]:
    if key.target_type == "filing":
        if caller.role != "client":
            raise Forbidden("This key lets the person a dossier was filed for claim it: sign in as a client.")
        return filings.claim(session, caller, session.get(Filing, key.target_id))
    if caller.role == "client":
        raise UnknownKey()  # a client's key only ever claims a dossier filed for them
    if key.target_type == "solicitation":
        return _attach_solicitation(session, caller, session.get(Solicitation, key.target_id))
    return _attach_invitation(session, caller, session.get(Invitation, key.target_id))


def _attach_solicitation(session, caller: Caller, solicitation: Solicitation) -> dict[str, Any]:
    if solicitation.state != "pending":
        # Revoked or cancelled since the key was sent: the key opens nothing any more.
        raise UnknownKey()
    if solicitation.bound_to_email:
        partner = session.get(Partner, solicitation.partner_id)
        if not same_email(caller.email, partner.email):
            raise KeyBoundToAnotherEmail()
    solicitation.state, solicitation.partner_sub, solicitation.attached_at = "attached", caller.sub, clock.now()
    publish(
        session,
        "solicitation.attached",
        {
            "solicitation_id": solicitation.id,
            "dossier_id": solicitation.dossier_id,
            "partner_id": solicitation.partner_id,
            "partner_sub": caller.sub,
        },
        caller.as_actor(),
    )
    audit.record(session, caller, solicitation.dossier_id, "solicitation.attached", solicitation.id)
    return {"kind": "solicitation", "id": solicitation.id, "dossier_id": solicitation.dossier_id}


def _attach_invitation(session, caller: Caller, invitation: Invitation) -> dict[str, Any]:
    if invitation.state == "attached":
        raise KeyAlreadyUsed()
    if invitation.state != "invited":
        raise UnknownKey()
    invitation.state, invitation.account_sub, invitation.attached_at = "attached", caller.sub, clock.now()
    publish(
        session,
        "contributor.attached",
        {
            "contributor_id": invitation.id,
            "dossier_id": invitation.dossier_id,
            "kind": invitation.kind,
            "role": invitation.role,
            "account_sub": caller.sub,
        },
        caller.as_actor(),
    )
    audit.record(session, caller, invitation.dossier_id, "contributor.attached", invitation.id, kind=invitation.kind)
    return {"kind": invitation.kind, "id": invitation.id, "dossier_id": invitation.dossier_id}
