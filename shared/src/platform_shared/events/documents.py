"""The documents service's events: documents added, downloaded by third parties, shared, deleted, rendered."""

from __future__ import annotations

from marshmallow import INCLUDE, Schema

from .base import EventData, Flag, Id, Object, ObjectList, Text, TextList


class Visibility(Schema):
    """Who sees a document besides staff; participants never see a ``financial`` one."""

    class Meta:
        unknown = INCLUDE

    client = Flag()
    partner = Flag()
    roles = TextList()
    financial = Flag()


class UploadedBy(Schema):
    class Meta:
        unknown = INCLUDE

    sub = Id(nullable=True)
    role = Text()


class RenderWarning(Schema):
    """A template tag that resolved to an empty value."""

    class Meta:
        unknown = INCLUDE

    field = Text()
    message = Text()


class DocumentEvent(EventData):
    """What every document event says of the document."""

    document_id = Id(required=True)
    owner_type = Text(description="`dossier`, `solicitation`, `contract`, `beneficiary`...")
    owner_id = Id(nullable=True)
    dossier_id = Id(nullable=True, description="when known: the owner dossier, or given on upload")


class DocumentAdded(DocumentEvent):
    """A document was uploaded or rendered."""

    filename = Text()
    category = Text(
        description="`supporting_piece`, `opinion`, `attestation`, `letter`, `invoice`, `quote`, `order`, `other`"
    )
    visibility = Object(Visibility, description="`financial`: participants never see it")
    uploaded_by = Object(UploadedBy)
    state = Text(description="`ready`, `rendering`, `pdf_failed` or `pdf_unavailable`")


class DocumentDownloaded(DocumentEvent):
    """A third party (role `partner`: partner, contributor, participant) downloaded a dossier's document; the
    partner-gateway writes it in the dossier's audit log."""

    filename = Text()
    rendition = Text()


class DocumentVisibilityChanged(DocumentEvent):
    """Who sees a document changed."""

    visibility = Object(Visibility, description="the whole object after the change, `financial` included")


class DocumentDeleted(DocumentEvent):
    """A document and every rendition of it were deleted."""


class DocumentRendered(DocumentEvent):
    """A template was rendered into a document (and converted, when a PDF was asked for)."""

    renditions = TextList(description='e.g. `["docx", "pdf"]`')
    warnings = ObjectList(RenderWarning)


class DocumentRenderFailed(DocumentEvent):
    """The PDF of a rendered document could not be made (the .docx is kept)."""

    renditions = TextList(description="the renditions made")
    error = Text()
