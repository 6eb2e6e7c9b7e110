"""The smallest dossier model, for tests and benchmarks that only need dossiers to exist."""

from __future__ import annotations

import requests

MINIMAL_MODEL = {
    "name": "Minimal",
    "category": "corporate",
    "client_can_create": False,
    "fields": [{"key": "summary", "label": "Summary", "type": "text"}],
    "views": {
        "portal": [{"key": "summary", "mode": "read"}],
        "crm": [{"key": "summary", "mode": "write"}],
        "partner": [],
    },
    "statuses": [
        {"code": "open", "label": "Open", "initial": True},
        {"code": "done", "label": "Done", "terminal": True},
    ],
    "transitions": [{"from": "open", "to": "done"}],
}


def create_minimal_model(platform) -> str:
    response = requests.post(
        platform.api("dossier", "/models"),
        json=MINIMAL_MODEL,
        headers=platform.headers("admin", "model-admin"),
        timeout=10,
    )
    response.raise_for_status()
    return response.json()["id"]
