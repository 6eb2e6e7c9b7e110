"""``/api/v1/templates``: Word templates, their fields, and rendering them into documents."""

from __future__ import annotations

from flask import current_app
from flask.views import MethodView
from flask_smorest import Blueprint
from flask_smorest.fields import Upload
from marshmallow import Schema, fields, validate
from sqlalchemy import select

from platform_shared.auth import current_caller, require_roles
from platform_shared.i18n import LANGUAGES
from platform_shared.pagination import PageArgsSchema, keyset_page, page_schema
from platform_shared.web import app_db, app_settings

from ..db import Template
from ..domain.files import sanitise_filename
from ..domain.templates import ENTITIES
from ..services import documents, templates
from ..storage import tmp_dir
from .files import app_storage, spooled_upload
from .schemas import DocumentSchema, VisibilitySchema, document_body

blp = Blueprint(
    "templates",
    __name__,
    url_prefix="/api/v1/templates",
    description="Word templates with {{ tags }}, rendered to .docx and PDF",
)


class TemplateFormSchema(Schema):
    """Multipart fields of a template upload (the .docx is the ``file`` part)."""

    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    type = fields.String(required=True, validate=validate.OneOf(templates.TEMPLATE_TYPES))
    entity = fields.String(
        required=True,
        validate=validate.OneOf(ENTITIES),
        metadata={"description": "Whose data fills the entity fields: contract, beneficiary, dossier, finance."},
    )
    pdf_auto = fields.Boolean(load_default=False, metadata={"description": "Also produce a PDF of each render."})
    language = fields.String(
        load_default="fr",
        validate=validate.OneOf(LANGUAGES),
        metadata={"description": "The language the template is written in (fr, en): its values are written so."},
    )


class TemplateFileSchema(Schema):
    file = Upload(required=True, metadata={"description": "The .docx (checked on its bytes)."})


class TemplateSchema(Schema):
    """A template and its current version."""

    id = fields.String()
    name = fields.String()
    type = fields.String()
    entity = fields.String()
    pdf_auto = fields.Boolean()
    language = fields.String()
    version = fields.Integer(attribute="current_version", metadata={"description": "Current version number."})
    created_at = fields.DateTime()
    updated_at = fields.DateTime()


class FieldSchema(Schema):
    """A tag of the template: filled from the entity's context, or an input asked of the person rendering."""

    name = fields.String(metadata={"description": "The tag's path, e.g. contract.number."})
    source = fields.String(metadata={"description": "entity or input."})
    description = fields.String(allow_none=True, metadata={"description": "What the entity puts there."})
    label = fields.String(allow_none=True)
    default = fields.String(allow_none=True)


class FieldsSchema(Schema):
    template_id = fields.String()
    version = fields.Integer()
    fields = fields.List(fields.Nested(FieldSchema))


class FieldConfigSchema(Schema):
    name = fields.String(required=True)
    label = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=300))
    default = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=5000))


class FieldsUpdateSchema(Schema):
    """Labels and defaults of input fields (fields not listed keep theirs)."""

    fields = fields.List(fields.Nested(FieldConfigSchema), required=True)


class RenderSchema(Schema):
    """What to fill in and where the produced document goes."""

    context = fields.Dict(
        load_default=dict, metadata={"description": 'The entity\'s values, e.g. {"contract": {"number": "C-1"}}.'}
    )
    inputs = fields.Dict(
        keys=fields.String(), load_default=dict, metadata={"description": "Values of the input fields, by tag name."}
    )
    owner_type = fields.String(required=True, validate=validate.OneOf(documents.OWNER_TYPES))
    owner_id = fields.String(required=True, validate=validate.Length(min=1, max=64))
    dossier_id = fields.String(load_default=None, allow_none=True)
    category = fields.String(load_default="other", validate=validate.OneOf(documents.CATEGORIES))
    visibility = fields.Nested(VisibilitySchema, load_default=dict)
    filename = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=200))


@blp.route("")
class Templates(MethodView):
    @require_roles("admin", "service")
    @blp.arguments(TemplateFormSchema, location="form")
    @blp.arguments(TemplateFileSchema, location="files")
    @blp.response(201, TemplateSchema)
    def post(self, form, files):
        """Upload a template (admin; a service installs its default one, e.g. the dossier service's financial
        template); 422 names a broken tag (e.g. one with typographic quotes)."""
        upload = files["file"]
        with spooled_upload(upload) as spooled, app_db().transaction() as session:
            return templates.create_template(
                session,
                app_storage(),
                current_caller(),
                spooled=spooled,
                filename=sanitise_filename(upload.filename),
                **form,
            )

    @require_roles("agent", "service")
    @blp.arguments(PageArgsSchema, location="query")
    @blp.response(200, page_schema(TemplateSchema))
    def get(self, args):
        """List templates."""
        with app_db().read_only() as session:
            return keyset_page(session, select(Template), [Template.created_at, Template.id], **args)


@blp.route("/<template_id>")
class TemplateResource(MethodView):
    @require_roles("agent", "service")
    @blp.response(200, TemplateSchema)
    def get(self, template_id):
        """A template's metadata and current version."""
        with app_db().read_only() as session:
            return templates.get_template(session, template_id)


@blp.route("/<template_id>/versions")
class TemplateVersions(MethodView):
    @require_roles("admin")
    @blp.arguments(TemplateFileSchema, location="files")
    @blp.response(201, TemplateSchema)
    def post(self, files, template_id):
        """Upload a new version of the .docx; documents already generated do not change."""
        upload = files["file"]
        with spooled_upload(upload) as spooled, app_db().transaction() as session:
            return templates.add_template_version(
                session,
                app_storage(),
                current_caller(),
                template_id,
                spooled=spooled,
                filename=sanitise_filename(upload.filename),
            )


@blp.route("/<template_id>/fields")
class TemplateFields(MethodView):
    @require_roles("agent", "service")
    @blp.response(200, FieldsSchema)
    def get(self, template_id):
        """Every tag of the current version: entity fields and inputs (with label and default)."""
        with app_db().read_only() as session:
            template = templates.get_template(session, template_id)
            return {
                "template_id": template.id,
                "version": template.current_version,
                "fields": templates.template_fields(session, template),
            }

    @require_roles("admin")
    @blp.arguments(FieldsUpdateSchema)
    @blp.response(200, FieldsSchema)
    def put(self, body, template_id):
        """Set labels and defaults of input fields (admin); 422 for a tag that is not an input."""
        with app_db().transaction() as session:
            template = templates.configure_fields(session, template_id, body["fields"])
            return {
                "template_id": template.id,
                "version": template.current_version,
                "fields": templates.template_fields(session, template),
            }


@blp.route("/<template_id>/render")
class TemplateRender(MethodView):
    @require_roles("agent", "service")
    @blp.arguments(RenderSchema)
    @blp.response(201, DocumentSchema, description="Rendered (state ready, or pdf_unavailable).")
    @blp.alt_response(
        202,
        schema=DocumentSchema,
        description="The .docx is stored; the PDF is being made by the worker (state rendering): poll the document.",
    )
    def post(self, body, template_id):
        """Render the template into a document with its .docx (and, when ``pdf_auto``, its PDF)."""
        settings = app_settings()
        visibility = body["visibility"]
        request = templates.RenderRequest(
            context=body["context"],
            inputs=body["inputs"],
            owner_type=body["owner_type"],
            owner_id=body["owner_id"],
            dossier_id=body["dossier_id"],
            category=body["category"],
            filename=body["filename"],
            visibility=documents.Visibility(
                visibility.get("client", False),
                visibility.get("partner", False),
                tuple(visibility.get("roles", ())),
                visibility.get("financial"),
            ),
        )
        with app_db().read_only() as session:
            prepared = templates.prepare_render(session, template_id, request)
        # Outside any transaction: a slow template never holds the database (SQLite's one writer).
        docx = templates.render_prepared(app_storage(), current_app.extensions["template_renderer"], prepared)
        caller = current_caller()
        with app_db().transaction() as session:
            document = templates.store_rendered(
                session,
                app_storage(),
                caller,
                prepared,
                request,
                docx,
                converter_name=current_app.extensions["converter_name"],
                tmp_dir=tmp_dir(settings),
                financial_categories=settings.financial_categories,
            )
            body = document_body(document, caller)
        return body, (202 if document.state == "rendering" else 201)
