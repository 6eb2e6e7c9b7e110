"""Agents' dossiers: the list (filters, search, keyset paging) and the dossier page with its sections (fields,
status and transitions, close, notes, important developments, documents, timeline); the partners sub-panel
and the contributors are in ``partners.py``."""

from __future__ import annotations

from flask import flash, redirect, request, url_for
from flask_babel import gettext as _

from ..clients import ApiError
from ..identity import signed_in
from ..portal import model_fields
from ..portal.common import api, page, person, upload, upload_problem
from . import bp
from .common import checked, errors_of, listed, optional_text, text

PAGE_SIZE = 25
FILTERS = ("status", "model_id", "category", "assignee", "origin", "q")
NOTE_VISIBILITIES = ("internal", "requester", "participants")
DOCUMENT_CATEGORIES = ("supporting_piece", "letter", "quote", "invoice", "opinion", "other")


# ----- the list ------------------------------------------------------------------------------------------------
@bp.get("/dossiers")
@signed_in("agent")
def dossiers():
    chosen = {name: (request.args.get(name) or "").strip() or None for name in FILTERS}
    if chosen["assignee"] == "me":
        chosen["assignee"] = person().sub
    cursor = request.args.get("cursor")
    calls = api()
    found = calls.gather(
        listing=lambda: calls.get("dossier", "/dossiers", {**chosen, "limit": PAGE_SIZE, "cursor": cursor}),
        models=lambda: calls.get_all("dossier", "/models"),
        categories=lambda: calls.get("dossier", "/categories"),
        staff=lambda: internal_staff(calls),
    )
    statuses: dict[str, str] = {}
    for model in found["models"]:
        if chosen["model_id"] in (None, model["id"]):
            for status in model.get("statuses", []):
                statuses.setdefault(status["code"], status["label"])
    categories = found["categories"]
    categories = categories.get("items", categories) if isinstance(categories, dict) else categories
    filters = {name: request.args.get(name, "") for name in FILTERS}
    return page(
        "crm/dossiers.html",
        nav="crm-dossiers",
        listing=found["listing"],
        model_options=[(model["id"], model["name"]) for model in found["models"]],
        statuses=statuses,
        category_options=[(item["code"], item["label"]) for item in categories or []],
        assignee_options=assignee_options(found["staff"], found["listing"].get("items", []), filters["assignee"]),
        filters=filters,
        active_filters={name: value for name, value in filters.items() if value},
        first_page=not cursor,
    )


def internal_staff(calls) -> dict[str, dict]:
    """The staff members the platform lists (there is no staff directory API): the agents registered as internal
    partners, by ``sub``: ``{name, email}``."""
    partners = calls.optional(lambda: calls.get_all("partner-gateway", "/partners", {"kind": "internal"}), default=[])
    return {
        item["agent_sub"]: {"name": item.get("name") or item.get("email"), "email": item.get("email")}
        for item in partners
        if item.get("kind") == "internal" and item.get("agent_sub")
    }


def assignee_options(staff: dict[str, dict], items: list[dict], chosen: str) -> list[tuple[str, str]]:
    """ "Assigned to me", then every staff member known: the internal partners' agents and whoever the listed
    dossiers are assigned to (and the chosen one, even when neither lists them)."""
    me = person().sub
    known = {sub: who["name"] for sub, who in staff.items()}
    for item in items:
        if item.get("assignee_sub"):
            known.setdefault(item["assignee_sub"], item.get("assignee_email") or item["assignee_sub"])
    if chosen and chosen != "me":
        known.setdefault(chosen, chosen)
    known.pop(me, None)
    return [("me", _("Assigned to me")), *sorted(known.items(), key=lambda pair: pair[1].lower())]


# ----- a dossier -----------------------------------------------------------------------------------------------
def load_dossier(dossier_id: str, *, workspace: bool = False) -> dict:
    """The dossier and what its page shows (with ``workspace``: its quotes, orders, invoices, events...)."""
    from .workspace import workspace_calls

    calls = api()
    found = calls.gather(
        **(workspace_calls(dossier_id, calls) if workspace else {}),
        dossier=lambda: calls.get("dossier", f"/dossiers/{dossier_id}"),
        notes=lambda: calls.get_all("dossier", f"/dossiers/{dossier_id}/notes"),
        timeline=lambda: calls.get_all("dossier", f"/dossiers/{dossier_id}/timeline"),
        documents=lambda: calls.get_all("documents", "/documents", {"owner_type": "dossier", "owner_id": dossier_id}),
        templates=lambda: calls.optional(lambda: calls.get_all("documents", "/templates"), default=[]),
    )
    record = found["dossier"]
    model = calls.get("dossier", f"/models/{record['model_id']}", {"version": record.get("model_version")})
    found["model"] = model
    found["fields"] = model_fields.from_specs(
        [*model.get("fields", []), *model.get("partner_fields", [])],
        record.get("field_modes", {}),
        record.get("fields", {}),
    )
    labels = {status["code"]: status["label"] for status in model.get("statuses", [])}
    found["transitions"] = [
        {"to": item["to"], "label": labels.get(item["to"], item["to"])}
        for item in model.get("transitions", [])
        if item["from"] == record.get("status")
    ]
    found["templates"] = [item for item in found["templates"] if item.get("entity") == "dossier"]
    return found


def dossier_page(dossier_id: str, *, status: int = 200, **context):
    from .partners import load_partners_panel
    from .workspace import workspace_context

    found = load_dossier(dossier_id, workspace=True)
    panel = load_partners_panel(dossier_id, found["model"], found["timeline"])
    return (
        page(
            "crm/dossier.html",
            nav="crm-dossiers",
            dossier=found["dossier"],
            model=found["model"],
            fields=context.pop("fields", None) or found["fields"],
            transitions=found["transitions"],
            notes=found["notes"],
            timeline=list(reversed(found["timeline"])),
            documents=found["documents"],
            templates=found["templates"],
            note_visibilities=NOTE_VISIBILITIES,
            document_categories=DOCUMENT_CATEGORIES,
            errors=context.pop("errors", {}),
            **panel,
            **workspace_context(found),
            staff_options=[
                (item["agent_sub"], item["name"])
                for item in panel["partners"]
                if item.get("kind") == "internal" and item.get("agent_sub") and item["agent_sub"] != person().sub
            ],
            **context,
        ),
        status,
    )


@bp.get("/dossiers/<dossier_id>")
@signed_in("agent")
def dossier(dossier_id: str):
    return dossier_page(dossier_id)


def _back(dossier_id: str, anchor: str):
    return redirect(url_for("crm.dossier", dossier_id=dossier_id) + f"#{anchor}")


def _refused(dossier_id: str, error: ApiError, section: str, **context):
    """The page again with the API's errors in ``section`` (409: the dossier is closed or the move refused)."""
    if error.status not in (409, 413, 415, 422):
        raise error
    problems = {f"{section}.{name}": message for name, message in errors_of(error).items()}
    if error.status == 409:
        problems[f"{section}.form"] = error.detail or _("This change is not possible any more.")
    return dossier_page(dossier_id, status=error.status, errors=problems, **context)


@bp.post("/dossiers/<dossier_id>/fields")
@signed_in("agent")
def save_fields(dossier_id: str):
    found = load_dossier(dossier_id)
    fields = found["fields"]
    parsed = model_fields.parse(fields, request.form)
    submitted = model_fields.with_submitted(fields, request.form)
    body: dict = {"title": text("title") or found["dossier"]["title"], "description": text("description")}
    if parsed.values:
        body["fields"] = parsed.values
    if parsed.errors:
        errors = {f"fields.{key}": message for key, message in parsed.errors.items()}
        return dossier_page(dossier_id, status=422, fields=submitted, errors=errors)
    try:
        api().patch("dossier", f"/dossiers/{dossier_id}", body)
    except ApiError as error:
        return _refused(dossier_id, error, "fields", fields=submitted)
    flash(_("The dossier is saved."), "success")
    return _back(dossier_id, "fields")


@bp.post("/dossiers/<dossier_id>/assign")
@signed_in("agent")
def assign(dossier_id: str):
    me = person()
    body = {"assignee_sub": me.sub, "assignee_email": me.email or None}
    chosen = request.form.get("assignee", "me")  # "Assign to me" sends none; the colleague's list may send ""
    if chosen == "nobody":
        body = {"assignee_sub": None, "assignee_email": None}
    elif chosen != "me" and chosen != me.sub:
        staff = internal_staff(api())
        if chosen not in staff:
            return dossier_page(dossier_id, status=422, errors={"status.assignee": _("Choose a staff member.")})
        body = {"assignee_sub": chosen, "assignee_email": staff[chosen]["email"]}
    try:
        api().patch("dossier", f"/dossiers/{dossier_id}", body)
    except ApiError as error:
        return _refused(dossier_id, error, "status")
    flash(_("The assignment is saved."), "success")
    return _back(dossier_id, "status")


@bp.post("/dossiers/<dossier_id>/transitions")
@signed_in("agent")
def move(dossier_id: str):
    try:
        api().post("dossier", f"/dossiers/{dossier_id}/transitions", {"to": text("to")})
    except ApiError as error:
        return _refused(dossier_id, error, "status")
    flash(_("The status is changed."), "success")
    return _back(dossier_id, "status")


@bp.post("/dossiers/<dossier_id>/close")
@signed_in("agent")
def close(dossier_id: str):
    try:
        api().post("dossier", f"/dossiers/{dossier_id}/close")
    except ApiError as error:
        return _refused(dossier_id, error, "status")
    flash(_("The dossier is closed."), "success")
    return _back(dossier_id, "status")


@bp.post("/dossiers/<dossier_id>/notes")
@signed_in("agent")
def add_note(dossier_id: str):
    body = text("body")
    if not body:
        return dossier_page(dossier_id, status=422, errors={"notes.body": _("Write a message.")})
    visibility = text("visibility") if text("visibility") in NOTE_VISIBILITIES else "internal"
    try:
        api().post("dossier", f"/dossiers/{dossier_id}/notes", {"body": body, "visibility": visibility})
    except ApiError as error:
        return _refused(dossier_id, error, "notes")
    flash(_("The note is added."), "success")
    return _back(dossier_id, "notes")


@bp.post("/dossiers/<dossier_id>/developments")
@signed_in("agent")
def add_development(dossier_id: str):
    title, body = text("title"), text("body")
    if not title:
        return dossier_page(dossier_id, status=422, errors={"developments.title": _("Give it a title.")})
    try:
        api().post("dossier", f"/dossiers/{dossier_id}/developments", {"title": title, "body": body})
    except ApiError as error:
        return _refused(dossier_id, error, "developments")
    flash(_("The important development is recorded; the requester is told."), "success")
    return _back(dossier_id, "developments")


def _visibility_form() -> dict:
    return {"client": checked("client"), "partner": checked("partner"), "roles": listed("roles")}


@bp.post("/dossiers/<dossier_id>/documents")
@signed_in("agent")
def add_document(dossier_id: str):
    file = request.files.get("file")
    if file is None or not file.filename:
        return dossier_page(dossier_id, status=422, errors={"documents.file": _("Choose a file.")})
    category = text("category") if text("category") in DOCUMENT_CATEGORIES else "other"
    visibility = _visibility_form()
    try:
        document = upload(file, "dossier", dossier_id, category, dossier_id=dossier_id)
        api().patch("documents", f"/documents/{document['id']}", visibility)
    except ApiError as error:
        if error.status in (413, 415):
            return dossier_page(dossier_id, status=error.status, errors={"documents.file": upload_problem(error)})
        return _refused(dossier_id, error, "documents")
    flash(_("“%(name)s” is added to the dossier.", name=document["filename"]), "success")
    return _back(dossier_id, "documents")


@bp.post("/dossiers/<dossier_id>/documents/<document_id>/visibility")
@signed_in("agent")
def document_visibility(dossier_id: str, document_id: str):
    try:
        api().patch("documents", f"/documents/{document_id}", _visibility_form())
    except ApiError as error:
        return _refused(dossier_id, error, "documents")
    flash(_("Who sees the document is saved."), "success")
    return _back(dossier_id, "documents")


@bp.post("/dossiers/<dossier_id>/generate")
@signed_in("agent")
def generate(dossier_id: str):
    found = load_dossier(dossier_id)
    record = found["dossier"]
    template_id = text("template_id")
    if template_id not in {item["id"] for item in found["templates"]}:
        return dossier_page(dossier_id, status=422, errors={"generate.template_id": _("Choose a template.")})
    context = {
        "dossier": {
            "reference": record["reference"],
            "title": record["title"],
            "status_label": record.get("status_label"),
            "category": record.get("category_label") or record.get("category"),
        },
        "client": {"name": record.get("client_name") or "", "email": record.get("client_email") or ""},
        "assignee": {"name": record.get("assignee_email") or ""},
    }
    body = {
        "context": context,
        "inputs": {},
        "owner_type": "dossier",
        "owner_id": dossier_id,
        "dossier_id": dossier_id,
        "category": "letter",
        "visibility": _visibility_form(),
        "filename": optional_text("filename"),
    }
    try:
        document = api().post("documents", f"/templates/{template_id}/render", body)
    except ApiError as error:
        return _refused(dossier_id, error, "generate")
    flash(_("“%(name)s” is generated.", name=document["filename"]), "success")
    return _back(dossier_id, "documents")
