"""The local copy of each dossier's actors and of people's addresses, built only from events."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import Session

from platform_shared import clock
from platform_shared.i18n import supported
from platform_shared.messaging.envelope import Envelope

from ..db import Contact, DossierCopy, DossierParty

CLIENT_MEMBER = "client"  # a dossier_parties kind: a member of the client's company who took part
_MEMBER_NAMESPACE = uuid.UUID("5b0c1c1e-9f6a-4d7e-8c1a-2f4b7d3e6a90")
DOSSIER_FIELDS = (
    "reference",
    "title",
    "category",
    "model_id",
    "origin",
    "status",
    "status_label",
    "client_sub",
    "client_org",
    "client_email",
    "assignee_sub",
)


# Built once with a bound parameter: the lookup runs for the actor and each recipient of every event (issue 18).
_CONTACT_BY_SUB = select(Contact).where(Contact.sub == bindparam("sub"))


def contact_for(session: Session, sub: str) -> Contact | None:
    """The address book's entry of account ``sub``, if any."""
    return session.execute(_CONTACT_BY_SUB, {"sub": sub}).scalar_one_or_none()


def learn_contact(
    session: Session,
    sub: str | None,
    email: str | None,
    *,
    name: str | None = None,
    role: str | None = None,
    language: str | None = None,
) -> None:
    """Remember ``sub``'s address (and name and language when known). What an admin registered is never
    overwritten by an event."""
    language = supported(language)
    if not sub or not email:
        return
    contact = contact_for(session, sub)
    if contact is None:
        session.add(
            Contact(
                id=clock.new_id(),
                sub=sub,
                email=email.strip().lower(),
                name=name,
                role=role,
                language=language,
                groups=[],
                registered=False,
                updated_at=clock.now(),
            )
        )
        session.flush()
        return
    if contact.registered:
        return
    contact.email = email.strip().lower()
    contact.name = name or contact.name
    contact.role = role or contact.role
    contact.language = language or contact.language
    contact.updated_at = clock.now()


def _dossier(session: Session, dossier_id: str) -> DossierCopy:
    dossier = session.get(DossierCopy, dossier_id)
    if dossier is None:
        dossier = DossierCopy(
            dossier_id=dossier_id, client_visible=True, partner_visible=False, closed=False, updated_at=clock.now()
        )
        session.add(dossier)
    return dossier


def _party(session: Session, kind: str, party_id: str, dossier_id: str) -> DossierParty:
    party = session.execute(
        select(DossierParty).where(DossierParty.kind == kind, DossierParty.party_id == party_id)
    ).scalar_one_or_none()
    if party is None:
        party = DossierParty(
            id=clock.new_id(),
            dossier_id=dossier_id,
            kind=kind,
            party_id=party_id,
            attached=False,
            active=True,
            updated_at=clock.now(),
        )
        session.add(party)
    party.updated_at = clock.now()
    return party


def member_party_id(dossier_id: str, sub: str) -> str:
    """The party id of a company member on one dossier (a member takes part in many dossiers)."""
    return str(uuid.uuid5(_MEMBER_NAMESPACE, f"{dossier_id}|{sub}"))


def is_client_side(actor: dict, dossier: DossierCopy) -> bool:
    """A client account that is the dossier's client or belongs to the dossier's client company."""
    if actor.get("role") != "client" or not actor.get("sub"):
        return False
    if dossier.client_sub and actor["sub"] == dossier.client_sub:
        return True
    return bool(dossier.client_org) and actor.get("org") == dossier.client_org


def _note_member(session: Session, actor: dict, dossier_id: str) -> None:
    """A company member other than the dossier's client who caused an event on it becomes one of its actors."""
    if actor.get("role") != "client" or not actor.get("sub"):
        return  # staff, partners, services: no read of the copy (issue 18: a round trip per event)
    dossier = session.get(DossierCopy, dossier_id)
    if dossier is None or not is_client_side(actor, dossier) or actor["sub"] == dossier.client_sub:
        return
    party = _party(session, CLIENT_MEMBER, member_party_id(dossier_id, actor["sub"]), dossier_id)
    party.sub, party.attached, party.active = actor["sub"], True, True
    party.email = actor.get("email") or party.email
    party.name = actor.get("name") or party.name


def _client_org_changes(session: Session, dossier: DossierCopy, data: dict) -> None:
    """Members of the former company stop being actors when the dossier changes company."""
    if "client_org" in data and dossier.client_org and data["client_org"] != dossier.client_org:
        session.execute(
            update(DossierParty)
            .where(DossierParty.dossier_id == dossier.dossier_id, DossierParty.kind == CLIENT_MEMBER)
            .values(active=False, updated_at=clock.now())
        )


def _set(target: Any, data: dict, *names: str) -> None:
    for name in names:
        if name in data:
            setattr(target, name, data[name])


def observe(session: Session, envelope: Envelope) -> None:
    """Update the local copy from one event (any type; unknown types only teach the actor's address)."""
    actor = envelope.actor or {}
    learn_contact(
        session,
        actor.get("sub"),
        actor.get("email"),
        name=actor.get("name"),
        role=actor.get("role"),
        language=actor.get("locale"),
    )
    _observe_dossier(session, envelope)
    if envelope.data.get("dossier_id"):
        _note_member(session, actor, envelope.data["dossier_id"])


def _observe_dossier(session: Session, envelope: Envelope) -> None:
    data, kind = envelope.data, envelope.type
    dossier_id = data.get("dossier_id")
    if kind == "dossier.created" and dossier_id:
        dossier = _dossier(session, dossier_id)
        _set(dossier, data, *DOSSIER_FIELDS, "client_visible", "partner_visible")
        dossier.updated_at = clock.now()
        learn_contact(
            session,
            data.get("client_sub"),
            data.get("client_email"),
            name=data.get("client_name"),
            role="client",
            language=data.get("client_language"),
        )
    elif kind == "dossier.updated" and dossier_id and "category" in data:
        _dossier(session, dossier_id).category = data["category"]
    elif kind == "dossier.status_changed" and dossier_id:
        dossier = _dossier(session, dossier_id)
        _client_org_changes(session, dossier, data)
        dossier.status = data.get("to")
        _set(
            dossier,
            data,
            "status_label",
            "client_visible",
            "partner_visible",
            "category",
            "client_sub",
            "client_org",
            "reference",
        )
        dossier.updated_at = clock.now()
    elif kind == "dossier.assigned" and dossier_id:
        _dossier(session, dossier_id).assignee_sub = data.get("assignee_sub")
        learn_contact(session, data.get("assignee_sub"), data.get("assignee_email"), role="agent")
    elif kind == "dossier.closed" and dossier_id:
        _dossier(session, dossier_id).closed = True
    elif kind.startswith(("solicitation.", "contributor.")) and not (
        data.get("solicitation_id") or data.get("contributor_id")
    ):
        return  # nothing to attach the party to; the rules still run on what the event carries
    elif kind in ("solicitation.created", "solicitation.key_reissued", "solicitation.reminded") and dossier_id:
        party = _party(session, "partner", data["solicitation_id"], dossier_id)
        party.email = data.get("partner_email") or party.email
        party.name = data.get("partner_name") or party.name
        if data.get("partner_sub"):
            party.sub = data["partner_sub"]
            party.attached = party.attached or data.get("partner_kind") == "internal"
            learn_contact(session, data["partner_sub"], data.get("partner_email"), role="partner")
    elif kind == "solicitation.attached" and dossier_id:
        party = _party(session, "partner", data["solicitation_id"], dossier_id)
        party.sub, party.attached = data.get("partner_sub"), True
        learn_contact(session, party.sub, party.email, name=party.name, role="partner")
    elif kind in ("solicitation.revoked", "solicitation.cancelled") and dossier_id:
        _party(session, "partner", data["solicitation_id"], dossier_id).active = False
    elif kind == "contributor.revoked" and dossier_id:
        _party(session, data.get("kind") or "contributor", data["contributor_id"], dossier_id).active = False
    elif kind == "contributor.invited" and dossier_id:
        party = _party(session, data.get("kind") or "contributor", data["contributor_id"], dossier_id)
        party.email, party.name, party.role = data.get("email"), data.get("name"), data.get("role")
    elif kind == "contributor.attached" and dossier_id:
        party = _party(session, data.get("kind") or "contributor", data["contributor_id"], dossier_id)
        party.sub, party.attached = data.get("account_sub"), True
        party.role = data.get("role") or party.role
        learn_contact(session, party.sub, party.email, name=party.name, role="partner")
    elif kind in ("contract.created", "contract.updated"):
        learn_contact(session, data.get("owner_sub"), data.get("owner_email"), role="client")
    elif kind.startswith("attestation."):
        learn_contact(
            session,
            data.get("client_sub"),
            data.get("client_email"),
            name=data.get("client_name"),
            role="client",
            language=data.get("client_language"),
        )
