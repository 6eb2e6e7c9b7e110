"""Calls to other services: the documents service as the dossier's workspace uses it (its financial template,
rendering a quote / order / invoice / credit note into a PDF filed under the dossier, reading a receipt)."""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from typing import Any
from urllib.parse import quote

from flask import current_app

from platform_shared.config import Settings
from platform_shared.service_client import ServiceClient

# The default financial template, installed in the documents service the first time a PDF is asked for and no
# template is named (built by ``scripts/build_finance_template.py``).
DEFAULT_TEMPLATE_NAME = "Financial document (default)"
DEFAULT_TEMPLATE_FILE = "finance_default.docx"


@dataclass(frozen=True)
class Template:
    id: str
    language: str
    entity: str = "finance"


@dataclass(frozen=True)
class RenderedPdf:
    document_id: str
    state: str
    filename: str | None
    status_code: int


class DocumentsGateway:
    """Thin calls to the documents API (``docs/contracts.md``); its 4xx arrive as ours, anything else is a 503."""

    def __init__(self, settings: Settings):
        self.client = ServiceClient(settings, settings.documents_url, name="documents")

    def template(self, template_id: str) -> Template:
        body = self.client.get_json(f"/api/v1/templates/{quote(template_id, safe='')}")
        return Template(id=body["id"], language=body.get("language") or "fr", entity=body["entity"])

    def default_financial_template(self) -> Template:
        """The default financial template, installed (as this service) when the documents service lacks it."""
        cursor = None
        while True:
            params: dict[str, Any] = {"limit": 100, **({"cursor": cursor} if cursor else {})}
            page = self.client.get_json("/api/v1/templates", params=params)
            for item in page["items"]:
                if (
                    item["type"] == "financial"
                    and item["entity"] == "finance"
                    and item["name"] == DEFAULT_TEMPLATE_NAME
                ):
                    return Template(id=item["id"], language=item.get("language") or "fr")
            cursor = page.get("next_cursor")
            if not cursor:
                break
        docx = resources.files("dossier.templates").joinpath(DEFAULT_TEMPLATE_FILE).read_bytes()
        body = self.client.request(
            "POST",
            "/api/v1/templates",
            data={"name": DEFAULT_TEMPLATE_NAME, "type": "financial", "entity": "finance", "pdf_auto": "true"},
            files={"file": (DEFAULT_TEMPLATE_FILE, docx, "application/octet-stream")},
        ).json()
        return Template(id=body["id"], language=body.get("language") or "fr")

    def render_financial(
        self, template_id: str, *, context: dict[str, Any], dossier_id: str, category: str, filename: str
    ) -> RenderedPdf:
        """Render into a document of the dossier, shared with its client side and marked financial (so no
        participant ever sees it); 201 when made, 202 while the documents worker converts it."""
        response = self.client.request(
            "POST",
            f"/api/v1/templates/{template_id}/render",
            json={
                "context": context,
                "inputs": {},
                "owner_type": "dossier",
                "owner_id": dossier_id,
                "dossier_id": dossier_id,
                "category": category,
                "filename": filename,
                "visibility": {"client": True, "partner": False, "roles": [], "financial": True},
            },
        )
        body = response.json()
        return RenderedPdf(
            document_id=body["id"], state=body["state"], filename=body.get("filename"), status_code=response.status_code
        )

    def document(self, document_id: str) -> dict[str, Any]:
        """One document's metadata (a service sees every document); 404 when there is none."""
        return self.client.get_json(f"/api/v1/documents/{quote(document_id, safe='')}")


def documents_gateway() -> DocumentsGateway:
    """The app's one documents-service gateway (tests may put their own in ``app.extensions``)."""
    return current_app.extensions["documents_gateway"]
