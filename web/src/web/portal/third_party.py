"""Third parties in the portal: "Attach a dossier" with a key, then, by what the key opened,
- partners: my dossiers, a dossier in the partner view, the opinion and/or completion (drafts, submit, history),
  the documents sent to me (internal partners, who are agents, use the same screens);
- contributors: my invitations, the pieces of my role with what is missing, uploads;
- participants: the dossier as participants see it, notes, uploads."""

from __future__ import annotations

from dataclasses import replace

from flask import abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext

from ..clients import Api, ApiError
from ..identity import signed_in
from . import bp, model_fields
from .common import api, field_errors, page, upload, upload_problem
from .forms import AnswerForm, AttachForm, PieceUploadForm, PlainForm, ThirdPartyNoteForm, UploadForm
from .workspace import participant_workspace

OPINION_TYPES = ("opinion", "opinion_completion")
COMPLETION_TYPES = ("completion", "opinion_completion")


# ----- attach --------------------------------------------------------------------------------------------------
def _attach_problem(error: ApiError) -> str:
    if error.status == 429:
        minutes = max(1, -(-(error.retry_after or 60) // 60))
        return ngettext(
            "Too many unsuccessful attempts. For your security, try again in %(num)d minute.",
            "Too many unsuccessful attempts. For your security, try again in %(num)d minutes.",
            minutes,
        )
    if error.status == 410:
        return _("This key has expired. Ask the person who sent it for a new one.")
    if error.status == 409:
        return _("This key has already been used. Each key opens one dossier for one account.")
    if error.status == 404:
        return _("This key does not open any dossier. Check what you typed (dashes and spaces do not matter).")
    return error.errors.get("key") or error.detail


@bp.route("/attach", methods=("GET", "POST"))
@signed_in("partner")
def attach():
    form = AttachForm()
    problem = None
    if form.validate_on_submit():
        try:
            attached = api().post("partner-gateway", "/attach", {"key": form.key.data})
        except ApiError as error:
            if error.status not in (404, 409, 410, 422, 429):
                raise
            problem = _attach_problem(error)
        else:
            flash(_("The dossier is attached to your account."), "success")
            if attached["kind"] == "solicitation":
                return redirect(url_for("portal.partner_dossier", dossier_id=attached["dossier_id"]))
            if attached["kind"] == "contributor":
                return redirect(url_for("portal.contribution", invitation_id=attached["id"]))
            return redirect(url_for("portal.dossier", dossier_id=attached["dossier_id"]))
    status = 422 if request.method == "POST" else 200
    return page("portal/attach.html", nav="attach", form=form, problem=problem), status


# ----- my space ------------------------------------------------------------------------------------------------
def _partner_rows(listing: list[dict]) -> list[dict]:
    """My dossiers with their reference, title and status: ``GET /me/dossiers`` gives only ids and my
    solicitations, so each dossier's partner view is read too (concurrently)."""
    calls = api()
    ids = list(dict.fromkeys(item["dossier_id"] for item in listing))
    views = calls.gather(
        **{
            f"d{index}": (lambda dossier_id=dossier_id: calls.optional(lambda: my_dossier(dossier_id, calls)))
            for index, dossier_id in enumerate(ids)
        }
    )
    rows = []
    for index, dossier_id in enumerate(ids):
        view = views[f"d{index}"]
        if view is None:
            continue  # hidden between the two calls (its status changed)
        solicitations = [item["solicitation"] for item in listing if item["dossier_id"] == dossier_id]
        rows.append({"dossier": view["dossier"], "solicitations": solicitations, "answers": view["solicitations"]})
    return rows


def my_dossier(dossier_id: str, calls: Api | None = None) -> dict:
    """``GET /me/dossiers/{id}``; ``calls`` is given when this runs on the pool (no request context there)."""
    return (calls or api()).get("partner-gateway", f"/me/dossiers/{dossier_id}")


def third_party_home():
    calls = api()
    found = calls.gather(
        dossiers=lambda: calls.get_all("partner-gateway", "/me/dossiers"),
        invitations=lambda: calls.get("partner-gateway", "/me/invitations"),
        pieces=lambda: calls.get("partner-gateway", "/me/pieces"),
    )
    participant_ids = [
        item["dossier_id"]
        for item in found["invitations"]
        if item["kind"] == "participant" and item["state"] == "attached"
    ]
    participant_views = calls.gather(
        **{
            f"p{index}": (lambda dossier_id=dossier_id: calls.optional(lambda: my_dossier(dossier_id, calls)))
            for index, dossier_id in enumerate(participant_ids)
        }
    )
    return page(
        "portal/third_party_home.html",
        nav="home",
        partner_rows=_partner_rows(found["dossiers"]),
        participations=[view["dossier"] for view in participant_views.values() if view],
        contributions=found["pieces"],
        attach_form=AttachForm(),
    )


@bp.get("/partner/dossiers")
@signed_in("partner", "agent")
def partner_dossiers():
    rows = _partner_rows(api().get_all("partner-gateway", "/me/dossiers"))
    return page("portal/partner_dossiers.html", nav="home", partner_rows=rows)


# ----- a dossier seen by a third party -------------------------------------------------------------------------
def third_party_dossier(dossier_id: str):
    """``/portal/dossiers/<id>`` for a partner token: a solicited partner goes to the partner view, a
    participant gets the participant view, a contributor the pieces of their role on this dossier."""
    view = api().optional(lambda: my_dossier(dossier_id))
    if view is not None and view["solicitations"]:
        return redirect(url_for("portal.partner_dossier", dossier_id=dossier_id))
    if view is not None:
        return participant_page(dossier_id, view)
    for mine in api().get("partner-gateway", "/me/pieces"):
        if mine["dossier_id"] == dossier_id:
            return redirect(url_for("portal.contribution", invitation_id=mine["contributor_id"]))
    abort(404)


def participant_page(dossier_id: str, view: dict, *, status: int = 200, **forms):
    calls = api()
    found = calls.gather(
        documents=lambda: calls.get_all("documents", "/documents", {"owner_type": "dossier", "owner_id": dossier_id}),
        workspace=lambda: calls.optional(
            lambda: calls.get("partner-gateway", f"/me/dossiers/{dossier_id}/workspace"), default=None
        ),
    )
    documents = found["documents"]
    record = view["dossier"]
    fields = model_fields.from_specs([], dict.fromkeys(record.get("fields", {}), "read"), record.get("fields", {}))
    return (
        page(
            "portal/participant_dossier.html",
            nav="home",
            dossier=record,
            fields=fields,
            notes=record.get("notes", []),
            documents=documents,
            **participant_workspace(found["workspace"]),
            note_form=forms.pop("note_form", None) or ThirdPartyNoteForm(),
            upload_form=forms.pop("upload_form", None) or UploadForm(),
            **forms,
        ),
        status,
    )


@bp.post("/dossiers/<dossier_id>/participant-notes")
@signed_in("partner")
def participant_note(dossier_id: str):
    form = ThirdPartyNoteForm()
    view = my_dossier(dossier_id)
    if not form.validate_on_submit():
        return participant_page(dossier_id, view, status=422, note_form=form)
    try:
        api().post("partner-gateway", f"/me/dossiers/{dossier_id}/notes", {"body": form.body.data})
    except ApiError as error:
        if error.status not in (409, 422):
            raise
        message = _("The dossier is closed: no message can be added.") if error.status == 409 else error.detail
        return participant_page(dossier_id, view, status=error.status, note_form=form, note_errors={"body": message})
    flash(_("Your message is sent."), "success")
    return redirect(url_for("portal.dossier", dossier_id=dossier_id) + "#notes")


@bp.post("/dossiers/<dossier_id>/participant-documents")
@signed_in("partner")
def participant_document(dossier_id: str):
    form = UploadForm()
    view = my_dossier(dossier_id)
    if not form.validate_on_submit():
        return participant_page(dossier_id, view, status=422, upload_form=form)
    try:
        document = upload(form.file.data, "dossier", dossier_id, form.category.data)
    except ApiError as error:
        if error.status not in (409, 413, 415, 422):
            raise
        return participant_page(
            dossier_id, view, status=error.status, upload_form=form, upload_errors={"file": upload_problem(error)}
        )
    flash(_("“%(name)s” is added to the dossier.", name=document["filename"]), "success")
    return redirect(url_for("portal.dossier", dossier_id=dossier_id) + "#documents")


# ----- partner view, opinion and completion --------------------------------------------------------------------
def _partner_context(dossier_id: str) -> dict:
    calls = api()
    view = my_dossier(dossier_id)
    if not view["solicitations"]:
        abort(404)
    ids = [item["solicitation"]["id"] for item in view["solicitations"]]
    extra = calls.gather(
        **{
            f"h{index}": (lambda sid=sid: calls.get("partner-gateway", f"/solicitations/{sid}/history"))
            for index, sid in enumerate(ids)
        },
        **{
            f"u{index}": (
                lambda sid=sid: calls.get_all(
                    "documents", "/documents", {"owner_type": "solicitation", "owner_id": sid}
                )
            )
            for index, sid in enumerate(ids)
        },
    )
    panels = []
    fields = model_fields.from_partner_view(view["dossier"].get("fields", []))
    for index, detail in enumerate(view["solicitations"]):
        solicitation = detail["solicitation"]
        answers = detail.get("answers") or []
        latest = answers[-1] if answers else None
        panels.append(
            {
                "solicitation": solicitation,
                "latest": latest,
                "submitted": bool(latest and latest.get("submitted")),
                "history": extra[f"h{index}"],
                "uploads": extra[f"u{index}"],
                "asks_opinion": solicitation["type"] in OPINION_TYPES,
                "asks_completion": solicitation["type"] in COMPLETION_TYPES,
                "fields": _with_draft(fields, latest),
            }
        )
    return {"view": view, "dossier": view["dossier"], "panels": panels, "fields": fields}


def _with_draft(fields: list[model_fields.ModelField], latest: dict | None) -> list[model_fields.ModelField]:
    """The writable fields show my last draft's values until it is submitted into the dossier."""
    values = (latest or {}).get("values") or {}
    if not values or (latest or {}).get("submitted"):
        return fields
    return [replace(item, value=values[item.key]) if item.writable and item.key in values else item for item in fields]


def partner_page(dossier_id: str, *, status: int = 200, **overrides):
    context = _partner_context(dossier_id)
    answer_forms = overrides.pop("answer_forms", {})
    for panel in context["panels"]:
        sid = panel["solicitation"]["id"]
        latest = panel["latest"] or {}
        panel["form"] = answer_forms.get(sid) or AnswerForm(
            formdata=None, verdict=latest.get("verdict"), comment=latest.get("comment")
        )
        if sid in overrides.get("submitted_fields", {}):
            panel["fields"] = overrides["submitted_fields"][sid]
    overrides.pop("submitted_fields", None)
    return page("portal/partner_dossier.html", nav="home", submit_form=PlainForm(), **context, **overrides), status


@bp.get("/partner/dossiers/<dossier_id>")
@signed_in("partner", "agent")
def partner_dossier(dossier_id: str):
    return partner_page(dossier_id)


@bp.post("/partner/solicitations/<solicitation_id>/answer")
@signed_in("partner", "agent")
def save_answer(solicitation_id: str):
    """Save my draft (opinion, completion values, supporting file), and submit it when asked to."""
    dossier_id = request.form.get("dossier_id", "")
    context = _partner_context(dossier_id)
    panel = next((item for item in context["panels"] if item["solicitation"]["id"] == solicitation_id), None)
    if panel is None:
        abort(404)
    form = AnswerForm()
    submitting = form.action.data == "submit"
    parsed = model_fields.parse(panel["fields"], request.form) if panel["asks_completion"] else None
    submitted_fields = {solicitation_id: model_fields.with_submitted(panel["fields"], request.form)}
    errors: dict[str, str] = dict(parsed.errors) if parsed else {}
    if not form.validate_on_submit():
        return partner_page(dossier_id, status=422, answer_forms={solicitation_id: form}, answer_errors=errors)
    if panel["asks_opinion"] and not form.verdict.data:
        errors["verdict"] = _("Choose a verdict.")
    if errors:
        return partner_page(
            dossier_id,
            status=422,
            answer_forms={solicitation_id: form},
            answer_errors=errors,
            submitted_fields=submitted_fields,
        )
    calls = api()
    try:
        if panel["asks_completion"] and parsed.values:
            calls.patch("partner-gateway", f"/solicitations/{solicitation_id}/completion", {"values": parsed.values})
        if panel["asks_opinion"]:
            document_id = (panel["latest"] or {}).get("document_id")
            if form.file.data:
                uploaded = upload(form.file.data, "solicitation", solicitation_id, "opinion")
                document_id = uploaded["id"]
            calls.post(
                "partner-gateway",
                f"/solicitations/{solicitation_id}/opinion",
                {"verdict": form.verdict.data, "comment": form.comment.data or None, "document_id": document_id},
            )
        elif form.file.data:
            upload(form.file.data, "solicitation", solicitation_id, "supporting_piece")
        if submitting:
            calls.post("partner-gateway", f"/solicitations/{solicitation_id}/submit")
    except ApiError as error:
        if error.status not in (409, 413, 415, 422):
            raise
        problems = field_errors(error, [item.key for item in panel["fields"]])
        if error.status in (413, 415) or "file" in problems:
            problems["file"] = upload_problem(error)
        if error.status == 409:
            problems["form"] = error.detail or _("This answer can no longer be changed.")
        return partner_page(
            dossier_id,
            status=error.status,
            answer_forms={solicitation_id: form},
            answer_errors=problems,
            submitted_fields=submitted_fields,
        )
    if submitting:
        flash(_("Your answer is submitted. The agent in charge sees it now."), "success")
    else:
        flash(_("Your draft is saved. Submit it when it is ready."), "success")
    return redirect(url_for("portal.partner_dossier", dossier_id=dossier_id) + f"#solicitation-{solicitation_id}")


# ----- contributors --------------------------------------------------------------------------------------------
def _contribution(invitation_id: str) -> dict:
    for mine in api().get("partner-gateway", "/me/pieces"):
        if mine["contributor_id"] == invitation_id:
            return mine
    abort(404)


def contribution_page(invitation_id: str, *, status: int = 200, **overrides):
    mine = _contribution(invitation_id)
    documents = api().get_all("documents", "/documents", {"owner_type": "dossier", "owner_id": mine["dossier_id"]})
    by_id = {document["id"]: document for document in documents}
    missing = [piece for piece in mine["pieces"] if piece.get("required") and not piece.get("document_ids")]
    provided_ids = {document_id for piece in mine["pieces"] for document_id in piece.get("document_ids", [])}
    return (
        page(
            "portal/contribution.html",
            nav="home",
            mine=mine,
            missing=missing,
            documents_by_id=by_id,
            shared_documents=[document for document in documents if document["id"] not in provided_ids],
            piece_forms=overrides.pop("piece_forms", {}),
            blank_form=PieceUploadForm(formdata=None),
            **overrides,
        ),
        status,
    )


@bp.get("/contributions/<invitation_id>")
@signed_in("partner")
def contribution(invitation_id: str):
    return contribution_page(invitation_id)


@bp.post("/contributions/<invitation_id>/pieces/<piece_code>")
@signed_in("partner")
def provide_piece(invitation_id: str, piece_code: str):
    mine = _contribution(invitation_id)
    piece = next((item for item in mine["pieces"] if item["code"] == piece_code), None)
    if piece is None:
        abort(404)
    form = PieceUploadForm()
    if not form.validate_on_submit():
        return contribution_page(invitation_id, status=422, piece_forms={piece_code: form})
    try:
        document = upload(form.file.data, "dossier", mine["dossier_id"], "supporting_piece")
        api().post("partner-gateway", f"/me/pieces/{invitation_id}/{piece_code}", {"document_id": document["id"]})
    except ApiError as error:
        if error.status not in (409, 413, 415, 422):
            raise
        return contribution_page(
            invitation_id,
            status=error.status,
            piece_forms={piece_code: form},
            piece_errors={piece_code: upload_problem(error)},
        )
    flash(_("“%(piece)s” is provided.", piece=piece["label"]), "success")
    return redirect(url_for("portal.contribution", invitation_id=invitation_id) + f"#piece-{piece_code}")
