"""Partner answers: drafts saved as numbered versions, ``submit`` locks the last one and publishes it."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from platform_shared import clock
from platform_shared.auth import Caller
from platform_shared.errors import ValidationFailed

from ..db import AnswerVersion, Solicitation
from ..domain.errors import AnswerLocked, DossierClosed
from ..domain.rules import COMPLETION_TYPES, ENDED_STATES, OPINION_TYPES
from ..domain.values import value_problems
from . import audit, dossier_copy, visibility
from .events import publish


def versions(session: Session, solicitation_id: str) -> list[AnswerVersion]:
    return list(
        session.execute(
            select(AnswerVersion)
            .where(AnswerVersion.solicitation_id == solicitation_id)
            .order_by(AnswerVersion.version)
        ).scalars()
    )


def latest(session: Session, solicitation_id: str) -> AnswerVersion | None:
    return session.execute(
        select(AnswerVersion)
        .where(AnswerVersion.solicitation_id == solicitation_id)
        .order_by(AnswerVersion.version.desc())
        .limit(1)
    ).scalar_one_or_none()


def writable_solicitation(session: Session, caller: Caller, solicitation_id: str) -> Solicitation:
    """The caller's solicitation they may still change: 409 when the dossier is closed or the answer submitted."""
    solicitation = session.get(Solicitation, solicitation_id)
    if solicitation is not None and solicitation.partner_sub == caller.sub and solicitation.state not in ENDED_STATES:
        dossier = dossier_copy.status_of(session, solicitation.dossier_id)
        if dossier is not None and dossier.closed:
            raise DossierClosed()
    solicitation = visibility.acting_solicitation(session, caller, solicitation_id)
    if solicitation.state == "answered":
        raise AnswerLocked()
    return solicitation


def _require_type(solicitation: Solicitation, allowed: tuple[str, ...], what: str) -> None:
    if solicitation.type not in allowed:
        raise ValidationFailed(f"This solicitation asks for no {what}.", errors={"type": [solicitation.type]})


def _save(session: Session, caller: Caller, solicitation: Solicitation, **changes: Any) -> AnswerVersion:
    previous = latest(session, solicitation.id)
    base = {"verdict": None, "comment": None, "document_id": None, "values": {}}
    if previous is not None:
        base = {
            "verdict": previous.verdict,
            "comment": previous.comment,
            "document_id": previous.document_id,
            "values": dict(previous.values),
        }
    if "values" in changes:
        changes["values"] = {**base["values"], **changes["values"]}
    version = AnswerVersion(
        id=clock.new_id(),
        solicitation_id=solicitation.id,
        version=(previous.version + 1) if previous else 1,
        submitted=False,
        saved_by=caller.sub,
        saved_at=clock.now(),
        **{**base, **changes},
    )
    session.add(version)
    session.flush()
    return version


def save_opinion(session: Session, caller: Caller, solicitation_id: str, body: dict) -> AnswerVersion:
    solicitation = writable_solicitation(session, caller, solicitation_id)
    _require_type(solicitation, OPINION_TYPES, "opinion")
    version = _save(session, caller, solicitation, **body)
    audit.record(session, caller, solicitation.dossier_id, "opinion.saved", solicitation.id, version=version.version)
    return version


def check_writable_keys(values: dict[str, Any], partner_view: dict[str, Any]) -> None:
    """422 for any key the partner view does not mark ``write``, and for any value that does not fit its
    field's type (the dossier service enforces both again at submit)."""
    fields = partner_view.get("fields", [])
    writable = {field["key"] for field in fields if field.get("mode") == "write"}
    refused = sorted(set(values) - writable)
    if refused:
        raise ValidationFailed(
            "Some fields cannot be written: " + ", ".join(refused),
            errors={"values": {key: ["Not writable in the partner view."] for key in refused}},
        )
    problems = value_problems(values, fields)
    if problems:
        raise ValidationFailed(
            "Some values do not fit their field: " + ", ".join(sorted(problems)), errors={"values": problems}
        )


def save_completion(
    session: Session, caller: Caller, solicitation_id: str, values: dict[str, Any], partner_view: dict[str, Any]
) -> AnswerVersion:
    solicitation = writable_solicitation(session, caller, solicitation_id)
    _require_type(solicitation, COMPLETION_TYPES, "completion")
    check_writable_keys(values, partner_view)
    version = _save(session, caller, solicitation, values=values)
    audit.record(
        session,
        caller,
        solicitation.dossier_id,
        "completion.saved",
        solicitation.id,
        version=version.version,
        fields=sorted(values),
    )
    return version


def draft_to_submit(session: Session, caller: Caller, solicitation_id: str) -> tuple[Solicitation, AnswerVersion]:
    solicitation = writable_solicitation(session, caller, solicitation_id)
    draft = latest(session, solicitation.id)
    if draft is None:
        raise ValidationFailed(
            "Nothing to submit: save an opinion or a completion first.", errors={"answer": ["No draft."]}
        )
    if solicitation.type in OPINION_TYPES and not draft.verdict:
        raise ValidationFailed("An opinion needs a verdict.", errors={"verdict": ["Missing."]})
    return solicitation, draft


def submit(session: Session, caller: Caller, solicitation_id: str) -> AnswerVersion:
    """Lock the last draft as the answer and publish one ``solicitation.answered`` (an opinion_completion is
    an ``opinion`` whose ``completed_fields`` name the values written)."""
    # Lock the row first so two concurrent submits cannot both publish an answer.
    session.get(Solicitation, solicitation_id, with_for_update=True)
    solicitation, draft = draft_to_submit(session, caller, solicitation_id)
    draft.submitted = True
    solicitation.state, solicitation.answered_at = "answered", clock.now()
    answer_kind = "opinion" if solicitation.type in OPINION_TYPES else "completion"
    publish(
        session,
        "solicitation.answered",
        {
            "solicitation_id": solicitation.id,
            "dossier_id": solicitation.dossier_id,
            "partner_id": solicitation.partner_id,
            "partner_sub": caller.sub,
            "answer_kind": answer_kind,
            "verdict": draft.verdict if answer_kind == "opinion" else None,
            "confidential": solicitation.confidential,
            "version": draft.version,
            "completed_fields": sorted(draft.values),
        },
        caller.as_actor(),
    )
    audit.record(session, caller, solicitation.dossier_id, "answer.submitted", solicitation.id, version=draft.version)
    return draft


def others_opinions(session: Session, solicitation: Solicitation) -> list[dict[str, Any]]:
    """Submitted opinions of the dossier's other partners, never the confidential ones."""
    rows = session.execute(
        select(Solicitation, AnswerVersion)
        .join(AnswerVersion, AnswerVersion.solicitation_id == Solicitation.id)
        .where(
            Solicitation.dossier_id == solicitation.dossier_id,
            Solicitation.id != solicitation.id,
            Solicitation.confidential.is_(False),
            AnswerVersion.submitted.is_(True),
            AnswerVersion.verdict.is_not(None),
        )
        .order_by(AnswerVersion.saved_at)
    ).all()
    return [
        {
            "solicitation_id": other.id,
            "scope": other.scope,
            "verdict": answer.verdict,
            "comment": answer.comment,
            "submitted_at": answer.saved_at,
        }
        for other, answer in rows
    ]


def history_for(session: Session, caller: Caller, solicitation_id: str) -> list[AnswerVersion]:
    """Staff see any solicitation's versions; a partner only their own, while they may read the dossier (a
    closed dossier stays readable)."""
    solicitation = session.get(Solicitation, solicitation_id)
    if solicitation is not None and caller.is_staff and solicitation.partner_sub != caller.sub:
        return versions(session, solicitation_id)
    return versions(session, visibility.readable_solicitation(session, caller, solicitation_id).id)
