"""Filing a dossier on behalf of another person (partners): file, my filings, complete, submit."""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from platform_shared.auth import current_caller, require_roles
from platform_shared.pagination import PageArgsSchema, page_schema
from platform_shared.web import app_db, app_settings

from ..clients import app_upstreams
from ..services import filings

blp = Blueprint("filings", __name__, url_prefix="/api/v1", description="Dossiers filed on behalf of another person")

VALUES = fields.Dict(keys=fields.String(validate=validate.Length(max=64)), values=fields.Raw(allow_none=True))


class PersonSchema(Schema):
    """The person the dossier is for: they become its client when they claim it with the emailed key."""

    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    email = fields.Email(required=True)
    company = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=200))


class FilingCreateSchema(Schema):
    """A dossier of a model with ``partners_can_file``: the model's portal view filled for the person."""

    model_id = fields.String(required=True, validate=validate.Length(min=1, max=36))
    title = fields.String(required=True, validate=validate.Length(min=1, max=300))
    description = fields.String(load_default="", validate=validate.Length(max=20000))
    fields_ = fields.Dict(
        keys=fields.String(validate=validate.Length(max=64)),
        values=fields.Raw(allow_none=True),
        data_key="fields",
        attribute="fields",
        load_default=dict,
        metadata={"description": "Values of the portal view's writable fields."},
    )
    person = fields.Nested(PersonSchema, required=True)


class FilingValuesSchema(Schema):
    fields_ = fields.Dict(
        keys=fields.String(validate=validate.Length(max=64)),
        values=fields.Raw(allow_none=True),
        data_key="fields",
        attribute="fields",
        required=True,
    )


class FilingSchema(Schema):
    """A dossier I filed on someone's behalf, while my access lasts."""

    id = fields.String()
    dossier_id = fields.String()
    model_id = fields.String()
    person = fields.Nested(PersonSchema)
    state = fields.String(metadata={"description": "draft or submitted"})
    access_until = fields.String(metadata={"description": "submission or closing (the model's setting)"})
    claimed = fields.Boolean(metadata={"description": "The person claimed it: it is theirs to complete now."})
    claimed_at = fields.DateTime(allow_none=True)
    submitted_at = fields.DateTime(allow_none=True)
    created_at = fields.DateTime()


class FiledSchema(FilingSchema):
    dossier = fields.Dict(metadata={"description": "The dossier as its client sees it (the portal view)."})


def _filer(caller) -> dict:
    return {
        "sub": caller.sub,
        "name": caller.name,
        "email": caller.email,
        "organisation": caller.org_name or caller.org,
    }


@blp.route("/filings")
class Filings(MethodView):
    @require_roles("partner")
    @blp.arguments(FilingCreateSchema)
    @blp.response(201, FiledSchema)
    def post(self, body):
        """File a dossier on behalf of ``person`` (403 when the model does not let partners file, 422 for an
        unknown field of the person or a value the portal view does not take); the person gets a key by email to
        claim it."""
        caller = current_caller()
        dossier = app_upstreams().file_on_behalf({**body, "filer": _filer(caller)})
        with app_db().transaction() as session:
            filing, _ = filings.record_filing(session, caller, dossier, body, app_settings())
            return {**filings.present(filing), "dossier": dossier}


@blp.route("/me/filings")
class MyFilings(MethodView):
    @require_roles("partner")
    @blp.arguments(PageArgsSchema, location="query")
    @blp.response(200, page_schema(FilingSchema))
    def get(self, args):
        """The dossiers I filed on someone's behalf, while my access lasts."""
        with app_db().read_only() as session:
            return filings.my_filings(session, current_caller(), **args).map(filings.present)


@blp.route("/me/filings/<filing_id>")
class MyFiling(MethodView):
    @require_roles("partner")
    @blp.response(200, FiledSchema)
    def get(self, filing_id):
        """The filing and its dossier as its client sees it (404 once my access ended)."""
        caller = current_caller()
        with app_db().read_only() as session:
            filing = filings.present(filings.my_filing(session, caller, filing_id))
        return {**filing, "dossier": app_upstreams().portal_view(filing["dossier_id"])}

    @require_roles("partner")
    @blp.arguments(FilingValuesSchema)
    @blp.response(200, FiledSchema)
    def patch(self, body, filing_id):
        """Complete the portal view's writable fields (409 once the person claimed it, it was submitted or it is
        closed; 422 for a field the portal view does not let its client write)."""
        caller = current_caller()
        with app_db().read_only() as session:
            dossier_id = filings.changeable_filing(session, caller, filing_id).dossier_id
        dossier = app_upstreams().write_on_behalf_values(dossier_id, body["fields"])
        with app_db().transaction() as session:
            filing = filings.changeable_filing(session, caller, filing_id)
            filings.record_completion(session, caller, filing, list(body["fields"]))
            return {**filings.present(filing), "dossier": dossier}


@blp.route("/me/filings/<filing_id>/submit")
class SubmitFiling(MethodView):
    @require_roles("partner")
    @blp.response(200, FilingSchema)
    def post(self, filing_id):
        """Submit the dossier for the person (422 naming the required fields still missing; 409 once claimed or
        submitted). With the model's ``filer_access_until: submission`` my access ends here."""
        caller = current_caller()
        with app_db().read_only() as session:
            dossier_id = filings.changeable_filing(session, caller, filing_id).dossier_id
        app_upstreams().submit_on_behalf(dossier_id, _filer(caller))
        with app_db().transaction() as session:
            return filings.present(filings.submit(session, caller, filing_id))
