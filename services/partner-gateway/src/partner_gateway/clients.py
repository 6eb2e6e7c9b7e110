"""Calls to other services: the dossier and documents services as the gateway uses them (docs/contracts.md)."""

from __future__ import annotations

import contextvars
from concurrent.futures import ThreadPoolExecutor
from typing import Any
from urllib.parse import quote

from flask import current_app

from platform_shared.service_client import ServiceClient


class Upstreams:
    """One ``ServiceClient`` per service the gateway calls, kept for the life of the app."""

    def __init__(self, settings):
        self.dossier = ServiceClient(settings, settings.dossier_url, name="dossier")
        self.documents = ServiceClient(settings, settings.documents_url, name="documents")
        self._pool = ThreadPoolExecutor(max_workers=8, thread_name_prefix="upstream")

    def dossier_for_staff(self, dossier_id: str) -> dict[str, Any]:
        return self.dossier.get_json(f"/api/v1/dossiers/{dossier_id}")

    def partner_view(self, dossier_id: str) -> dict[str, Any]:
        return self.dossier.get_json(f"/api/v1/dossiers/{dossier_id}/partner-view")

    def participant_view(self, dossier_id: str) -> dict[str, Any]:
        return self.dossier.get_json(f"/api/v1/dossiers/{dossier_id}/participant-view")

    def third_party_workspace(self, dossier_id: str, sub: str) -> dict[str, Any]:
        """What the attached third party ``sub`` sees of the dossier's workspace (the dossier applies ``SEES``)."""
        return self.dossier.get_json(f"/api/v1/dossiers/{dossier_id}/third-party-workspace", params={"sub": sub})

    def write_partner_values(self, dossier_id: str, values: dict[str, Any]) -> dict[str, Any]:
        return self.dossier.request(
            "PATCH", f"/api/v1/dossiers/{dossier_id}/partner-values", json={"values": values}
        ).json()

    def file_on_behalf(self, body: dict[str, Any]) -> dict[str, Any]:
        return self.dossier.request("POST", "/api/v1/dossiers/on-behalf", json=body).json()

    def portal_view(self, dossier_id: str) -> dict[str, Any]:
        return self.dossier.get_json(f"/api/v1/dossiers/{dossier_id}/portal-view")

    def write_on_behalf_values(self, dossier_id: str, values: dict[str, Any]) -> dict[str, Any]:
        return self.dossier.request(
            "PATCH", f"/api/v1/dossiers/{dossier_id}/on-behalf-values", json={"fields": values}
        ).json()

    def submit_on_behalf(self, dossier_id: str, filer: dict[str, Any]) -> dict[str, Any]:
        return self.dossier.request(
            "POST", f"/api/v1/dossiers/{dossier_id}/on-behalf-submit", json={"filer": filer}
        ).json()

    def model(self, model_id: str, version: int | None) -> dict[str, Any]:
        params = {"version": version} if version else {}
        return self.dossier.get_json(f"/api/v1/models/{model_id}", params=params)

    def add_third_party_note(self, dossier_id: str, body: str, author: dict[str, str | None]) -> dict[str, Any]:
        return self.dossier.request(
            "POST", f"/api/v1/dossiers/{dossier_id}/third-party-notes", json={"body": body, "author": author}
        ).json()

    def documents_of(self, owner_type: str, owner_id: str, **filters: str) -> list[dict[str, Any]]:
        params = {"owner_type": owner_type, "owner_id": owner_id, "limit": 200, **filters}
        return self.documents.get_json("/api/v1/documents", params=params).get("items", [])

    def document(self, document_id: str) -> dict[str, Any]:
        """One document's metadata (services see every document); the id comes from a caller, hence quoted."""
        return self.documents.get_json(f"/api/v1/documents/{quote(document_id, safe='')}")

    def partner_view_and_documents(
        self, dossier_id: str, solicitation_ids: tuple[str, ...] = ()
    ) -> tuple[dict[str, Any], list[dict[str, Any]], dict[str, list[dict[str, Any]]]]:
        """The calls of the composed partner view at once (the request id travels with each): the partner view,
        the dossier's partner documents and the documents each of the solicitations owns."""
        documents = self._pool.submit(
            contextvars.copy_context().run, self.documents_of, "dossier", dossier_id, partner="true"
        )
        addressed = {
            solicitation_id: self._pool.submit(
                contextvars.copy_context().run, self.documents_of, "solicitation", solicitation_id
            )
            for solicitation_id in solicitation_ids
        }
        view = self.partner_view(dossier_id)
        return view, documents.result(), {key: future.result() for key, future in addressed.items()}


def app_upstreams() -> Upstreams:
    return current_app.extensions["upstreams"]
