"""``/api/v1/documents``: upload, list, read, download, change visibility, delete."""

from __future__ import annotations

from flask import current_app
from flask.views import MethodView
from flask_smorest import Blueprint
from flask_smorest.fields import Upload
from marshmallow import Schema, fields, validate
from webargs.fields import DelimitedList

from platform_shared.auth import current_caller, require_roles
from platform_shared.errors import NotFound, ValidationFailed
from platform_shared.etag import honours_if_match, if_match, sends_etag, set_etag
from platform_shared.pagination import PageArgsSchema, page_schema
from platform_shared.web import app_db, app_settings

from ..clients import AccessLookup
from ..domain.files import content_disposition, sanitise_filename
from ..services import documents
from .downloads import ranged_response
from .files import app_storage, spooled_upload
from .schemas import DocumentSchema, document_body

blp = Blueprint(
    "documents",
    __name__,
    url_prefix="/api/v1/documents",
    description="Documents: files with per-file visibility and renditions",
)

ALL_ROLES = ("agent", "client", "partner", "service")


class UploadFormSchema(Schema):
    """Multipart form fields of an upload (the file itself is the ``file`` part)."""

    owner_type = fields.String(required=True, validate=validate.OneOf(documents.OWNER_TYPES))
    owner_id = fields.String(required=True, validate=validate.Length(min=1, max=64))
    dossier_id = fields.String(
        load_default=None,
        validate=validate.Length(min=1, max=64),
        metadata={
            "description": "The dossier, when the owner is not one (e.g. a contract document shared on a dossier)."
        },
    )
    category = fields.String(load_default="other", validate=validate.OneOf(documents.CATEGORIES))
    client = fields.Boolean(load_default=False, metadata={"description": "Visible to the owner's client (staff only)."})
    partner = fields.Boolean(
        load_default=False, metadata={"description": "Visible to solicited partners (staff only)."}
    )
    roles = DelimitedList(
        fields.String(validate=validate.Length(min=1, max=64)),
        load_default=[],
        metadata={"description": "Comma-separated contributor roles that see it."},
    )
    financial = fields.Boolean(
        load_default=None,
        metadata={
            "description": "A financial item (invoice, quote...), never shown to participants (staff and services "
            "only; when omitted, or sent by anyone else, the category decides: FINANCIAL_CATEGORIES)."
        },
    )
    uploaded_by_sub = fields.String(load_default=None, metadata={"description": "Services only: the real uploader."})
    uploaded_by_role = fields.String(
        load_default=None, validate=validate.OneOf(("client", "partner", "agent", "admin"))
    )


class UploadFilesSchema(Schema):
    file = Upload(required=True, metadata={"description": "The file; its type is read from its bytes."})


class ListArgsSchema(PageArgsSchema):
    owner_type = fields.String(required=True, validate=validate.OneOf(documents.OWNER_TYPES))
    owner_id = fields.String(required=True)
    partner = fields.Boolean(load_default=False, metadata={"description": "Only documents flagged for partners."})
    role = fields.String(load_default=None, metadata={"description": "Only documents flagged for this role."})


class VisibilityPatchSchema(Schema):
    """Change who sees the document; omitted flags stay as they are."""

    client = fields.Boolean()
    partner = fields.Boolean()
    roles = fields.List(fields.String(validate=validate.Length(min=1, max=64)))
    financial = fields.Boolean(metadata={"description": "A financial item: hidden from participants."})


class ContentArgsSchema(Schema):
    rendition = fields.String(
        load_default=None,
        metadata={"description": "pdf, docx... (default: the PDF when there is one, else the original)."},
    )


def _lookup() -> AccessLookup:
    """A fresh per-request cache of the gateway's answers."""
    return AccessLookup(current_app.extensions["gateway_client"])


def purge_bytes(keys: list[str]) -> None:
    """Delete the bytes that no rendition or template version uses any more (after the commit)."""
    with app_db().read_only() as session:
        unused = documents.unreferenced_keys(session, keys)
    for key in unused:
        app_storage().delete(key)


@blp.route("")
class Documents(MethodView):
    @require_roles(*ALL_ROLES)
    @blp.arguments(UploadFormSchema, location="form")
    @blp.arguments(UploadFilesSchema, location="files")
    @blp.response(201, DocumentSchema)
    def post(self, form, files):
        """Upload a file for an owner (413 too large, 415 type not allowed or not matching its name)."""
        settings = app_settings()
        caller = current_caller()
        on_behalf = None
        if form["uploaded_by_sub"]:
            if not form["uploaded_by_role"]:
                raise ValidationFailed(
                    "uploaded_by_role goes with uploaded_by_sub.",
                    errors={"uploaded_by_role": ["Missing data for required field."]},
                )
            on_behalf = documents.Uploader(form["uploaded_by_sub"], form["uploaded_by_role"])
        upload = files["file"]
        with spooled_upload(upload) as spooled, app_db().transaction() as session:
            document = documents.upload_document(
                session,
                app_storage(),
                _lookup(),
                caller,
                spooled=spooled,
                filename=sanitise_filename(upload.filename),
                owner_type=form["owner_type"],
                owner_id=form["owner_id"],
                dossier_id=form["dossier_id"],
                category=form["category"],
                on_behalf=on_behalf,
                allowed_kinds=settings.allowed_types,
                financial_categories=settings.financial_categories,
                visibility=documents.Visibility(
                    form["client"], form["partner"], tuple(form["roles"]), form["financial"]
                ),
            )
            return document_body(document, caller)

    @require_roles(*ALL_ROLES)
    @blp.arguments(ListArgsSchema, location="query")
    @blp.response(200, page_schema(DocumentSchema))
    def get(self, args):
        """The documents of an owner that the caller may see."""
        caller = current_caller()
        if (args["partner"] or args["role"]) and not (caller.is_service or caller.is_staff):
            raise ValidationFailed(
                "The partner and role filters are for staff and documents.",
                errors={"partner" if args["partner"] else "role": ["Not allowed."]},
            )
        with app_db().read_only() as session:
            page = documents.list_visible_documents(
                session,
                _lookup(),
                caller,
                owner_type=args["owner_type"],
                owner_id=args["owner_id"],
                partner_only=args["partner"],
                role=args["role"],
                limit=args["limit"],
                cursor=args["cursor"],
            )
            return page.map(lambda document: document_body(document, caller))


@blp.route("/<document_id>")
class DocumentResource(MethodView):
    @require_roles(*ALL_ROLES)
    @blp.response(200, DocumentSchema)
    @sends_etag
    def get(self, document_id):
        """A document the caller may see (its state tells whether the PDF is ready), with its ETag."""
        with app_db().read_only() as session:
            caller = current_caller()
            document = documents.get_visible_document(session, _lookup(), caller, document_id)
            set_etag(documents.document_etag(document))
            return document_body(document, caller)

    @require_roles("agent", "service")
    @blp.arguments(VisibilityPatchSchema)
    @blp.response(200, DocumentSchema)
    @honours_if_match(blp)
    def patch(self, body, document_id):
        """Change the document's visibility or financial flag (staff); publishes ``document.visibility_changed``.

        With ``If-Match`` (the ETag of the GET), 412 when the document changed since, and nothing is written."""
        precondition = if_match(required=app_settings().require_if_match)
        caller = current_caller()
        with app_db().transaction() as session:
            document = documents.change_visibility(
                session,
                caller,
                document_id,
                client=body.get("client"),
                partner=body.get("partner"),
                roles=body.get("roles"),
                financial=body.get("financial"),
                precondition=precondition,
            )
            set_etag(documents.document_etag(document))
            return document_body(document, caller)

    @require_roles("agent", "service")
    @blp.response(204)
    def delete(self, document_id):
        """Delete the document and the bytes of every rendition; publishes ``document.deleted``."""
        with app_db().transaction() as session:
            keys = documents.delete_document(session, current_caller(), document_id)
        purge_bytes(keys)


@blp.route("/<document_id>/content")
class DocumentContent(MethodView):
    @require_roles(*ALL_ROLES)
    @blp.arguments(ContentArgsSchema, location="query")
    @blp.response(200, description="The bytes, as an attachment; ``Range`` gives 206.")
    def get(self, args, document_id):
        """Download a rendition (streams; supports ``Range``)."""
        caller = current_caller()
        with app_db().read_only() as session:
            document = documents.get_visible_document(session, _lookup(), caller, document_id)
            rendition = documents.find_rendition(document, args["rendition"])
            if rendition is None:
                raise NotFound("The document has no such rendition.")
            filename = documents.rendition_filename(document.filename, rendition.kind)
            response = ranged_response(app_storage(), rendition, content_disposition(filename))
            download = documents.third_party_download(document, rendition.kind)
        if caller.role == "partner" and download["dossier_id"] and response.status_code < 300:
            # A third party read the bytes: the partner-gateway writes it in the dossier's audit log.
            with app_db().transaction() as session:
                documents.record_third_party_download(session, download, caller.as_actor())
        return response
