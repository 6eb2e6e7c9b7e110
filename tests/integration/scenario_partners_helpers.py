"""Calls of the scenarios with partners, contributors and participants: a dossier moved through its statuses,
what documents a caller may see, and the notification service's exact deliveries for one dossier."""

from __future__ import annotations

import time
from collections import Counter

from scenario_helpers import call, ok, unique


def move(platform, agent: dict, dossier_id: str, to: str) -> None:
    ok(call(platform, "dossier", "POST", f"/dossiers/{dossier_id}/transitions", agent, json={"to": to}), 200)


def visible_document_ids(platform, headers: dict, owner_type: str, owner_id: str) -> set[str] | None:
    response = call(
        platform, "documents", "GET", "/documents", headers, params={"owner_type": owner_type, "owner_id": owner_id}
    )
    return {item["id"] for item in response.json()["items"]} if response.status_code == 200 else None


def document_status(platform, headers: dict, document_id: str) -> int:
    return call(platform, "documents", "GET", f"/documents/{document_id}", headers).status_code


def deliveries(platform, dossier_id: str, event_type: str) -> Counter:
    """How many deliveries the notification service made per recipient for one dossier's events of a type
    (the exact recipients of each event, whether or not the debounce grouped their emails)."""
    admin = platform.headers("admin", unique("admin"))
    found: Counter = Counter()
    cursor = None
    while True:
        params = {
            "dossier_id": dossier_id,
            "event_type": event_type,
            "limit": 100,
            **({"cursor": cursor} if cursor else {}),
        }
        page = ok(call(platform, "notification", "GET", "/deliveries", admin, params=params), 200)
        found.update(item["recipient"].lower() for item in page["items"] if item["channel"] == "email")
        cursor = page.get("next_cursor")
        if not cursor:
            return found


def wait_deliveries(
    platform, dossier_id: str, event_type: str, expected: dict[str, int], timeout: float = 30
) -> Counter:
    """Deliveries of ``event_type`` once ``expected`` is reached (or what there is at the timeout)."""
    platform.wait_until(lambda: deliveries(platform, dossier_id, event_type) == Counter(expected), timeout=timeout)
    time.sleep(1)
    return deliveries(platform, dossier_id, event_type)
