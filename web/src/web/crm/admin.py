"""Administration (admins only): dossier models, products and their attestation templates, notification rules
and contacts, the partners directory. Each screen is the admin's own calls to the public APIs; a 422's errors
are shown in the section (and, where the API names it, next to the input) they belong to."""

from __future__ import annotations

from flask import flash, redirect, request, url_for
from flask_babel import gettext as _

from ..clients import ApiError
from ..identity import signed_in
from ..portal.common import api, page
from . import bp, model_form
from .common import checked, errors_of, listed, optional_text, text

EVENT_TYPES = (
    "dossier.created",
    "dossier.updated",
    "dossier.status_changed",
    "dossier.assigned",
    "dossier.closed",
    "dossier.note_added",
    "dossier.development_added",
    "solicitation.created",
    "solicitation.attached",
    "solicitation.answered",
    "solicitation.reminded",
    "solicitation.revoked",
    "contributor.invited",
    "contributor.attached",
    "piece.provided",
    "document.added",
    "contract.created",
    "attestation.issued",
    "attestation.validation_requested",
    "attestation.approved",
    "attestation.rejected",
    "attestation.failed",
    "attestation.revoked",
)
CHANNELS = ("email", "in_app", "both")
TEMPLATE_TYPES = ("attestation", "letter", "opinion", "other")
TEMPLATE_ENTITIES = ("contract", "beneficiary", "dossier")


def _refusal(error: ApiError, *statuses: int) -> dict[str, str]:
    if error.status not in (422, *statuses):
        raise error
    return errors_of(error)


# ----- dossier models ------------------------------------------------------------------------------------------
@bp.get("/admin/models")
@signed_in("admin")
def models():
    return page("crm/admin/models.html", nav="crm-admin", models=api().get_all("dossier", "/models"))


def _editor(model: dict | None, *, status: int = 200, errors: dict | None = None, changes=None, submitted=None):
    shown = submitted or model or {"statuses": [], "fields": []}
    return (
        page(
            "crm/admin/model.html",
            nav="crm-admin",
            model=model,
            shown=shown,
            rows=model_form.editor_rows(shown),
            errors=model_form.errors_by_section(errors or {}),
            changes=changes,
            field_types=model_form.FIELD_TYPES,
            modes=model_form.MODES,
        ),
        status,
    )


@bp.route("/admin/models/new", methods=("GET", "POST"))
@signed_in("admin")
def new_model():
    if request.method == "GET":
        return _editor(None)
    body = model_form.model_from_form(request.form)
    try:
        created = api().post("dossier", "/models", body)
    except ApiError as error:
        return _editor(None, status=422, errors=_refusal(error), submitted=body)
    flash(
        _(
            "The model “%(name)s” is created (version %(version)s).",
            name=created["name"],
            version=created.get("version", 1),
        ),
        "success",
    )
    return redirect(url_for("crm.model", model_id=created["id"]))


@bp.route("/admin/models/<model_id>", methods=("GET", "POST"))
@signed_in("admin")
def model(model_id: str):
    current = api().get("dossier", f"/models/{model_id}")
    if request.method == "GET":
        return _editor(current)
    body = model_form.model_from_form(request.form)
    try:
        saved = api().put("dossier", f"/models/{model_id}", body)
    except ApiError as error:
        return _editor(current, status=422, errors=_refusal(error, 409), submitted=body)
    said = model_form.changes(current, saved)
    flash(_("Version %(version)s is saved.", version=saved.get("version", "")), "success")
    return _editor(saved, changes=said or [_("Nothing changed.")])


# ----- products and attestation templates ----------------------------------------------------------------------
@bp.get("/admin/products")
@signed_in("admin")
def products():
    calls = api()
    found = calls.gather(
        products=lambda: calls.get_all("attestation", "/products"),
        templates=lambda: calls.get_all("documents", "/templates"),
    )
    return page(
        "crm/admin/products.html", nav="crm-admin", **found, errors={}, types=TEMPLATE_TYPES, entities=TEMPLATE_ENTITIES
    )


@bp.post("/admin/products")
@signed_in("admin")
def new_product():
    body = {"code": text("code"), "name": text("name")}
    try:
        created = api().post("attestation", "/products", body)
    except ApiError as error:
        calls = api()
        return page(
            "crm/admin/products.html",
            nav="crm-admin",
            products=calls.get_all("attestation", "/products"),
            templates=calls.get_all("documents", "/templates"),
            errors={f"product.{k}": v for k, v in _refusal(error, 409).items()},
            types=TEMPLATE_TYPES,
            entities=TEMPLATE_ENTITIES,
        ), 422
    flash(_("The product “%(name)s” is created.", name=created["name"]), "success")
    return redirect(url_for("crm.product", product_id=created["id"]))


def _product_page(product_id: str, *, status: int = 200, errors: dict | None = None):
    calls = api()
    found = calls.gather(
        product=lambda: calls.get("attestation", f"/products/{product_id}"),
        templates=lambda: calls.get_all("documents", "/templates"),
    )
    attestations = [
        t
        for t in found["templates"]
        if t.get("type") == "attestation" and t.get("entity") in ("contract", "beneficiary")
    ]
    attached = {item["template_id"]: item for item in found["product"].get("templates", [])}
    return page(
        "crm/admin/product.html",
        nav="crm-admin",
        product=found["product"],
        attestations=attestations,
        attached=attached,
        errors=errors or {},
    ), status


@bp.get("/admin/products/<product_id>")
@signed_in("admin")
def product(product_id: str):
    return _product_page(product_id)


@bp.post("/admin/products/<product_id>/templates")
@signed_in("admin")
def product_templates(product_id: str):
    chosen = []
    for template_id in request.form.getlist("template_id"):
        chosen.append({"template_id": template_id, "extranet_title": optional_text(f"title-{template_id}")})
    try:
        api().put("attestation", f"/products/{product_id}/attestation-templates", chosen)
    except ApiError as error:
        return _product_page(product_id, status=422, errors={f"templates.{k}": v for k, v in _refusal(error).items()})
    flash(_("The product's attestations are saved."), "success")
    return redirect(url_for("crm.product", product_id=product_id))


@bp.post("/admin/products/<product_id>/validation")
@signed_in("admin")
def product_validation(product_id: str):
    required = {"yes": True, "no": False}.get(request.form.get("required", ""))
    subs = listed("validator_subs")
    body = {"required": required, "validators": {"subs": subs, "role": optional_text("validator_role")}}
    try:
        api().put("attestation", f"/products/{product_id}/validation", body)
    except ApiError as error:
        return _product_page(product_id, status=422, errors={f"validation.{k}": v for k, v in _refusal(error).items()})
    flash(_("The prior validation is saved."), "success")
    return redirect(url_for("crm.product", product_id=product_id) + "#validation")


@bp.post("/admin/templates")
@signed_in("admin")
def upload_template():
    file = request.files.get("file")
    data = {
        "name": text("name"),
        "type": text("type") or "attestation",
        "entity": text("entity") or "contract",
        "pdf_auto": "true" if checked("pdf_auto") else "false",
        "language": text("language") or "fr",
    }
    errors = {}
    if file is None or not file.filename:
        errors["template.file"] = _("Choose a Word (.docx) file.")
    if not data["name"]:
        errors["template.name"] = _("This field is required.")
    if not errors:
        try:
            created = api().post(
                "documents",
                "/templates",
                json=None,
                data=data,
                files={"file": (file.filename, file.stream, file.mimetype or "application/octet-stream")},
            )
        except ApiError as error:
            errors = {f"template.{k}": v for k, v in _refusal(error, 413, 415).items()}
        else:
            flash(
                _("The template “%(name)s” is uploaded. Give its input fields their labels.", name=created["name"]),
                "success",
            )
            return redirect(url_for("crm.template", template_id=created["id"]))
    calls = api()
    return page(
        "crm/admin/products.html",
        nav="crm-admin",
        products=calls.get_all("attestation", "/products"),
        templates=calls.get_all("documents", "/templates"),
        errors=errors,
        types=TEMPLATE_TYPES,
        entities=TEMPLATE_ENTITIES,
        template_form=request.form,
    ), 422


def _template_page(template_id: str, *, status: int = 200, errors: dict | None = None):
    calls = api()
    found = calls.gather(
        word_template=lambda: calls.get("documents", f"/templates/{template_id}"),
        fields=lambda: calls.get("documents", f"/templates/{template_id}/fields"),
    )
    return page("crm/admin/template.html", nav="crm-admin", **found, errors=errors or {}), status


@bp.route("/admin/templates/<template_id>", methods=("GET", "POST"))
@signed_in("admin")
def template(template_id: str):
    if request.method == "GET":
        return _template_page(template_id)
    fields = [
        {"name": name, "label": optional_text(f"label-{name}"), "default": optional_text(f"default-{name}")}
        for name in request.form.getlist("input")
    ]
    try:
        api().put("documents", f"/templates/{template_id}/fields", {"fields": fields})
    except ApiError as error:
        return _template_page(template_id, status=422, errors=_refusal(error))
    flash(_("The input fields are saved."), "success")
    return redirect(url_for("crm.template", template_id=template_id))


# ----- notification rules and contacts -------------------------------------------------------------------------
def _notifications_page(*, status: int = 200, errors: dict | None = None, form=None):
    calls = api()
    found = calls.gather(
        rules=lambda: calls.get_all("notification", "/rules"),
        contacts=lambda: calls.get_all("notification", "/contacts", {"registered": "true"}),
        categories=lambda: calls.get("dossier", "/categories")["items"],
        models=lambda: calls.get_all("dossier", "/models"),
    )
    return page(
        "crm/admin/notifications.html",
        nav="crm-admin",
        **found,
        event_types=EVENT_TYPES,
        channels=CHANNELS,
        errors=errors or {},
        form=form or {},
    ), status


@bp.get("/admin/notifications")
@signed_in("admin")
def notifications():
    return _notifications_page()


@bp.post("/admin/notifications/rules")
@signed_in("admin")
def add_rule():
    filters = {
        "category": optional_text("category"),
        "model_id": optional_text("model_id"),
        "origin": optional_text("origin"),
    }
    body = {
        "name": text("name"),
        "event_type": text("event_type"),
        "filters": {key: value for key, value in filters.items() if value},
        "recipients": {
            "addresses": listed("addresses"),
            "groups": listed("groups"),
            "roles": listed("roles"),
            "users": listed("users"),
            "dossier_actors": checked("dossier_actors"),
        },
        "channel": text("channel") or "email",
    }
    if not body["name"]:
        return _notifications_page(status=422, errors={"rule.name": _("This field is required.")}, form=request.form)
    try:
        api().post("notification", "/rules", body)
    except ApiError as error:
        problems = {f"rule.{k}": v for k, v in _refusal(error).items()}
        return _notifications_page(status=422, errors=problems, form=request.form)
    flash(_("The rule “%(name)s” is added.", name=body["name"]), "success")
    return redirect(url_for("crm.notifications") + "#rules")


@bp.post("/admin/notifications/rules/<rule_id>/<action>")
@signed_in("admin")
def rule_action(rule_id: str, action: str):
    if action == "enable":
        api().post("notification", f"/rules/{rule_id}/enable")
        flash(_("The rule is switched on."), "success")
    else:
        api().delete("notification", f"/rules/{rule_id}")
        flash(
            _("The rule is switched off.") if rule_id.startswith("builtin:") else _("The rule is deleted."), "success"
        )
    return redirect(url_for("crm.notifications") + "#rules")


@bp.post("/admin/notifications/contacts")
@signed_in("admin")
def add_contact():
    body = {
        "email": text("email"),
        "name": optional_text("name"),
        "sub": optional_text("sub"),
        "role": optional_text("role"),
        "language": optional_text("language"),
        "groups": listed("groups"),
    }
    try:
        api().post("notification", "/contacts", body)
    except ApiError as error:
        problems = {f"contact.{k}": v for k, v in _refusal(error, 409).items()}
        return _notifications_page(status=422, errors=problems, form=request.form)
    flash(_("The contact is registered."), "success")
    return redirect(url_for("crm.notifications") + "#contacts")


@bp.post("/admin/notifications/contacts/<contact_id>/delete")
@signed_in("admin")
def delete_contact(contact_id: str):
    api().delete("notification", f"/contacts/{contact_id}")
    flash(_("The contact is removed."), "success")
    return redirect(url_for("crm.notifications") + "#contacts")


# ----- categories of portal requests ---------------------------------------------------------------------------
CATEGORY_BLANK_ROWS = 3


def _category_rows(form) -> list[dict]:
    """The filled rows (``cat-<n>-code``, ``cat-<n>-label``), in order."""
    entries = []
    indexes = sorted(
        {int(name.split("-")[1]) for name in form if name.startswith("cat-") and name.split("-")[1].isdigit()}
    )
    for index in indexes:
        code, label = (form.get(f"cat-{index}-code") or "").strip(), (form.get(f"cat-{index}-label") or "").strip()
        if code or label:
            entries.append({"code": code, "label": label})
    return entries


@bp.route("/admin/categories", methods=("GET", "POST"))
@signed_in("admin")
def categories():
    """The categories portal requests are classified into (``PUT /categories`` replaces the list, in order), and
    the classification rules that use them."""
    errors: dict[str, str] = {}
    status = 200
    shown = None
    if request.method == "POST":
        entries = _category_rows(request.form)
        try:
            api().put("dossier", "/categories", entries)
        except ApiError as error:
            status = 422
            shown = entries  # shown again without the blank rows: the API's "<n>.code" is the n-th row
            errors = _refusal(error)
        else:
            flash(_("The categories are saved."), "success")
            return redirect(url_for("crm.categories"))
    calls = api()
    found = calls.gather(
        categories=lambda: calls.get("dossier", "/categories")["items"],
        rules=lambda: calls.get("dossier", "/classification-rules")["items"],
    )
    listed_rows = shown if shown is not None else found["categories"]
    return page(
        "crm/admin/categories.html",
        nav="crm-admin",
        rows=[*listed_rows, *({} for _ in range(CATEGORY_BLANK_ROWS))],
        rules=found["rules"],
        labels_by_code={item["code"]: item["label"] for item in found["categories"]},
        errors=errors,
    ), status


# ----- partners directory --------------------------------------------------------------------------------------
@bp.route("/admin/partners", methods=("GET", "POST"))
@signed_in("agent")
def partners_directory():
    errors: dict[str, str] = {}
    status = 200
    if request.method == "POST":
        body = {
            "name": text("name"),
            "email": text("email"),
            "kind": "internal" if text("kind") == "internal" else "external",
            "agent_sub": optional_text("agent_sub"),
            "organisation": optional_text("organisation"),
        }
        try:
            api().post("partner-gateway", "/partners", body)
        except ApiError as error:
            errors = {f"partner.{k}": v for k, v in _refusal(error, 409).items()}
            status = 422
        else:
            flash(_("%(name)s is added to the partners.", name=body["name"]), "success")
            return redirect(url_for("crm.partners_directory"))
    partners = api().get_all("partner-gateway", "/partners")
    return page(
        "crm/admin/partners.html", nav="crm-partners", partners=partners, errors=errors, form=request.form
    ), status
