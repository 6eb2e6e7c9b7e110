"""What a third party may see now: their open solicitations and invitations, checked on the local dossier copy."""

from __future__ import annotations

from typing import Any

from sqlalchemy import and_, exists, or_, select
from sqlalchemy.orm import Session

from platform_shared.auth import Caller
from platform_shared.db import get_or_404
from platform_shared.pagination import keyset_page

from ..db import DossierState, Invitation, Solicitation, SolicitationOpenStatus
from ..domain.rules import ENDED_STATES, partner_may_read, partner_may_see, third_party_may_see
from . import dossier_copy


def _visible_solicitations(sub: str):
    """The SQL form of ``partner_may_see`` for every solicitation of ``sub``."""
    return (
        select(Solicitation)
        .join(DossierState, DossierState.dossier_id == Solicitation.dossier_id)
        .join(
            SolicitationOpenStatus,
            and_(
                SolicitationOpenStatus.solicitation_id == Solicitation.id,
                SolicitationOpenStatus.status == DossierState.status,
            ),
        )
        .where(
            Solicitation.partner_sub == sub,
            Solicitation.state.not_in(ENDED_STATES),
            DossierState.closed.is_(False),
            DossierState.partner_visible.is_(True),
        )
    )


def _readable_solicitations(sub: str):
    """The SQL form of ``partner_may_read``: visible now, or on a closed dossier (read-only)."""
    open_in_status = exists().where(
        SolicitationOpenStatus.solicitation_id == Solicitation.id,
        SolicitationOpenStatus.status == DossierState.status,
    )
    return (
        select(Solicitation)
        .join(DossierState, DossierState.dossier_id == Solicitation.dossier_id)
        .where(
            Solicitation.partner_sub == sub,
            Solicitation.state.not_in(ENDED_STATES),
            or_(DossierState.closed.is_(True), and_(DossierState.partner_visible.is_(True), open_in_status)),
        )
    )


def my_dossiers(session: Session, sub: str, *, limit: int, cursor: str | None):
    """Every solicitation whose dossier I may read: visible now, or closed (read-only)."""
    return keyset_page(
        session, _readable_solicitations(sub), [Solicitation.created_at, Solicitation.id], limit=limit, cursor=cursor
    )


def solicitations_on(session: Session, sub: str, dossier_id: str, *, readable: bool = False) -> list[Solicitation]:
    """My solicitations on the dossier I may act on now; ``readable`` adds those of a closed dossier."""
    statement = _readable_solicitations(sub) if readable else _visible_solicitations(sub)
    return list(
        session.execute(
            statement.where(Solicitation.dossier_id == dossier_id).order_by(Solicitation.created_at)
        ).scalars()
    )


def invitations_on(session: Session, sub: str, dossier_id: str | None = None) -> list[Invitation]:
    """The caller's attached invitations (a closed dossier stays readable; changes are refused elsewhere)."""
    statement = select(Invitation).where(Invitation.account_sub == sub, Invitation.state == "attached")
    if dossier_id:
        statement = statement.where(Invitation.dossier_id == dossier_id)
    return [
        invitation
        for invitation in session.execute(statement.order_by(Invitation.created_at)).scalars()
        if third_party_may_see(invitation.state, dossier_copy.status_of(session, invitation.dossier_id))
    ]


def acting_solicitation(session: Session, caller: Caller, solicitation_id: str) -> Solicitation:
    """The caller's solicitation, only while they may see its dossier (404 otherwise, never 403)."""

    def visible(solicitation: Solicitation) -> bool:
        return solicitation.partner_sub == caller.sub and partner_may_see(
            solicitation.state, solicitation.open_statuses, dossier_copy.status_of(session, solicitation.dossier_id)
        )

    return get_or_404(session, Solicitation, solicitation_id, "No such solicitation.", visible=visible)


def readable_solicitation(session: Session, caller: Caller, solicitation_id: str) -> Solicitation:
    """The caller's solicitation while they may read it: visible now, or its dossier closed (404 otherwise)."""

    def readable(solicitation: Solicitation) -> bool:
        return solicitation.partner_sub == caller.sub and partner_may_read(
            solicitation.state, solicitation.open_statuses, dossier_copy.status_of(session, solicitation.dossier_id)
        )

    return get_or_404(session, Solicitation, solicitation_id, "No such solicitation.", visible=readable)


def access_now(session: Session, dossier_id: str, sub: str) -> dict[str, Any]:
    """``GET /access``: what ``sub`` may see on the dossier now (the documents service asks). A closed dossier
    stays readable to its partners (the documents service refuses every upload on it)."""
    solicitation_ids = [solicitation.id for solicitation in solicitations_on(session, sub, dossier_id, readable=True)]
    invitations = invitations_on(session, sub, dossier_id)
    return {
        "dossier_id": dossier_id,
        "sub": sub,
        "partner": bool(solicitation_ids),
        "solicitation_ids": solicitation_ids,
        "contributor_roles": sorted({i.role for i in invitations if i.kind == "contributor"}),
        "participant": any(i.kind == "participant" for i in invitations),
    }
