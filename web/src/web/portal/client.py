"""The client's dossiers (and their company's): the list, one dossier, its fields, notes and documents, and
new requests from the portal (a dossier or a contract request, where the model allows it)."""

from __future__ import annotations

from flask import abort, flash, redirect, request, url_for
from flask_babel import gettext as _

from ..clients import ApiError
from ..identity import signed_in
from . import bp, model_fields
from .common import api, field_errors, page, person, upload, upload_problem
from .forms import DetailsForm, NoteForm, RequestForm, UploadForm
from .third_party import third_party_dossier
from .workspace import client_workspace, workspace_calls

PAGE_SIZE = 25


@bp.get("/dossiers")
@signed_in("client")
def dossiers():
    cursor = request.args.get("cursor")
    listing = api().get("dossier", "/dossiers", {"limit": PAGE_SIZE, "cursor": cursor})
    return page("portal/dossiers.html", nav="dossiers", listing=listing, first_page=not cursor)


@bp.get("/dossiers/<dossier_id>")
@signed_in("client", "partner")
def dossier(dossier_id: str):
    """The address the notification emails give every portal reader; a third party gets their own view."""
    if person().is_third_party:
        return third_party_dossier(dossier_id)
    return client_dossier_page(dossier_id)


def _model_specs(model_id: str | None, version: int | None) -> list[dict]:
    """The model's field labels and types. A client may read only models open to client creation: for the
    others the API gives no labels and the page shows the keys in plain words."""
    if not model_id:
        return []
    model = api().optional(lambda: api().get("dossier", f"/models/{model_id}", {"version": version}))
    return (model or {}).get("fields", [])


def load_client_dossier(dossier_id: str) -> dict:
    calls = api()
    found = calls.gather(
        **workspace_calls(dossier_id, calls),
        dossier=lambda: calls.get("dossier", f"/dossiers/{dossier_id}"),
        notes=lambda: calls.get_all("dossier", f"/dossiers/{dossier_id}/notes"),
        documents=lambda: calls.get_all("documents", "/documents", {"owner_type": "dossier", "owner_id": dossier_id}),
        timeline=lambda: calls.get("dossier", f"/dossiers/{dossier_id}/timeline", {"limit": 50})["items"],
        invited=lambda: calls.optional(
            lambda: calls.get_all("partner-gateway", f"/dossiers/{dossier_id}/contributors"), default=[]
        ),
    )
    record = found["dossier"]
    specs = _model_specs(record.get("model_id"), record.get("model_version"))
    found["fields"] = model_fields.from_specs(specs, record.get("field_modes", {}), record.get("fields", {}))
    return found


def client_dossier_page(dossier_id: str, *, status: int = 200, **forms):
    found = load_client_dossier(dossier_id)
    record = found["dossier"]
    fields = forms.pop("fields", None) or found["fields"]
    details_form = forms.pop("details_form", None) or DetailsForm(client_reference=record.get("client_reference"))
    return (
        page(
            "portal/dossier.html",
            nav="dossiers",
            dossier=record,
            fields=fields,
            writable=[item for item in fields if item.writable],
            notes=found["notes"],
            documents=found["documents"],
            timeline=found["timeline"],
            invited=found["invited"],
            **client_workspace(found),
            details_form=details_form,
            note_form=forms.pop("note_form", None) or NoteForm(),
            upload_form=forms.pop("upload_form", None) or UploadForm(),
            **forms,
        ),
        status,
    )


@bp.post("/dossiers/<dossier_id>/details")
@signed_in("client")
def save_details(dossier_id: str):
    form = DetailsForm()
    found = load_client_dossier(dossier_id)
    fields = found["fields"]
    parsed = model_fields.parse(fields, request.form)
    submitted = model_fields.with_submitted(fields, request.form)
    if not form.validate_on_submit() or parsed.errors:
        return client_dossier_page(
            dossier_id, status=422, fields=submitted, details_form=form, details_errors=parsed.errors
        )
    body = {"client_reference": form.client_reference.data or None}
    if parsed.values:
        body["fields"] = parsed.values
    try:
        api().patch("dossier", f"/dossiers/{dossier_id}", body)
    except ApiError as error:
        if error.status not in (409, 422):
            raise
        problems = field_errors(error, [item.key for item in fields])
        if error.status == 409:
            problems["form"] = _("The dossier is closed: it can no longer be changed.")
        return client_dossier_page(
            dossier_id, status=error.status, fields=submitted, details_form=form, details_errors=problems
        )
    flash(_("Your changes are saved."), "success")
    return redirect(url_for("portal.dossier", dossier_id=dossier_id) + "#details")


@bp.post("/dossiers/<dossier_id>/notes")
@signed_in("client")
def add_note(dossier_id: str):
    form = NoteForm()
    if not form.validate_on_submit():
        return client_dossier_page(dossier_id, status=422, note_form=form)
    visibility = "participants" if form.share_with_participants.data else "requester"
    try:
        api().post("dossier", f"/dossiers/{dossier_id}/notes", {"body": form.body.data, "visibility": visibility})
    except ApiError as error:
        if error.status not in (409, 422):
            raise
        message = _("The dossier is closed: no message can be added.") if error.status == 409 else error.detail
        return client_dossier_page(dossier_id, status=error.status, note_form=form, note_errors={"body": message})
    flash(_("Your message is sent."), "success")
    return redirect(url_for("portal.dossier", dossier_id=dossier_id) + "#notes")


@bp.post("/dossiers/<dossier_id>/documents")
@signed_in("client")
def add_document(dossier_id: str):
    form = UploadForm()
    if not form.validate_on_submit():
        return client_dossier_page(dossier_id, status=422, upload_form=form)
    try:
        document = upload(form.file.data, "dossier", dossier_id, form.category.data)
    except ApiError as error:
        if error.status not in (409, 413, 415, 422):
            raise
        return client_dossier_page(
            dossier_id, status=error.status, upload_form=form, upload_errors={"file": upload_problem(error)}
        )
    flash(_("“%(name)s” is added to the dossier.", name=document["filename"]), "success")
    return redirect(url_for("portal.dossier", dossier_id=dossier_id) + "#documents")


# ----- new requests ------------------------------------------------------------------------------------------
@bp.get("/requests/new")
@signed_in("client")
def new_request():
    models = api().get_all("dossier", "/models")
    offered = [model for model in models if model.get("client_can_create")]
    return page("portal/new_request.html", nav="new", models=offered)


def _request_fields(model: dict) -> list[model_fields.ModelField]:
    portal = {entry["key"]: entry["mode"] for entry in model.get("views", {}).get("portal", [])}
    writable = {key: mode for key, mode in portal.items() if mode == "write"}
    return model_fields.from_specs(model.get("fields", []), writable, {})


@bp.route("/requests/new/<model_id>", methods=("GET", "POST"))
@signed_in("client")
def request_form(model_id: str):
    model = api().get("dossier", f"/models/{model_id}")
    if not model.get("client_can_create"):
        abort(404)
    form = RequestForm()
    fields = _request_fields(model)
    errors: dict[str, str] = {}
    if request.method == "POST":
        parsed = model_fields.parse(fields, request.form)
        fields = model_fields.with_submitted(fields, request.form)
        errors.update(parsed.errors)
        if form.validate_on_submit() and not parsed.errors:
            body = {
                "kind": form.kind.data,
                "model_id": model_id,
                "title": form.title.data,
                "description": form.description.data or "",
                "client_reference": form.client_reference.data or None,
                "fields": {key: value for key, value in parsed.values.items() if value not in (None, "")},
            }
            try:
                created = api().post("dossier", "/requests", body)
            except ApiError as error:
                if error.status != 422:
                    raise
                errors.update(field_errors(error, [item.key for item in fields]))
            else:
                flash(
                    _("Your request %(reference)s is filed. Our team is notified.", reference=created["reference"]),
                    "success",
                )
                return redirect(url_for("portal.dossier", dossier_id=created["id"]))
    status = 422 if request.method == "POST" else 200
    return page("portal/request_form.html", nav="new", model=model, form=form, fields=fields, errors=errors), status
