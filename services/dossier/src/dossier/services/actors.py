"""The actors of a dossier (who may attend its events, whose names the client side reads) and its third parties.

The dossier learns its contributors and participants from the partner-gateway's ``contributor.invited`` and
``contributor.attached`` events (``dossier_third_parties``); the rest it knows itself: the client, the
assignee, whoever created it and whoever wrote a note."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from platform_shared import clock
from platform_shared.auth import Caller

from ..db import Dossier, Note
from ..domain.workspace import may_see
from ..workspace_db import ThirdParty
from .workspace_access import readable_dossier


def actors_of(session: Session, dossier: Dossier) -> dict[str, dict]:
    """sub -> ``{sub, role, name, email}`` for every known actor of the dossier."""
    actors: dict[str, dict] = {}

    def add(sub, role, name=None, email=None):
        if sub and sub not in actors:
            actors[sub] = {"sub": sub, "role": role, "name": name, "email": email}
        elif sub:
            actors[sub]["name"] = actors[sub]["name"] or name
            actors[sub]["email"] = actors[sub]["email"] or email

    add(dossier.client_sub, "client", dossier.client_name, dossier.client_email)
    add(dossier.assignee_sub, "agent", None, dossier.assignee_email)
    for party in third_parties(session, dossier.id):
        add(party.account_sub, party.kind, party.name, party.email)
    for sub, role, name in session.execute(
        select(Note.author_sub, Note.author_role, Note.author_name).where(Note.dossier_id == dossier.id).distinct()
    ):
        add(sub, role, name)
    add(dossier.created_by, "client" if dossier.created_by == dossier.client_sub else "agent")
    return actors


def third_parties(session: Session, dossier_id: str) -> list[ThirdParty]:
    return list(
        session.scalars(
            select(ThirdParty)
            .where(ThirdParty.dossier_id == dossier_id, ThirdParty.revoked_at.is_(None))
            .order_by(ThirdParty.contributor_id)
        )
    )


def participant_names(session: Session, caller: Caller, dossier_id: str) -> list[dict]:
    """The participants' names (``consulter le nom des intervenants``): staff also read contributors and emails."""
    _, audience = readable_dossier(session, caller, dossier_id, "participant_names")
    rows = []
    for party in third_parties(session, dossier_id):
        if audience != "staff" and party.kind != "participant":
            continue
        row = {"kind": party.kind, "role": party.role, "name": party.name, "attached": party.account_sub is not None}
        if audience == "staff":
            row.update(contributor_id=party.contributor_id, email=party.email, account_sub=party.account_sub)
        rows.append(row)
    return rows


def third_party_kind(session: Session, dossier_id: str, account_sub: str) -> str | None:
    """``participant``, ``contributor`` or None: what the attached account is on the dossier."""
    kinds = set(
        session.scalars(
            select(ThirdParty.kind).where(
                ThirdParty.dossier_id == dossier_id,
                ThirdParty.account_sub == account_sub,
                ThirdParty.revoked_at.is_(None),
            )
        )
    )
    if "participant" in kinds:
        return "participant"
    if "contributor" in kinds:
        return "contributor"
    return None


def remember_invitation(session: Session, data: dict) -> None:
    if not data.get("contributor_id") or not data.get("dossier_id") or session.get(Dossier, data["dossier_id"]) is None:
        return
    party = session.get(ThirdParty, data["contributor_id"])
    if party is None:
        party = ThirdParty(contributor_id=data["contributor_id"], dossier_id=data["dossier_id"])
        session.add(party)
    party.kind = data.get("kind") or party.kind or "contributor"
    party.role = data.get("role") or party.role
    party.name = data.get("name") or party.name
    party.email = data.get("email") or party.email
    if data.get("account_sub"):
        party.account_sub = data["account_sub"]
    party.updated_at = clock.now()


def forget_revoked(session: Session, data: dict) -> None:
    """``contributor.revoked``: the third party is no actor of the dossier any more (attendee, names, workspace)."""
    party = session.get(ThirdParty, data.get("contributor_id") or "")
    if party is None:
        if not data.get("contributor_id") or session.get(Dossier, data.get("dossier_id") or "") is None:
            return
        # Revoked before the dossier learnt of it (a retried invitation arriving late): remember the revocation.
        party = ThirdParty(contributor_id=data["contributor_id"], dossier_id=data["dossier_id"])
        party.kind = data.get("kind") or "contributor"
        session.add(party)
    party.revoked_at = party.revoked_at or clock.now()
    party.updated_at = clock.now()


__all__ = [
    "forget_revoked",
    "actors_of",
    "may_see",
    "participant_names",
    "remember_invitation",
    "third_parties",
    "third_party_kind",
]
