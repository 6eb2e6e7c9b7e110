"""Delivery statuses, and what an email or an in-app notification shows of an event."""

from __future__ import annotations

from typing import TYPE_CHECKING

from . import rendering

if TYPE_CHECKING:  # the ORM row is read as plain data here
    from ..db import DossierCopy

KEY_TEMPLATES = ("partner_key", "contributor_invitation", "on_behalf_claim")
GROUPED_TEMPLATES = ("document_added", "note_added", "piece_provided", "generic")
# Emails that carry the event's invitation (the RFC 5545 text the dossier service put in the event's ``ics``).
CALENDAR_TEMPLATES = ("event_invitation", "event_cancelled")
PENDING, SENDING, SENT, FAILED, SKIPPED, UNKNOWN = "pending", "sending", "sent", "failed", "skipped", "unknown"


def item_of(data: dict) -> dict:
    """The event data an email may show: everything but the sealed key."""
    return {name: value for name, value in data.items() if name != "sealed_key"}


def calendar_of(template: str, item: dict) -> tuple[str, str] | None:
    """``(ics text, METHOD)`` an email of ``template`` attaches, or None. The method is read from the
    calendar itself (REQUEST, or CANCEL once cancelled), so the attachment never contradicts its content."""
    ics = item.get("ics")
    if template not in CALENDAR_TEMPLATES or not isinstance(ics, str) or not ics.strip():
        return None
    method = next(
        (line.split(":", 1)[1].strip().upper() for line in ics.splitlines() if line.upper().startswith("METHOD:")),
        "CANCEL" if item.get("cancelled") else "REQUEST",
    )
    return ics, method


def dossier_summary(data: dict, dossier: DossierCopy | None) -> dict:
    if dossier is None:
        return {"id": data.get("dossier_id"), "reference": data.get("reference"), "title": data.get("title")}
    return {"id": dossier.dossier_id, "reference": dossier.reference, "title": dossier.title}


def template_variables(
    settings, context: dict, items: list[dict], recipient_kind: str, dossier_id: str | None, *, key: str | None = None
) -> dict:
    return {
        "items": items,
        "item": items[0],
        "dossier": context["dossier"],
        "key": key,
        "recipient_name": context.get("recipient_name"),
        "event_label": context["event_type"],
        "link": rendering.link_for(settings, recipient_kind, context["event_type"], items[0], dossier_id),
    }
