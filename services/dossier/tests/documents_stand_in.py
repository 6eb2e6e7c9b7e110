"""A stand-in for the documents service at the dossier service's boundary (``dossier.clients.DocumentsGateway``).

Unit tests have no documents service; ``tests/integration`` proves the real calls. It answers like the documents
service: one default financial template, installed on first use; the documents a test files; renders recorded."""

from __future__ import annotations

from dossier.clients import RenderedPdf, Template
from platform_shared.errors import NotFound


class DocumentsStandIn:
    def __init__(self):
        self.installed: list[str] = []
        self.renders: list[dict] = []
        self.templates = {"tpl-letter": Template("tpl-letter", "fr", "dossier")}
        self.documents: dict[str, dict] = {}

    def file(self, document_id: str, dossier_id: str) -> None:
        """A document of the dossier, as ``GET /documents/{id}`` describes it to a service."""
        self.documents[document_id] = {"id": document_id, "owner_type": "dossier", "dossier_id": dossier_id}

    def default_financial_template(self) -> Template:
        if not self.installed:
            self.installed.append("tpl-default")
            self.templates["tpl-default"] = Template("tpl-default", "fr", "finance")
        return self.templates["tpl-default"]

    def template(self, template_id: str) -> Template:
        if template_id not in self.templates:
            raise NotFound("No such template.")
        return self.templates[template_id]

    def render_financial(self, template_id: str, **request) -> RenderedPdf:
        self.renders.append({"template_id": template_id, **request})
        return RenderedPdf(f"doc-{len(self.renders)}", "ready", f"{request['filename']}.pdf", 201)

    def document(self, document_id: str) -> dict:
        if document_id not in self.documents:
            raise NotFound("No such document.")
        return self.documents[document_id]
