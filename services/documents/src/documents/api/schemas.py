"""Response schemas shared by the documents and templates resources."""

from __future__ import annotations

from marshmallow import Schema, fields

from platform_shared.auth import Caller
from platform_shared.pseudonyms import for_reader

from ..services.documents import find_rendition, visibility_of


class VisibilitySchema(Schema):
    """Who sees a document besides staff and its uploader."""

    client = fields.Boolean(
        metadata={"description": "The owner's client (requester, extranet customer) and their company."}
    )
    partner = fields.Boolean(metadata={"description": "The partners solicited on the dossier."})
    roles = fields.List(fields.String(), metadata={"description": "Contributor roles that see it (e.g. guarantor)."})
    financial = fields.Boolean(
        metadata={
            "description": "A financial item (invoice, quote...): participants never "
            "see it, even when it is shared with the client. On render, "
            "omitted means the category's default."
        }
    )


class ActorRefSchema(Schema):
    """Who uploaded the document (or had it rendered)."""

    sub = fields.String(
        metadata={
            "description": "The uploader's account id: staff and services always; a client or partner only when "
            "they uploaded it themselves (left out otherwise)."
        }
    )
    role = fields.String()


class RenditionSchema(Schema):
    """One form of the document's bytes; fetch it with ``/content?rendition=<kind>``."""

    kind = fields.String(metadata={"description": "pdf, docx, png, jpeg, xlsx, odt, txt or csv."})
    content_type = fields.String()
    size = fields.Integer()
    sha256 = fields.String()


class WarningSchema(Schema):
    field = fields.String(metadata={"description": "The tag whose value was empty."})
    message = fields.String()


class DocumentSchema(Schema):
    """A document: metadata, visibility, state and renditions (the bytes are behind ``/content``)."""

    id = fields.String()
    owner_type = fields.String(metadata={"description": "dossier, contract, beneficiary or solicitation."})
    owner_id = fields.String()
    dossier_id = fields.String(allow_none=True)
    filename = fields.String(metadata={"description": "Sanitised display name; never used as a path."})
    category = fields.String()
    content_type = fields.String(metadata={"description": "Sniffed type of the main rendition."})
    size = fields.Integer()
    sha256 = fields.String()
    visibility = fields.Nested(VisibilitySchema)
    uploaded_by = fields.Nested(ActorRefSchema)
    state = fields.String(
        metadata={
            "description": "ready; rendering (PDF on its way); pdf_failed (the .docx "
            "is kept, see error); pdf_unavailable (no converter)."
        }
    )
    error = fields.String(allow_none=True)
    warnings = fields.List(fields.Nested(WarningSchema))
    template_id = fields.String(allow_none=True)
    template_version = fields.Integer(allow_none=True)
    renditions = fields.List(fields.Nested(RenditionSchema))
    created_at = fields.DateTime()
    updated_at = fields.DateTime()


def document_body(document, caller: Caller) -> dict:
    """The ``DocumentSchema`` view of a ``db.Document`` as ``caller`` reads it: staff and services whole, a client
    or a partner without another person's account id (``uploaded_by.sub`` only when they uploaded it;
    architecture §5, "who sees what")."""
    primary = find_rendition(document, None)
    body = {
        "id": document.id,
        "owner_type": document.owner_type,
        "owner_id": document.owner_id,
        "dossier_id": document.dossier_id,
        "filename": document.filename,
        "category": document.category,
        "content_type": primary.content_type if primary else None,
        "size": primary.size if primary else None,
        "sha256": primary.sha256 if primary else None,
        "visibility": visibility_of(document),
        "uploaded_by": {"sub": document.uploaded_by_sub, "role": document.uploaded_by_role},
        "state": document.state,
        "error": document.error,
        "warnings": document.warnings or [],
        "template_id": document.template_id,
        "template_version": document.template_version,
        "renditions": [
            {"kind": r.kind, "content_type": r.content_type, "size": r.size, "sha256": r.sha256}
            for r in document.renditions
        ],
        "created_at": document.created_at,
        "updated_at": document.updated_at,
    }
    return for_reader(body, caller)
