"""What a third party (participant or contributor) sees of a dossier's workspace, for the partner-gateway.

The gateway authenticates the third party and checks their access; the dossier says what their kind sees
(``domain.workspace.SEES``): participants everything the client sees but quotes, orders, invoices and their
PDFs; contributors none of it."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from platform_shared.auth import Caller
from platform_shared.errors import NotFound

from ..db import Dossier
from ..domain.workspace import may_see
from ..workspace_db import DossierEvent, ThirdParty
from . import activities, events, expenses
from .actors import third_party_kind


def workspace_for(session: Session, caller: Caller, dossier_id: str, sub: str) -> dict:
    dossier = session.get(Dossier, dossier_id)
    kind = third_party_kind(session, dossier_id, sub) if dossier is not None else None
    if kind is None:
        raise NotFound("No such dossier.")
    view: dict = {"kind": kind, "events": [], "expenses": [], "activities": [], "participants": []}
    view["activity_totals"] = None
    if may_see(kind, "event"):
        statement = select(DossierEvent).where(DossierEvent.dossier_id == dossier_id)
        view["events"] = [
            events.present(e) for e in session.scalars(statement.order_by(DossierEvent.starts_at, DossierEvent.id))
        ]
    if may_see(kind, "billed_expense"):
        view["expenses"] = expenses.visible_expenses(session, dossier_id, kind)
    if may_see(kind, "activity"):
        view["activities"] = activities.all_activities(session, dossier_id)
        view["activity_totals"] = activities.totals_of(session, dossier_id)
        if not may_see(kind, "order"):  # the time spent, not which order (nor its number) it was spent on
            for activity in view["activities"]:
                activity["order_id"] = activity["order_number"] = None
            view["activity_totals"]["orders"] = []
    if may_see(kind, "participant_names"):
        parties = session.scalars(
            select(ThirdParty).where(
                ThirdParty.dossier_id == dossier_id, ThirdParty.kind == "participant", ThirdParty.revoked_at.is_(None)
            )
        )
        view["participants"] = [
            {"kind": p.kind, "role": p.role, "name": p.name, "attached": p.account_sub is not None} for p in parties
        ]
    return view
