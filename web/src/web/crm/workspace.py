"""The dossier page's workspace (what the dossier service offers on a dossier): quotes, orders and invoices with
their lines, totals, statuses and the moves allowed from each status; payments; events with their ``.ics``;
expenses; the time spent, per order. Every write is the agent's own call; the API's 422 errors are shown next
to the input they name (``lines.<n>.<field>`` next to that line), its 409s (closed dossier, a move the status
does not allow) in the item's or the form's section."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask import current_app, flash, request
from flask_babel import gettext as _
from werkzeug.exceptions import NotFound

from .. import labels
from ..clients import ApiError
from ..identity import signed_in
from ..portal.common import api, pdf_states, stream_ics
from ..portal.workspace import workspace_calls  # noqa: F401  (the dossier page's reads, shared with the portal)
from ..templating import money
from . import bp
from .common import checked, errors_of, text
from .dossiers import _back, _refused, dossier_page

# The moves each status allows, as the dossier service's ``domain/workspace.py`` defines them (its API does not
# list them per item). partially_paid and paid follow the payments; a move it refuses is its 409, shown.
TRANSITIONS = {
    "quote": {"draft": ("sent",), "sent": ("accepted", "refused", "expired")},
    "order": {"open": ("delivered", "cancelled")},
    "invoice": {"draft": ("issued", "cancelled"), "issued": ("cancelled",)},
}
PAYABLE = ("issued", "partially_paid")
INVOICEABLE_ORDERS = ("open", "delivered")
ITEM_PATHS = {"quote": "quotes", "order": "orders", "invoice": "invoices"}
PDF_PATHS = {**ITEM_PATHS, "credit_note": "credit-notes"}
CREDITABLE = ("issued", "partially_paid", "paid")
MAX_LINE_ROWS = 200  # the API's limit of lines per document
EXPENSE_CATEGORIES = ("travel", "purchase", "service", "other")
EVENT_KINDS = ("appointment", "meeting")
USUAL_VAT_RATES = ("20", "10", "5.5", "2.1", "0")
LINE_ROWS = 3
LISTS = ("quotes", "orders", "invoices", "credit_notes", "events", "expenses", "activities", "participants")


def attendee_options(record: dict, notes: list[dict], participants: list[dict]) -> list[tuple[str, str]]:
    """Who may attend the dossier's events (its actors): the client, the assignee, note authors, the attached
    third parties; ``(sub, name)``."""
    found: dict[str, str] = {}

    def add(sub, name):
        if sub and sub not in found:
            found[sub] = name or sub

    add(record.get("client_sub"), _("%(name)s (client)", name=record.get("client_name") or record.get("client_email")))
    add(record.get("assignee_sub"), _("%(name)s (assignee)", name=record.get("assignee_email") or ""))
    for note in notes:
        add(note.get("author_sub"), note.get("author_name"))
    for party in participants:
        if party.get("account_sub"):
            add(party["account_sub"], party.get("name") or party.get("email"))
    return list(found.items())


def workspace_context(found: dict) -> dict:
    """What the template needs besides the API's lists: the moves of each item, the numbers of the sources."""
    zone = current_app.extensions["web.settings"].web_timezone
    numbers = {item["id"]: item.get("number") for kind in ("quotes", "orders", "invoices") for item in found[kind]}
    return {
        "ws": {name: found[name] for name in (*LISTS, "activity_totals")},
        "ws_numbers": numbers,
        "ws_moves": {
            item["id"]: TRANSITIONS[kind].get(item.get("status"), ())
            for kind, name in (("quote", "quotes"), ("order", "orders"), ("invoice", "invoices"))
            for item in found[name]
        },
        "ws_order_options": [
            (item["id"], item.get("number") or item["id"])
            for item in found["orders"]
            if item.get("status") != "cancelled"
        ],
        "ws_receipt_options": [(item["id"], item.get("filename") or item["id"]) for item in found["documents"]],
        "expense_options": [(code, labels.label(labels.EXPENSE_CATEGORIES, code)) for code in EXPENSE_CATEGORIES],
        "event_kind_options": [(code, labels.label(labels.EVENT_KINDS, code)) for code in EVENT_KINDS],
        "today": datetime.now(ZoneInfo(zone)).date().isoformat(),
        "default_timezone": zone,
        "attendees": attendee_options(found["dossier"], found["notes"], found["participants"]),
        "payable": PAYABLE,
        "invoiceable_orders": INVOICEABLE_ORDERS,
        "vat_rates": USUAL_VAT_RATES,
        "line_rows": LINE_ROWS,
        "creditable": CREDITABLE,
        "ws_edit_forms": {
            item["id"]: draft_values(item)
            for name in ("quotes", "invoices")
            for item in found[name]
            if item.get("status") == "draft"
        },
        "ws_pdf": pdf_states(found["documents"]),
        "ws_event_times": {item["id"]: event_local_times(item) for item in found["events"]},
    }


def draft_values(item: dict) -> dict:
    """A draft's values as its edit form holds them (``line-<n>-<field>``, one blank row more to add a line)."""
    values = {
        "title": item.get("title") or "",
        "currency": item.get("currency") or "EUR",
        "valid_until": item.get("valid_until") or "",
        "due_on": item.get("due_on") or "",
        "rows": str(len(item.get("lines") or []) + 1),
    }
    for row, line in enumerate(item.get("lines") or []):
        for name in ("label", "quantity", "unit", "unit_price", "vat_rate"):
            values[f"line-{row}-{name}"] = line.get(name) or ""
    return values


def event_local_times(event: dict) -> dict:
    """The event's start and end as ``datetime-local`` values in its own zone (the API gives UTC)."""
    try:
        zone = ZoneInfo(event.get("timezone") or "UTC")
    except (KeyError, ValueError):
        zone = ZoneInfo("UTC")
    found = {}
    for name in ("starts_at", "ends_at"):
        try:
            moment = datetime.fromisoformat(str(event.get(name) or "").replace("Z", "+00:00"))
        except ValueError:
            found[name] = ""
            continue
        found[name] = moment.astimezone(zone).strftime("%Y-%m-%dT%H:%M") if moment.tzinfo else moment.isoformat()[:16]
    return found


# ----- forms ---------------------------------------------------------------------------------------------------
def decimal_text(name: str) -> str:
    """A decimal as people type it ("12,50", "1 200") as the API reads it ("12.50", "1200")."""
    return text(name).replace("\u202f", "").replace("\xa0", "").replace(" ", "").replace(",", ".")


def _lines() -> tuple[list[dict], list[int]]:
    """The filled line rows of the form (a row without a label is left out) and their row numbers (``rows``: how
    many the form has, an edited draft's lines and a blank one)."""
    lines, rows = [], []
    try:
        count = min(max(int(text("rows") or LINE_ROWS), 1), MAX_LINE_ROWS)
    except ValueError:
        count = LINE_ROWS
    for row in range(count):
        if not any(text(f"line-{row}-{name}") for name in ("label", "quantity", "unit_price")):
            continue
        lines.append(
            {
                "label": text(f"line-{row}-label"),
                "quantity": decimal_text(f"line-{row}-quantity"),
                "unit": text(f"line-{row}-unit"),
                "unit_price": decimal_text(f"line-{row}-unit_price"),
                "vat_rate": decimal_text(f"line-{row}-vat_rate"),
            }
        )
        rows.append(row)
    return lines, rows


def _row_errors(section: str, error: ApiError, rows: list[int]) -> dict[str, str]:
    """The API's ``lines.<n>.<field>`` (n: the n-th line sent) under the form's row: ``quote.lines.<row>.<field>``."""
    problems: dict[str, str] = {}
    for name, message in errors_of(error).items():
        parts = name.split(".")
        if parts[0] == "lines" and len(parts) >= 2 and parts[1].isdigit() and int(parts[1]) < len(rows):
            parts[1] = str(rows[int(parts[1])])
        problems[f"{section}.{'.'.join(parts)}"] = message
    return problems


def _optional_date(name: str, errors: dict, key: str) -> str | None:
    value = text(name)
    if not value:
        return None
    try:
        date.fromisoformat(value)
    except ValueError:
        errors[key] = _("Enter a date as YYYY-MM-DD.")
    return value


@bp.post("/dossiers/<dossier_id>/finance/<kind>")
@signed_in("agent")
def draft(dossier_id: str, kind: str):
    """A draft quote or invoice with its lines (``kind``: quote or invoice)."""
    if kind not in ("quote", "invoice"):
        raise NotFound()
    lines, rows = _lines()
    errors: dict[str, str] = {}
    body: dict = {"title": text("title"), "currency": text("currency") or "EUR", "lines": lines}
    date_name = "valid_until" if kind == "quote" else "due_on"
    body[date_name] = _optional_date(date_name, errors, f"{kind}.{date_name}")
    if not lines:
        errors[f"{kind}.lines"] = _("Add at least one line.")
    context = {f"{kind}_form": request.form}
    if errors:
        return dossier_page(dossier_id, status=422, errors=errors, **context)
    try:
        created = api().post("dossier", f"/dossiers/{dossier_id}/{ITEM_PATHS[kind]}", body)
    except ApiError as error:
        if error.status == 422:
            return dossier_page(dossier_id, status=422, errors=_row_errors(kind, error, rows), **context)
        return _refused(dossier_id, error, kind, **context)
    total = money(created["total"], created.get("currency") or "EUR")
    if kind == "quote":
        flash(_("The draft quote is saved (%(total)s). Send it to give it its number.", total=total), "success")
    else:
        flash(_("The draft invoice is saved (%(total)s). Issue it to give it its number.", total=total), "success")
    return _back(dossier_id, "finance")


@bp.post("/dossiers/<dossier_id>/finance/<kind>/<item_id>/transitions")
@signed_in("agent")
def move_item(dossier_id: str, kind: str, item_id: str):
    if kind not in ITEM_PATHS:
        raise NotFound()
    try:
        moved = api().post("dossier", f"/{ITEM_PATHS[kind]}/{item_id}/transitions", {"to": text("to")})
    except ApiError as error:
        return _refused(dossier_id, error, f"item-{item_id}")
    if moved.get("order"):
        flash(_("The quote is accepted: order %(number)s is open.", number=moved["order"].get("number")), "success")
    else:
        flash(
            _(
                "%(number)s is now “%(status)s”.",
                number=moved.get("number") or _("The draft"),
                status=status_word(moved),
            ),
            "success",
        )
    return _back(dossier_id, "finance")


def status_word(item: dict) -> str:
    return labels.label(labels.WORKSPACE_STATUSES, item.get("status"))


@bp.post("/dossiers/<dossier_id>/finance/<kind>/<item_id>/edit")
@signed_in("agent")
def edit_draft(dossier_id: str, item_id: str, kind: str):
    """A draft quote's or invoice's title, date and lines replaced (``PATCH``; 409 once it has its number)."""
    if kind not in ("quote", "invoice"):
        raise NotFound()
    section = f"edit-{item_id}"
    lines, rows = _lines()
    errors: dict[str, str] = {}
    body: dict = {"title": text("title"), "currency": text("currency") or "EUR", "lines": lines}
    date_name = "valid_until" if kind == "quote" else "due_on"
    body[date_name] = _optional_date(date_name, errors, f"{section}.{date_name}")
    if not lines:
        errors[f"{section}.lines"] = _("Add at least one line.")
    context = {"edit_form": request.form, "edit_for": item_id}
    if errors:
        return dossier_page(dossier_id, status=422, errors=errors, **context)
    try:
        saved = api().patch("dossier", f"/{ITEM_PATHS[kind]}/{item_id}", body)
    except ApiError as error:
        if error.status == 422:
            return dossier_page(dossier_id, status=422, errors=_row_errors(section, error, rows), **context)
        return _refused(dossier_id, error, f"item-{item_id}")
    flash(_("The draft is saved (%(total)s).", total=money(saved["total"], saved.get("currency") or "EUR")), "success")
    return _back(dossier_id, f"item-{item_id}")


@bp.post("/dossiers/<dossier_id>/finance/<kind>/<item_id>/pdf")
@signed_in("agent")
def render_pdf(dossier_id: str, kind: str, item_id: str):
    """The numbered quote, order, invoice or credit note rendered to PDF by the documents service and filed under
    the dossier; 409 (a draft, a closed dossier) and 422 shown at the item."""
    if kind not in PDF_PATHS:
        raise NotFound()
    try:
        made = api().post("dossier", f"/{PDF_PATHS[kind]}/{item_id}/pdf", {})
    except ApiError as error:
        return _refused(dossier_id, error, f"item-{item_id}")
    if made.get("state") == "rendering":
        flash(_("The PDF of %(number)s is being made: it is in the documents in a moment.", number=made.get("number")))
    elif made.get("state") == "pdf_unavailable":
        flash(_("%(number)s is filed, but its PDF could not be made.", number=made.get("number")), "warning")
    else:
        flash(_("The PDF of %(number)s is filed in the dossier's documents.", number=made.get("number")), "success")
    return _back(dossier_id, f"item-{item_id}")


def _picked(prefix: str, id_name: str) -> tuple[list[dict], list[str]]:
    """The lines chosen in a form of ``<prefix>-<line id>`` quantities (blank: not chosen) as
    ``[{<id_name>, quantity}]``, and their line ids in the order sent."""
    picked, ids = [], []
    for name in request.form:
        if not name.startswith(f"{prefix}-"):
            continue
        line_id = name[len(prefix) + 1 :]
        quantity = decimal_text(name)
        if not quantity or not line_id:
            continue
        picked.append({id_name: line_id, "quantity": quantity})
        ids.append(line_id)
    return picked, ids


def _line_errors(section: str, error: ApiError, ids: list[str]) -> dict[str, str]:
    """The API's ``lines.<n>.<field>`` next to the n-th line sent (``<section>.lines.<line id>``)."""
    problems: dict[str, str] = {}
    for name, message in errors_of(error).items():
        parts = name.split(".")
        if parts[0] == "lines" and len(parts) >= 2 and parts[1].isdigit() and int(parts[1]) < len(ids):
            key = f"{section}.lines.{ids[int(parts[1])]}"
        else:
            key = f"{section}.{name}" if name != "form" else f"{section}.form"
        problems[key] = f"{problems[key]} {message}" if key in problems else message
    return problems


@bp.post("/dossiers/<dossier_id>/orders/<order_id>/invoice")
@signed_in("agent")
def invoice_order(dossier_id: str, order_id: str):
    """A draft invoice of what the order has not billed yet, or of the quantities typed for some of its lines
    (``pick-<order line id>``; the API refuses more than what remains, at the line)."""
    picked, ids = _picked("pick", "order_line_id")
    body = {"lines": picked} if picked else {}
    if request.form.get("partial") and not picked:
        return dossier_page(
            dossier_id,
            status=422,
            errors={f"pick-{order_id}.form": _("Enter the quantity to invoice on at least one line.")},
            pick_form=request.form,
            pick_for=order_id,
        )
    try:
        created = api().post("dossier", f"/orders/{order_id}/invoices", body)
    except ApiError as error:
        if error.status == 422 and picked:
            return dossier_page(
                dossier_id,
                status=422,
                errors=_line_errors(f"pick-{order_id}", error, ids),
                pick_form=request.form,
                pick_for=order_id,
            )
        return _refused(dossier_id, error, f"item-{order_id}")
    total = money(created["total"], created.get("currency") or "EUR")
    if picked:
        flash(_("A draft invoice of the chosen lines is saved (%(total)s).", total=total), "success")
    else:
        flash(_("A draft invoice of what the order has not billed yet is saved (%(total)s).", total=total), "success")
    return _back(dossier_id, "finance")


@bp.post("/dossiers/<dossier_id>/invoices/<invoice_id>/credit-notes")
@signed_in("agent")
def credit_invoice(dossier_id: str, invoice_id: str):
    """A numbered credit note of an issued invoice: the quantities typed for some lines
    (``credit-<invoice line id>``), or the whole of what remains when none is typed."""
    section = f"credit-{invoice_id}"
    picked, ids = _picked("credit", "invoice_line_id")
    body: dict = {"reason": text("reason")}
    if picked:
        body["lines"] = picked
    context = {"credit_form": request.form, "credit_for": invoice_id}
    if not body["reason"]:
        return dossier_page(
            dossier_id, status=422, errors={f"{section}.reason": _("Say why the invoice is corrected.")}, **context
        )
    try:
        created = api().post("dossier", f"/invoices/{invoice_id}/credit-notes", body)
    except ApiError as error:
        if error.status == 422:
            return dossier_page(dossier_id, status=422, errors=_line_errors(section, error, ids), **context)
        return _refused(dossier_id, error, section, **context)
    flash(
        _(
            "Credit note %(number)s is issued (%(total)s).",
            number=created.get("number"),
            total=money(created["total"], created.get("currency") or "EUR"),
        ),
        "success",
    )
    return _back(dossier_id, "credit-notes")


@bp.post("/dossiers/<dossier_id>/invoices/<invoice_id>/payments")
@signed_in("agent")
def record_payment(dossier_id: str, invoice_id: str):
    section = f"item-{invoice_id}"
    errors: dict[str, str] = {}
    body = {
        "amount": decimal_text("amount"),
        "paid_on": _optional_date("paid_on", errors, f"{section}.paid_on"),
        "method": text("method"),
        "reference": text("reference"),
    }
    if not body["amount"]:
        errors[f"{section}.amount"] = _("Enter the amount.")
    context = {"payment_form": request.form, "payment_for": invoice_id}
    if errors:
        return dossier_page(dossier_id, status=422, errors=errors, **context)
    try:
        api().post("dossier", f"/invoices/{invoice_id}/payments", body)
    except ApiError as error:
        return _refused(dossier_id, error, section, **context)
    flash(_("The payment is recorded."), "success")
    return _back(dossier_id, "finance")


@bp.post("/dossiers/<dossier_id>/events")
@signed_in("agent")
def schedule(dossier_id: str):
    errors: dict[str, str] = {}
    body = {
        "kind": text("kind") if text("kind") in EVENT_KINDS else "appointment",
        "title": text("title"),
        "description": text("description"),
        "starts_at": _local_time("starts_at", errors, "event"),
        "ends_at": _local_time("ends_at", errors, "event"),
        "timezone": text("timezone"),
        "location": text("location"),
        "attendees": [{"sub": sub} for sub in request.form.getlist("attendees") if sub],
    }
    if text("url"):  # the API takes no empty address
        body["url"] = text("url")
    if not body["title"]:
        errors["event.title"] = _("Give it a title.")
    context = {"event_form": request.form}
    if errors:
        return dossier_page(dossier_id, status=422, errors=errors, **context)
    try:
        api().post("dossier", f"/dossiers/{dossier_id}/events", body)
    except ApiError as error:
        if error.status != 422:
            return _refused(dossier_id, error, "event", **context)
        problems: dict[str, str] = {}
        for name, message in errors_of(error).items():  # "attendees.<n>.sub": shown next to the attendees
            key = "event.attendees" if name.startswith("attendees") else f"event.{name}"
            problems[key] = f"{problems[key]} {message}" if key in problems else message
        return dossier_page(dossier_id, status=422, errors=problems, **context)
    flash(_("“%(title)s” is scheduled; its attendees are told.", title=body["title"]), "success")
    return _back(dossier_id, "events")


def _local_time(name: str, errors: dict, section: str) -> str:
    """A ``datetime-local`` input ("2026-12-10T14:00"): a time in the event's zone, as the API reads it."""
    value = text(name)
    if not value:
        errors[f"{section}.{name}"] = _("Enter a date and a time.")
    return f"{value}:00" if len(value) == 16 else value


@bp.post("/dossiers/<dossier_id>/events/<event_id>/cancel")
@signed_in("agent")
def cancel_event(dossier_id: str, event_id: str):
    try:
        api().post("dossier", f"/events/{event_id}/cancel", {"reason": text("reason")})
    except ApiError as error:
        return _refused(dossier_id, error, f"item-{event_id}")
    flash(_("The event is cancelled; its attendees are told."), "success")
    return _back(dossier_id, "events")


@bp.post("/dossiers/<dossier_id>/events/<event_id>/move")
@signed_in("agent")
def move_event(dossier_id: str, event_id: str):
    """Another start, end, zone or place (``PATCH /events/{id}``: the attendees get the updated .ics)."""
    section = f"move-{event_id}"
    errors: dict[str, str] = {}
    body = {
        "starts_at": _local_time("starts_at", errors, section),
        "ends_at": _local_time("ends_at", errors, section),
        "timezone": text("timezone"),
        "location": text("location"),
    }
    if text("url"):  # the API takes no empty address
        body["url"] = text("url")
    context = {"move_form": request.form, "move_for": event_id}
    if errors:
        return dossier_page(dossier_id, status=422, errors=errors, **context)
    try:
        moved = api().patch("dossier", f"/events/{event_id}", body)
    except ApiError as error:
        if error.status == 422:
            problems = {f"{section}.{name}": message for name, message in errors_of(error).items()}
            return dossier_page(dossier_id, status=422, errors=problems, **context)
        return _refused(dossier_id, error, f"item-{event_id}")
    flash(_("“%(title)s” is moved; its attendees are sent the new date.", title=moved.get("title")), "success")
    return _back(dossier_id, f"item-{event_id}")


@bp.get("/events/<event_id>.ics")
@signed_in("agent")
def event_ics(event_id: str):
    """The event's iCalendar file, streamed through with the dossier service's headers."""
    return stream_ics(f"/events/{event_id}.ics")


@bp.post("/dossiers/<dossier_id>/expenses")
@signed_in("agent")
def record_expense(dossier_id: str):
    errors: dict[str, str] = {}
    body = {
        "spent_on": text("spent_on"),
        "label": text("label"),
        "category": text("category") if text("category") in EXPENSE_CATEGORIES else "other",
        "amount": decimal_text("amount"),
        "vat_rate": decimal_text("vat_rate"),
        "currency": text("currency") or "EUR",
        "billable": checked("billable"),
        "receipt_document_id": text("receipt_document_id") or None,
    }
    if not body["spent_on"]:
        errors["expense.spent_on"] = _("Enter a date as YYYY-MM-DD.")
    context = {"expense_form": request.form}
    if errors:
        return dossier_page(dossier_id, status=422, errors=errors, **context)
    try:
        created = api().post("dossier", f"/dossiers/{dossier_id}/expenses", body)
    except ApiError as error:
        return _refused(dossier_id, error, "expense", **context)
    flash(
        _(
            "The expense “%(label)s” is recorded (%(total)s).",
            label=created["label"],
            total=money(created["total"], created.get("currency") or "EUR"),
        ),
        "success",
    )
    return _back(dossier_id, "expenses")


@bp.post("/dossiers/<dossier_id>/activities")
@signed_in("agent")
def log_activity(dossier_id: str):
    errors: dict[str, str] = {}
    minutes = _minutes(text("duration"))
    if minutes is None:
        errors["activity.minutes"] = _("Enter a duration in minutes, or hours and minutes (1:30).")
    if not text("order_id"):
        errors["activity.order_id"] = _("Choose an order.")
    context = {"activity_form": request.form}
    if errors:
        return dossier_page(dossier_id, status=422, errors=errors, **context)
    body = {
        "order_id": text("order_id"),
        "worked_on": text("worked_on"),
        "minutes": minutes,
        "description": text("description"),
    }
    try:
        api().post("dossier", f"/dossiers/{dossier_id}/activities", body)
    except ApiError as error:
        return _refused(dossier_id, error, "activity", **context)
    flash(_("The time spent is logged."), "success")
    return _back(dossier_id, "activities")


def _minutes(value: str) -> int | None:
    """ "90", "1:30" or "1h30" as minutes; None when it is none of those."""
    value = value.strip().lower().replace("h", ":")
    try:
        if ":" in value:
            hours, _sep, rest = value.partition(":")
            return int(hours or 0) * 60 + int(rest or 0)
        return int(value)
    except ValueError:
        return None
