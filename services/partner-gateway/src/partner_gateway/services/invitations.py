"""Contributors (a role of the dossier's model) and participants: invitations with a key, pieces provided."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from platform_shared import clock, directory
from platform_shared.auth import Caller
from platform_shared.db import get_or_404
from platform_shared.errors import Forbidden, NotFound, ValidationFailed
from platform_shared.messaging.sealed import seal
from platform_shared.pagination import keyset_page

from ..db import Invitation, ProvidedPiece
from ..domain.errors import DossierClosed
from ..domain.rules import client_may_invite_kind, is_the_dossiers_client
from . import audit, dossier_copy, keys, visibility
from .events import publish


def role_codes(model: dict[str, Any]) -> set[str]:
    return {role["code"] for role in model.get("roles", [])}


def role_label(model: dict[str, Any], role: str | None) -> str | None:
    """The role's label ("Garant"), what people read; its code stays the machines' business."""
    return next((item.get("label") or item["code"] for item in model.get("roles", []) if item["code"] == role), role)


def pieces_of_role(model: dict[str, Any], role: str) -> list[dict[str, Any]]:
    return next((list(item.get("pieces", [])) for item in model.get("roles", []) if item["code"] == role), [])


def require_client_side(caller: Caller, dossier: dict[str, Any]) -> None:
    """404 for a client who is not on the dossier's client side, as the dossier service would answer them."""
    if not is_the_dossiers_client(caller.sub, caller.org, dossier.get("client_sub"), dossier.get("client_org")):
        raise NotFound("No such dossier.")


def authorise_inviter(caller: Caller, dossier: dict[str, Any], model: dict[str, Any], kind: str) -> None:
    """Staff invite anyone; the dossier's client side (the dossier service's rule) invites contributors when the
    model has ``client_can_invite``. Another client gets 404, as the dossier service would answer them."""
    if caller.is_staff:
        return
    require_client_side(caller, dossier)
    if not bool(model.get("client_can_invite")):
        raise Forbidden("This dossier's model does not let clients invite contributors.")
    if not client_may_invite_kind(kind):
        raise Forbidden("Only staff invite participants; a client invites contributors.")


def _with_directory_person(session: Session, body: dict) -> dict:
    """Name and email from the directory's entry ``person_id`` (what the body says wins); 422 when unknown or
    when neither gives a name and an email."""
    body = dict(body)
    person_id = body.pop("person_id", None)
    if person_id:
        person = directory.entry(session, person_id)
        if person is None or not person.email:
            raise ValidationFailed(
                "Unknown person, or a person without an email.",
                errors={"person_id": [f"no person {person_id} with an email in the directory"]},
            )
        body["name"] = body.get("name") or person.name
        body["email"] = body.get("email") or person.email
    missing = {key: ["required (or give person_id)"] for key in ("name", "email") if not body.get(key)}
    if missing:
        raise ValidationFailed("Who is invited: a name and an email, or a person of the directory.", errors=missing)
    return body


def invite(
    session: Session, caller: Caller, dossier: dict[str, Any], model: dict[str, Any], body: dict, settings
) -> tuple[Invitation, str]:
    """A contributor (in one of the model's roles) or a participant; the key is returned here only."""
    if dossier.get("closed"):
        raise DossierClosed()
    if body["kind"] == "contributor" and body.get("role") not in role_codes(model):
        raise ValidationFailed(
            "The model has no such contributor role.",
            errors={"role": [f"One of: {', '.join(sorted(role_codes(model))) or 'none'}."]},
        )
    if body["kind"] == "participant":
        body["role"] = None
    body = _with_directory_person(session, body)
    if body.get("notify") is None:  # the invitation does not say: the model's setting decides
        body["notify"] = bool(model.get("invitations_sent_automatically", True))
    dossier_copy.seed_from_dossier(session, dossier)
    invitation = Invitation(
        id=clock.new_id(),
        dossier_id=dossier["id"],
        state="invited",
        created_by=caller.sub,
        created_at=clock.now(),
        **body,
    )
    session.add(invitation)
    session.flush()
    expires_at = clock.now() + timedelta(days=settings.invitation_key_days)
    key = keys.issue(session, "invitation", invitation.id, expires_at)
    data = {
        "contributor_id": invitation.id,
        "dossier_id": invitation.dossier_id,
        "kind": invitation.kind,
        "role": invitation.role,
        "role_label": role_label(model, invitation.role),
        "invitation_text": model.get("invitation_text") or "",
        "name": invitation.name,
        "email": invitation.email,
        "notify": invitation.notify,
        "key_expires_at": clock.isoformat(expires_at),
    }
    if invitation.notify:
        data["sealed_key"] = seal(key, settings.event_secret_key)
    publish(session, "contributor.invited", data, caller.as_actor())
    audit.record(
        session,
        caller,
        invitation.dossier_id,
        "contributor.invited",
        invitation.id,
        kind=invitation.kind,
        role=invitation.role,
        notify=invitation.notify,
    )
    return invitation, key


def list_for_dossier(
    session: Session, dossier_id: str, *, limit: int, cursor: str | None, created_by: str | None = None
):
    """The dossier's invitations; ``created_by`` narrows them to one inviter's (what a client gets)."""
    statement = select(Invitation).where(Invitation.dossier_id == dossier_id)
    if created_by is not None:
        statement = statement.where(Invitation.created_by == created_by)
    return keyset_page(session, statement, [Invitation.created_at, Invitation.id], limit=limit, cursor=cursor)


def provided(session: Session, invitation_id: str) -> list[ProvidedPiece]:
    return list(
        session.execute(
            select(ProvidedPiece)
            .where(ProvidedPiece.invitation_id == invitation_id)
            .order_by(ProvidedPiece.provided_at)
        ).scalars()
    )


def present_pieces(invitation: Invitation, model: dict[str, Any], given: list[ProvidedPiece]) -> dict[str, Any]:
    """The pieces of the invitation's role only, with the documents provided for each."""
    documents: dict[str, list[str]] = {}
    for piece in given:
        documents.setdefault(piece.piece_code, []).append(piece.document_id)
    return {
        "contributor_id": invitation.id,
        "dossier_id": invitation.dossier_id,
        "role": invitation.role,
        "pieces": [
            {**piece, "document_ids": documents.get(piece["code"], [])}
            for piece in pieces_of_role(model, invitation.role)
        ],
    }


def require_piece_of_role(model: dict[str, Any], role: str, piece_code: str) -> None:
    """404 for another role's piece (or none at all): a contributor never learns the other roles' pieces."""
    if piece_code not in {piece["code"] for piece in pieces_of_role(model, role)}:
        raise NotFound("No such piece for your role.")


def provide_piece(
    session: Session, caller: Caller, invitation: Invitation, model: dict[str, Any], piece_code: str, document_id: str
) -> ProvidedPiece:
    require_piece_of_role(model, invitation.role, piece_code)
    piece = ProvidedPiece(
        id=clock.new_id(),
        invitation_id=invitation.id,
        piece_code=piece_code,
        document_id=document_id,
        provided_at=clock.now(),
    )
    session.add(piece)
    publish(
        session,
        "piece.provided",
        {
            "contributor_id": invitation.id,
            "dossier_id": invitation.dossier_id,
            "role": invitation.role,
            "piece_code": piece_code,
            "document_id": document_id,
            "account_sub": caller.sub,
        },
        caller.as_actor(),
    )
    audit.record(
        session,
        caller,
        invitation.dossier_id,
        "piece.provided",
        invitation.id,
        piece_code=piece_code,
        document_id=document_id,
    )
    return piece


def participant_invitation(session: Session, sub: str, dossier_id: str) -> Invitation | None:
    """``sub``'s attached participant invitation on the dossier, if they are one of its participants."""
    return next(
        (
            invitation
            for invitation in visibility.invitations_on(session, sub, dossier_id)
            if invitation.kind == "participant"
        ),
        None,
    )


def participant_on(session: Session, sub: str, dossier_id: str) -> Invitation:
    """The caller's attached participant invitation on the dossier (404 for anyone else, contributors included)."""
    invitation = participant_invitation(session, sub, dossier_id)
    if invitation is None:
        raise NotFound("No such dossier.")
    return invitation


def note_author(caller: Caller, invitation: Invitation) -> dict[str, str | None]:
    """The participant as the note's author: their token's name and address, else the invitation's."""
    return {"sub": caller.sub, "name": caller.name or invitation.name, "email": caller.email or invitation.email}


def record_note(session: Session, caller: Caller, invitation: Invitation, note: dict[str, Any]) -> None:
    audit.record(session, caller, invitation.dossier_id, "note.posted", invitation.id, note_id=note.get("id"))


def revoke(session: Session, caller: Caller, invitation_id: str) -> Invitation:
    """Staff revoke any invitation; a client only one they made themselves (404 for any other)."""
    invitation = get_or_404(
        session,
        Invitation,
        invitation_id,
        "No such invitation.",
        visible=lambda invitation: caller.is_staff or invitation.created_by == caller.sub,
    )
    invitation.state = "revoked"
    keys.withdraw(session, invitation.id)
    audit.record(session, caller, invitation.dossier_id, "contributor.revoked", invitation.id)
    # The other services drop the third party too (the dossier: attendees, participants' names, the workspace).
    publish(
        session,
        "contributor.revoked",
        {
            "contributor_id": invitation.id,
            "dossier_id": invitation.dossier_id,
            "kind": invitation.kind,
            "role": invitation.role,
            "account_sub": invitation.account_sub,
        },
        caller.as_actor(),
    )
    return invitation


def pieces_status(invitation: Invitation, model: dict[str, Any], given: list[ProvidedPiece]) -> dict[str, Any]:
    """Per contributor: each piece of their role, provided or not, what is missing and whether their part is
    complete (every required piece provided). Participants have no pieces."""
    if invitation.kind != "contributor":
        return {"pieces": [], "missing": [], "complete": None}
    documents: dict[str, list[str]] = {}
    for piece in given:
        documents.setdefault(piece.piece_code, []).append(piece.document_id)
    pieces = [
        {
            "code": piece["code"],
            "label": piece.get("label") or piece["code"],
            "required": bool(piece.get("required", True)),
            "provided": bool(documents.get(piece["code"])),
            "document_ids": documents.get(piece["code"], []),
        }
        for piece in pieces_of_role(model, invitation.role)
    ]
    missing = [piece["code"] for piece in pieces if piece["required"] and not piece["provided"]]
    return {"pieces": pieces, "missing": missing, "complete": not missing}


def present_for_staff(session: Session, invitation: Invitation, model: dict[str, Any]) -> dict[str, Any]:
    fields = {column.key: getattr(invitation, column.key) for column in Invitation.__table__.columns}
    return {
        **fields,
        "role_label": role_label(model, invitation.role) if invitation.role else None,
        **pieces_status(invitation, model, provided(session, invitation.id)),
    }


def remind(
    session: Session, caller: Caller, dossier_id: str, model: dict[str, Any], ids: list[str] | None, quiet
) -> dict[str, Any]:
    """Remind the dossier's contributors (or the given ones) who have not provided every required piece, except
    those reminded within the quiet period; a closed dossier reminds nobody. Each skip says why."""
    statement = select(Invitation).where(
        Invitation.dossier_id == dossier_id,
        Invitation.kind == "contributor",
        Invitation.state.in_(("invited", "attached")),
    )
    if ids:
        statement = statement.where(Invitation.id.in_(ids))
    state = dossier_copy.status_of(session, dossier_id)
    reminded, skipped = [], []
    for invitation in session.execute(statement.order_by(Invitation.created_at)).scalars():
        status = pieces_status(invitation, model, provided(session, invitation.id))
        if state is not None and state.closed:
            reason = "dossier_closed"
        elif status["complete"]:
            reason = "complete"
        elif invitation.reminded_at is not None and clock.now() - invitation.reminded_at < quiet:
            reason = "reminded_recently"
        else:
            reason = None
        if reason:
            skipped.append({"contributor_id": invitation.id, "reason": reason})
            continue
        invitation.reminded_at = clock.now()
        invitation.reminder_count = (invitation.reminder_count or 0) + 1
        missing = [
            {"code": piece["code"], "label": piece["label"]}
            for piece in status["pieces"]
            if piece["code"] in status["missing"]
        ]
        publish(
            session,
            "contributor.reminded",
            {
                "contributor_id": invitation.id,
                "dossier_id": dossier_id,
                "role": invitation.role,
                "role_label": role_label(model, invitation.role),
                "name": invitation.name,
                "email": invitation.email,
                "account_sub": invitation.account_sub,
                "missing": missing,
                "reminder_count": invitation.reminder_count,
            },
            caller.as_actor(),
        )
        reminded.append(invitation.id)
    if reminded:
        audit.record(session, caller, dossier_id, "contributor.reminded", None, contributor_ids=reminded)
    return {"reminded": len(reminded), "reminded_ids": reminded, "skipped": len(skipped), "skipped_details": skipped}
