"""The dossier model editor's rows <-> the model JSON of ``POST/PUT /models``, and what changed between two
versions. Each field row carries its place in the three views: the portal and CRM views (hidden, read, write),
and the partner view (hidden, read, write) with where the partner's value comes from (the portal or CRM view,
or a field proper to partners)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask_babel import lazy_gettext as _l

FIELD_TYPES = ("text", "long_text", "number", "date", "boolean", "choice", "email", "amount")
MODES = ("", "read", "write")
BLANK_ROWS = 2
SECTIONS = ("fields", "partner_fields", "views", "statuses", "transitions", "roles", "pieces")
SECTION_NAMES = {
    "fields": _l("fields"),
    "partner_fields": _l("partner fields"),
    "statuses": _l("statuses"),
    "roles": _l("roles"),
    "portal": _l("portal"),
    "crm": _l("CRM"),
    "partner": _l("partner"),
    "name": _l("name"),
    "category": _l("category"),
    "client_can_create": _l("clients may create"),
    "client_can_invite": _l("clients may invite"),
    "partners_can_file": _l("partners may file on behalf"),
    "filer_access_until": _l("the filer keeps access until"),
    "invitations_sent_automatically": _l("invitations sent automatically"),
    "invitation_text": _l("invitation text"),
}
FLAGS = (
    "name",
    "category",
    "client_can_create",
    "client_can_invite",
    "partners_can_file",
    "filer_access_until",
    "invitations_sent_automatically",
    "invitation_text",
)
FILER_ACCESS = ("submission", "closing")


def _name(code: str) -> str:
    return str(SECTION_NAMES.get(code, code))


def _rows(form: Mapping[str, str], prefix: str) -> list[dict[str, str]]:
    """``prefix-0-key``, ``prefix-0-label``... as row dicts, in index order; rows without a key/code dropped."""
    rows: dict[int, dict[str, str]] = {}
    for name, value in form.items():
        parts = name.split("-", 2)
        if len(parts) == 3 and parts[0] == prefix and parts[1].isdigit():
            rows.setdefault(int(parts[1]), {"_index": parts[1]})[parts[2]] = value.strip()
    return [rows[index] for index in sorted(rows)]


def _on(row: Mapping[str, str], name: str) -> bool:
    return row.get(name) in ("on", "true", "1")


def model_from_form(form) -> dict[str, Any]:
    """The model body from the editor's inputs (the dossier service validates the whole and names problems)."""
    fields, partner_fields, portal, crm, partner = [], [], [], [], []
    for row in _rows(form, "field"):
        if not row.get("key"):
            continue
        spec = {"key": row["key"], "label": row.get("label", ""), "type": row.get("type") or "text"}
        spec["required"] = _on(row, "required")
        spec["financial"] = _on(row, "financial")
        if spec["type"] == "choice":
            spec["choices"] = [item.strip() for item in row.get("choices", "").split(",") if item.strip()]
        fields.append(spec)
        if row.get("portal") in ("read", "write"):
            portal.append({"key": row["key"], "mode": row["portal"]})
        if row.get("crm") in ("read", "write"):
            crm.append({"key": row["key"], "mode": row["crm"]})
        if row.get("partner") in ("read", "write"):
            source = row.get("source") if row.get("source") in ("portal", "crm") else "portal"
            partner.append({"key": row["key"], "mode": row["partner"], "source": source})
    for row in _rows(form, "pfield"):
        if not row.get("key"):
            continue
        spec = {"key": row["key"], "label": row.get("label", ""), "type": row.get("type") or "text"}
        if spec["type"] == "choice":
            spec["choices"] = [item.strip() for item in row.get("choices", "").split(",") if item.strip()]
        partner_fields.append(spec)
        partner.append({"key": row["key"], "mode": row.get("partner") or "write", "source": "partner"})
    statuses = [
        {
            "code": row["code"],
            "label": row.get("label", ""),
            "initial": form.get("initial_status") == row["_index"],
            "terminal": _on(row, "terminal"),
            "client_visible": _on(row, "client_visible"),
            "partner_visible": _on(row, "partner_visible"),
        }
        for row in _rows(form, "status")
        if row.get("code")
    ]
    transitions = [
        {"from": row["from"], "to": row["to"]} for row in _rows(form, "transition") if row.get("from") and row.get("to")
    ]
    roles = [{"code": row["code"], "label": row.get("label", "")} for row in _rows(form, "role") if row.get("code")]
    pieces = [
        {
            "code": row["code"],
            "label": row.get("label", ""),
            "role": row.get("role", ""),
            "required": _on(row, "required"),
        }
        for row in _rows(form, "piece")
        if row.get("code")
    ]
    return {
        "name": (form.get("name") or "").strip(),
        "category": (form.get("category") or "").strip(),
        "client_can_create": form.get("client_can_create") == "on",
        "client_can_invite": form.get("client_can_invite") == "on",
        # A PUT replaces the whole model: the settings are sent as the editor shows them, never left to defaults.
        "partners_can_file": form.get("partners_can_file") == "on",
        "filer_access_until": form.get("filer_access_until")
        if form.get("filer_access_until") in FILER_ACCESS
        else "submission",
        "invitations_sent_automatically": form.get("invitations_sent_automatically") == "on",
        "invitation_text": (form.get("invitation_text") or "").strip(),
        "fields": fields,
        "partner_fields": partner_fields,
        "views": {"portal": portal, "crm": crm, "partner": partner},
        "statuses": statuses,
        "transitions": transitions,
        "roles": roles,
        "pieces": pieces,
    }


def editor_rows(model: Mapping[str, Any]) -> dict[str, list[dict]]:
    """The model as the editor's rows (and blank rows to add to each list)."""
    views = model.get("views") or {}
    portal = {entry["key"]: entry["mode"] for entry in views.get("portal", [])}
    crm = {entry["key"]: entry["mode"] for entry in views.get("crm", [])}
    partner = {entry["key"]: entry for entry in views.get("partner", [])}
    blank: list[dict] = [{} for _ in range(BLANK_ROWS)]
    fields = [
        {
            **spec,
            "choices_text": ", ".join(spec.get("choices") or []),
            "portal": portal.get(spec["key"], ""),
            "crm": crm.get(spec["key"], ""),
            "partner": partner.get(spec["key"], {}).get("mode", ""),
            "source": partner.get(spec["key"], {}).get("source", "portal"),
        }
        for spec in model.get("fields", [])
    ]
    partner_fields = [
        {
            **spec,
            "choices_text": ", ".join(spec.get("choices") or []),
            "partner": partner.get(spec["key"], {}).get("mode", "write"),
        }
        for spec in model.get("partner_fields", [])
    ]
    pieces = list(model.get("pieces") or [])
    if not pieces:  # GET /models nests them under their roles
        for role in model.get("roles", []):
            pieces.extend({**piece, "role": role["code"]} for piece in role.get("pieces", []))
    return {
        "fields": fields + blank,
        "partner_fields": partner_fields + [{} for _ in range(BLANK_ROWS)],
        "statuses": list(model.get("statuses", [])) + [{} for _ in range(BLANK_ROWS)],
        "transitions": list(model.get("transitions", [])) + [{} for _ in range(BLANK_ROWS + 1)],
        "roles": [{"code": r["code"], "label": r["label"]} for r in model.get("roles", [])]
        + [{} for _ in range(BLANK_ROWS)],
        "pieces": pieces + [{} for _ in range(BLANK_ROWS)],
    }


def _index(items, key: str) -> dict[str, dict]:
    return {item[key]: item for item in items or [] if key in item}


def changes(before: Mapping[str, Any] | None, after: Mapping[str, Any]) -> list[str]:
    """What a new version changes, as sentences (fields, views, statuses, transitions, roles, pieces, flags)."""
    if not before:
        return []
    said: list[str] = []
    for name in FLAGS:
        if name == "invitation_text" and (before.get(name) or "") != (after.get(name) or ""):
            said.append(str(_l("%(what)s changed", what=_name(name))))
        elif name != "invitation_text" and before.get(name) != after.get(name):
            said.append(
                str(_l("%(what)s: %(old)s → %(new)s", what=_name(name), old=before.get(name), new=after.get(name)))
            )
    for section, key in (("fields", "key"), ("partner_fields", "key"), ("statuses", "code"), ("roles", "code")):
        old, new = _index(before.get(section), key), _index(after.get(section), key)
        for code in new.keys() - old.keys():
            said.append(str(_l("%(section)s: %(code)s added", section=_name(section), code=code)))
        for code in old.keys() - new.keys():
            said.append(str(_l("%(section)s: %(code)s removed", section=_name(section), code=code)))
        for code in new.keys() & old.keys():
            if {k: v for k, v in old[code].items() if k != "pieces"} != {
                k: v for k, v in new[code].items() if k != "pieces"
            }:
                said.append(str(_l("%(section)s: %(code)s changed", section=_name(section), code=code)))
    for view in ("portal", "crm", "partner"):
        old = {e["key"]: (e["mode"], e.get("source")) for e in (before.get("views") or {}).get(view, [])}
        new = {e["key"]: (e["mode"], e.get("source")) for e in (after.get("views") or {}).get(view, [])}
        for code in sorted(old.keys() | new.keys()):
            if old.get(code) != new.get(code):
                was = old.get(code, ("—",))[0]
                now = new.get(code, ("—",))[0]
                said.append(
                    str(_l("%(view)s view: %(code)s %(old)s → %(new)s", view=view, code=code, old=was, new=now))
                )
    old_t = {(t["from"], t["to"]) for t in before.get("transitions", [])}
    new_t = {(t["from"], t["to"]) for t in after.get("transitions", [])}
    for pair in sorted(new_t - old_t):
        said.append(str(_l("transition %(a)s → %(b)s added", a=pair[0], b=pair[1])))
    for pair in sorted(old_t - new_t):
        said.append(str(_l("transition %(a)s → %(b)s removed", a=pair[0], b=pair[1])))
    old_p, new_p = _pieces(before), _pieces(after)
    for code in sorted(new_p.keys() - old_p.keys()):
        said.append(str(_l("pieces: %(code)s added", code=code)))
    for code in sorted(old_p.keys() - new_p.keys()):
        said.append(str(_l("pieces: %(code)s removed", code=code)))
    return said


def _pieces(model: Mapping[str, Any]) -> dict[str, dict]:
    found = _index(model.get("pieces"), "code")
    for role in model.get("roles", []) or []:
        for piece in role.get("pieces", []) or []:
            found.setdefault(piece["code"], {**piece, "role": role["code"]})
    return found


def errors_by_section(errors: Mapping[str, str]) -> dict[str, dict[str, str]]:
    """The API's errors (``views.partner``, ``fields.2.key``, ``transitions``...) under the editor's sections."""
    grouped: dict[str, dict[str, str]] = {}
    for name, message in errors.items():
        section = next((s for s in SECTIONS if name == s or name.startswith(s + ".")), "form")
        if name in FLAGS:
            section = name if name in ("name", "category") else "general"
        grouped.setdefault(section, {})[name] = message
    return grouped
