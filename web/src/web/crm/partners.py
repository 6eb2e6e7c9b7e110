"""The dossier page's "Partners" sub-panel and its contributors.

- Solicit a partner (opinion, completion or both; internal or external; scope, due date, instructions, the
  statuses in which they may act, confidential): an external partner's key is shown once, with a copy button.
- The panel is a fragment the page polls (htmx, ``hx-trigger="every 5s"``) so answers appear without reload.
- "Notifier" reminds only the solicitations still waiting for an answer (the partner-gateway's rule; the
  panel shows when each was last reminded); revoke; re-issue a key; the history of an answer.
- Contributors: invite by role ("notify the recipient"), see what each has provided and what is missing, revoke.
"""

from __future__ import annotations

from datetime import date

from flask import abort, flash, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext

from ..clients import Api, ApiError
from ..identity import signed_in
from ..portal.common import api, page
from . import bp
from .common import checked, errors_of, optional_text, text
from .dossiers import _back, _refused, dossier_page

SOLICITATION_TYPES = ("opinion", "completion", "opinion_completion")
WAITING = ("pending", "attached")


def load_solicitations(dossier_id: str, calls: Api | None = None) -> list[dict]:
    """``calls`` is given when this runs on the pool (no request context there)."""
    return (calls or api()).get_all("partner-gateway", f"/dossiers/{dossier_id}/solicitations")


def _contributors(invitations: list[dict], model: dict, timeline: list[dict]) -> list[dict]:
    """Each invitation with the pieces of its role, provided (the timeline's ``piece`` entries) or missing."""
    pieces = model.get("pieces", [])
    provided: dict[str, set[str]] = {}
    for entry in timeline:
        details = entry.get("details") or {}
        if entry.get("kind") == "piece" and details.get("contributor_id"):
            provided.setdefault(details["contributor_id"], set()).add(details.get("piece_code"))
    rows = []
    for invitation in invitations:
        given = provided.get(invitation["id"], set())
        own = [piece for piece in pieces if piece.get("role") == invitation.get("role")]
        rows.append(
            {
                **invitation,
                "provided": [piece for piece in own if piece["code"] in given],
                "missing": [piece for piece in own if piece["code"] not in given and piece.get("required")],
            }
        )
    return rows


def load_partners_panel(dossier_id: str, model: dict, timeline: list[dict]) -> dict:
    calls = api()
    found = calls.gather(
        solicitations=lambda: load_solicitations(dossier_id, calls),
        partners=lambda: calls.get_all("partner-gateway", "/partners"),
        invitations=lambda: calls.get_all("partner-gateway", f"/dossiers/{dossier_id}/contributors"),
    )
    return {
        "solicitations": found["solicitations"],
        "waiting": [item for item in found["solicitations"] if item["state"] in WAITING],
        "partners": found["partners"],
        "contributors": _contributors(found["invitations"], model, timeline),
        "roles": model.get("roles", []),
        "statuses": model.get("statuses", []),
        "solicitation_types": SOLICITATION_TYPES,
    }


@bp.get("/dossiers/<dossier_id>/partners-panel")
@signed_in("agent")
def partners_panel(dossier_id: str):
    """The polled fragment: the solicitations as they are now."""
    solicitations = load_solicitations(dossier_id)
    return render_template(
        "crm/_solicitations.html",
        dossier_id=dossier_id,
        solicitations=solicitations,
        waiting=[item for item in solicitations if item["state"] in WAITING],
    )


@bp.post("/dossiers/<dossier_id>/solicitations")
@signed_in("agent")
def solicit(dossier_id: str):
    body = {
        "partner_id": text("partner_id"),
        "type": text("type") if text("type") in SOLICITATION_TYPES else "opinion",
        "scope": text("scope"),
        "due_date": text("due_date"),
        "instructions": text("instructions"),
        "open_statuses": request.form.getlist("open_statuses"),
        "confidential": checked("confidential"),
    }
    errors = {}
    if not body["partner_id"]:
        errors["solicit.partner_id"] = _("Choose a partner.")
    try:
        date.fromisoformat(body["due_date"])
    except ValueError:
        errors["solicit.due_date"] = _("Enter a date as YYYY-MM-DD.")
    if not body["open_statuses"]:
        errors["solicit.open_statuses"] = _("Choose at least one status.")
    if errors:
        return dossier_page(dossier_id, status=422, errors=errors, solicit_form=request.form)
    try:
        created = api().post("partner-gateway", f"/dossiers/{dossier_id}/solicitations", body)
    except ApiError as error:
        return _refused(dossier_id, error, "solicit", solicit_form=request.form)
    flash(_("The partner is solicited."), "success")
    # The key is in this answer only: the page shows it now and never again (no redirect, nothing stored).
    return dossier_page(dossier_id, new_key=created.get("access_key"), new_key_for=created)


@bp.post("/dossiers/<dossier_id>/remind")
@signed_in("agent")
def remind(dossier_id: str):
    result = api().post("partner-gateway", f"/dossiers/{dossier_id}/solicitations/remind", {})
    reminded, skipped = result.get("reminded", 0), result.get("skipped", 0)
    if reminded:
        flash(ngettext("%(num)d partner is reminded.", "%(num)d partners are reminded.", reminded), "success")
    if skipped:
        flash(
            ngettext(
                "%(num)d partner was reminded recently and is not reminded again yet.",
                "%(num)d partners were reminded recently and are not reminded again yet.",
                skipped,
            ),
            "warning",
        )
    if not reminded and not skipped:
        flash(_("Every partner has answered: nobody to remind."), "info")
    return _back(dossier_id, "partners")


@bp.post("/dossiers/<dossier_id>/solicitations/<solicitation_id>/revoke")
@signed_in("agent")
def revoke(dossier_id: str, solicitation_id: str):
    try:
        api().post("partner-gateway", f"/solicitations/{solicitation_id}/revoke")
    except ApiError as error:
        return _refused(dossier_id, error, "partners")
    flash(_("The partner's access is revoked."), "success")
    return _back(dossier_id, "partners")


@bp.post("/dossiers/<dossier_id>/solicitations/<solicitation_id>/reissue")
@signed_in("agent")
def reissue(dossier_id: str, solicitation_id: str):
    try:
        created = api().post("partner-gateway", f"/solicitations/{solicitation_id}/reissue-key")
    except ApiError as error:
        return _refused(dossier_id, error, "partners")
    flash(_("A new key is issued; the previous one no longer works."), "success")
    return dossier_page(dossier_id, new_key=created.get("access_key"), new_key_for=created)


@bp.get("/dossiers/<dossier_id>/solicitations/<solicitation_id>/history")
@signed_in("agent")
def history(dossier_id: str, solicitation_id: str):
    calls = api()
    found = calls.gather(
        solicitation=lambda: calls.get("partner-gateway", f"/solicitations/{solicitation_id}"),
        history=lambda: calls.get("partner-gateway", f"/solicitations/{solicitation_id}/history"),
        dossier=lambda: calls.get("dossier", f"/dossiers/{dossier_id}"),
    )
    if found["solicitation"]["dossier_id"] != dossier_id:
        abort(404)
    return page("crm/history.html", nav="crm-dossiers", **found)


# ----- contributors --------------------------------------------------------------------------------------------
@bp.post("/dossiers/<dossier_id>/contributors")
@signed_in("agent")
def invite(dossier_id: str):
    kind = "participant" if text("kind") == "participant" else "contributor"
    body = {
        "kind": kind,
        "role": optional_text("role") if kind == "contributor" else None,
        "name": text("name"),
        "email": text("email"),
        "notify": checked("notify"),
    }
    errors = {}
    if not body["name"]:
        errors["invite.name"] = _("This field is required.")
    if not body["email"]:
        errors["invite.email"] = _("This field is required.")
    if kind == "contributor" and not body["role"]:
        errors["invite.role"] = _("Choose a role.")
    if errors:
        return dossier_page(dossier_id, status=422, errors=errors, invite_form=request.form)
    try:
        created = api().post("partner-gateway", f"/dossiers/{dossier_id}/contributors", body)
    except ApiError as error:
        if error.status == 422:
            problems = {f"invite.{name}": message for name, message in errors_of(error).items()}
            return dossier_page(dossier_id, status=422, errors=problems, invite_form=request.form)
        return _refused(dossier_id, error, "invite", invite_form=request.form)
    if created.get("access_key"):
        flash(_("%(name)s is invited. Hand the key over yourself.", name=created["name"]), "success")
        return dossier_page(dossier_id, new_key=created["access_key"], new_key_for=created)
    flash(_("%(name)s is invited; the key is sent by email.", name=created["name"]), "success")
    return _back(dossier_id, "contributors")


@bp.post("/dossiers/<dossier_id>/contributors/<invitation_id>/revoke")
@signed_in("agent")
def revoke_contributor(dossier_id: str, invitation_id: str):
    try:
        api().post("partner-gateway", f"/contributors/{invitation_id}/revoke")
    except ApiError as error:
        return _refused(dossier_id, error, "contributors")
    flash(_("The invitation is revoked."), "success")
    return _back(dossier_id, "contributors")


def panel_url(dossier_id: str) -> str:
    return url_for("crm.partners_panel", dossier_id=dossier_id)
