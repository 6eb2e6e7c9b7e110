"""Calls to other services: the documents service as this service uses it (templates, their fields, rendering,
visibility, deletion)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from platform_shared.config import Settings
from platform_shared.errors import NotFound
from platform_shared.service_client import ServiceClient

from .domain.choice import InputField


@dataclass(frozen=True)
class TemplateInfo:
    id: str
    name: str
    type: str
    entity: str
    pdf_auto: bool
    language: str = "fr"


@dataclass(frozen=True)
class RenderedDocument:
    id: str
    state: str
    error: str | None
    filename: str | None = None


class DocumentsGateway:
    """Thin calls to the documents API (``docs/contracts.md``); its errors arrive as ours."""

    def __init__(self, settings: Settings):
        self.client = ServiceClient(settings, settings.documents_url, name="documents")

    def template(self, template_id: str) -> TemplateInfo:
        body = self.client.get_json(f"/api/v1/templates/{template_id}")
        return TemplateInfo(
            id=body["id"],
            name=body["name"],
            type=body["type"],
            entity=body["entity"],
            pdf_auto=bool(body.get("pdf_auto")),
            language=body.get("language") or "fr",
        )

    def input_fields(self, template_id: str) -> list[InputField]:
        body = self.client.get_json(f"/api/v1/templates/{template_id}/fields")
        return [
            InputField(name=field["name"], label=field.get("label") or field["name"], default=field.get("default"))
            for field in body["fields"]
            if field.get("source") == "input"
        ]

    def render(
        self,
        template_id: str,
        *,
        context: dict[str, Any],
        inputs: dict[str, str],
        owner_type: str,
        owner_id: str,
        dossier_id: str | None,
        client_visible: bool,
        filename: str,
    ) -> RenderedDocument:
        body = self.client.request(
            "POST",
            f"/api/v1/templates/{template_id}/render",
            json={
                "context": context,
                "inputs": inputs,
                "owner_type": owner_type,
                "owner_id": owner_id,
                "dossier_id": dossier_id,
                "category": "attestation",
                "filename": filename,
                "visibility": {"client": client_visible, "partner": False, "roles": []},
            },
        ).json()
        return RenderedDocument(
            id=body["id"], state=body["state"], error=body.get("error"), filename=body.get("filename")
        )

    def document(self, document_id: str) -> RenderedDocument:
        body = self.client.get_json(f"/api/v1/documents/{document_id}")
        return RenderedDocument(id=body["id"], state=body["state"], error=body.get("error"))

    def share_with_client(self, document_id: str) -> None:
        self.client.request("PATCH", f"/api/v1/documents/{document_id}", json={"client": True})

    def destroy(self, document_id: str) -> None:
        """Delete the document and every rendition; one already gone counts as destroyed."""
        try:
            self.client.request("DELETE", f"/api/v1/documents/{document_id}")
        except NotFound:
            return


def documents_gateway() -> DocumentsGateway:
    """The app's one documents-service gateway (tests may put their own in ``app.extensions``)."""
    from flask import current_app  # where a request is served: not in the worker (issue 18: memory)

    return current_app.extensions["documents_gateway"]
