"""``/api/v1/people`` and ``/api/v1/organisations``: the directory of persons and organisations."""

from __future__ import annotations

from flask import request
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate
from sqlalchemy.exc import IntegrityError

from platform_shared.auth import current_caller, require_roles
from platform_shared.dead_letter_erasure import dead_letter_redactor
from platform_shared.errors import UnsupportedMediaType, ValidationFailed
from platform_shared.pagination import PageArgsSchema, page_schema, split_page_args
from platform_shared.web import app_db, app_settings

from ..services import people
from .schemas import documents_problems

blp = Blueprint("people", __name__, url_prefix="/api/v1", description="The directory of persons and organisations")

NAME = validate.Length(min=1, max=200)
LANGUAGE = validate.OneOf(("fr", "en"))
MAX_IMPORT_BYTES = 2 * 1024 * 1024


class PersonWriteSchema(Schema):
    """A person as staff type it; ``email`` is unique in the directory (422 otherwise: merge instead)."""

    name = fields.String(required=True, validate=NAME)
    email = fields.Email(load_default=None, allow_none=True, validate=validate.Length(max=320))
    phone = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=50))
    postal_address = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=500))
    language = fields.String(load_default=None, allow_none=True, validate=LANGUAGE)


class PersonPatchSchema(Schema):
    name = fields.String(validate=NAME)
    email = fields.Email(allow_none=True, validate=validate.Length(max=320))
    phone = fields.String(allow_none=True, validate=validate.Length(max=50))
    postal_address = fields.String(allow_none=True, validate=validate.Length(max=500))
    language = fields.String(allow_none=True, validate=LANGUAGE)


class PersonSchema(Schema):
    """A directory entry; ``source``: staff, import or sign_in; ``sub``: the account once they signed in."""

    id = fields.String()
    name = fields.String(allow_none=True)
    email = fields.String(allow_none=True)
    phone = fields.String(allow_none=True)
    postal_address = fields.String(allow_none=True)
    language = fields.String(allow_none=True)
    sub = fields.String(allow_none=True)
    source = fields.String()
    merged_into = fields.String(allow_none=True)
    erased = fields.Boolean()
    created_at = fields.DateTime()
    updated_at = fields.DateTime()


class MembershipSchema(Schema):
    organisation_id = fields.String()
    code = fields.String()
    name = fields.String()
    function = fields.String(allow_none=True)


class DossierLineSchema(Schema):
    id = fields.String()
    reference = fields.String()
    title = fields.String()
    kind = fields.String()
    status = fields.String()
    closed = fields.Boolean()
    created_at = fields.DateTime()


class ActivitySchema(Schema):
    dossier_id = fields.String()
    kind = fields.String()
    summary = fields.String()
    actor_sub = fields.String(allow_none=True)
    occurred_at = fields.DateTime()


class PersonDetailSchema(PersonSchema):
    """A person's page: staff get their dossiers, contract requests and recent activity; the person, their own
    entry. Their contracts are the attestation service's ``GET /contracts?holder_id=<id>``."""

    organisations = fields.List(fields.Nested(MembershipSchema))
    dossiers = fields.List(fields.Nested(DossierLineSchema))
    contracts = fields.List(
        fields.Nested(DossierLineSchema),
        metadata={"description": "Contract requests (dossiers of kind contract); contracts: attestation ?holder_id="},
    )
    recent_activity = fields.List(fields.Nested(ActivitySchema))


class PersonListArgsSchema(PageArgsSchema):
    q = fields.String(
        load_default=None,
        validate=validate.Length(min=1, max=200),
        metadata={"description": "Searches the name, the email and the phone number."},
    )
    email = fields.Email(load_default=None, metadata={"description": "Exactly this email."})
    organisation_id = fields.String(load_default=None, validate=validate.Length(max=36))


class OrganisationWriteSchema(Schema):
    """An organisation; ``code`` is the token's ``org`` claim and dossiers' ``client_org`` (default: the id)."""

    name = fields.String(required=True, validate=NAME)
    code = fields.String(load_default=None, allow_none=True, validate=validate.Length(min=1, max=200))
    registration_number = fields.String(load_default=None, allow_none=True, validate=validate.Length(min=1, max=64))
    postal_address = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=500))


class OrganisationPatchSchema(Schema):
    name = fields.String(validate=NAME)
    code = fields.String(validate=validate.Length(min=1, max=200))
    registration_number = fields.String(allow_none=True, validate=validate.Length(min=1, max=64))
    postal_address = fields.String(allow_none=True, validate=validate.Length(max=500))


class OrganisationSchema(Schema):
    id = fields.String()
    code = fields.String()
    name = fields.String()
    registration_number = fields.String(allow_none=True)
    postal_address = fields.String(allow_none=True)
    created_at = fields.DateTime()
    updated_at = fields.DateTime()


class MemberSchema(Schema):
    person_id = fields.String()
    name = fields.String(allow_none=True)
    email = fields.String(allow_none=True, metadata={"description": "Staff only."})
    function = fields.String(allow_none=True)


class OrganisationDetailSchema(OrganisationSchema):
    """Staff: members, dossiers, contract requests, recent activity. A member: the company and its members' names.
    Its contracts are the attestation service's ``GET /contracts?holder_id=<id>``."""

    members = fields.List(fields.Nested(MemberSchema))
    dossiers = fields.List(fields.Nested(DossierLineSchema))
    contracts = fields.List(
        fields.Nested(DossierLineSchema),
        metadata={"description": "Contract requests (dossiers of kind contract); contracts: attestation ?holder_id="},
    )
    recent_activity = fields.List(fields.Nested(ActivitySchema))


class OrganisationListArgsSchema(PageArgsSchema):
    q = fields.String(
        load_default=None,
        validate=validate.Length(min=1, max=200),
        metadata={"description": "Searches the name, the registration number and the code."},
    )


class MemberCreateSchema(Schema):
    person_id = fields.String(required=True, validate=validate.Length(min=1, max=36))
    function = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=200))


class MemberPatchSchema(Schema):
    function = fields.String(required=True, allow_none=True, validate=validate.Length(max=200))


class MergeSchema(Schema):
    duplicate_id = fields.String(required=True, validate=validate.Length(min=1, max=36))


class ErasureSchema(Schema):
    """Why the person is erased (their request, its date...): kept in the erasure's event, never their data."""

    reason = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=500))


class ImportReportSchema(Schema):
    created = fields.Integer()
    updated = fields.Integer()
    unchanged = fields.Integer()
    memberships_added = fields.Integer()
    person_ids = fields.List(fields.String())


class ExportSchema(Schema):
    """Everything the directory and the dossiers hold about a person."""

    exported_at = fields.DateTime()
    person = fields.Nested(PersonSchema)
    organisations = fields.List(fields.Nested(MembershipSchema))
    dossiers = fields.List(fields.Dict())
    notes = fields.List(fields.Dict())
    activity = fields.List(fields.Nested(ActivitySchema))


@blp.route("/people")
class People(MethodView):
    @require_roles("agent")
    @blp.arguments(PersonListArgsSchema, location="query")
    @blp.response(200, page_schema(PersonSchema))
    def get(self, args):
        """Search the directory (by name, then id), keyset pages."""
        page, filters = split_page_args(args)
        with app_db().read_only() as session:
            return people.list_persons(session, filters, **page).map(people.present_person)

    @require_roles("agent")
    @blp.arguments(PersonWriteSchema)
    @blp.response(201, PersonSchema)
    @documents_problems(blp, 422)
    def post(self, body):
        """Add a person (422 when another has the email)."""
        with app_db().transaction() as session:
            return people.present_person(people.create_person(session, current_caller(), body))


@blp.route("/people/me")
class Me(MethodView):
    @require_roles("agent", "client", "partner")
    @blp.response(200, PersonDetailSchema)
    def get(self):
        """The caller's own entry (created from their token's claims when it is their first sign-in)."""
        return self._ensure()

    @require_roles("agent", "client", "partner")
    @blp.doc(
        requestBody={
            "required": False,
            "description": "Nothing: the entry comes from the token's claims (name, email, locale).",
            "content": {"application/json": {"schema": {"type": "object"}}},
        }
    )
    @blp.response(200, PersonDetailSchema)
    def post(self):
        """First sign-in: the caller's entry matched by account, then by email, else created from the claims;
        a claim never overwrites what staff typed."""
        return self._ensure()

    @staticmethod
    def _ensure():
        caller = current_caller()
        try:
            return Me._ensure_once(caller)
        except IntegrityError:
            # Two first sign-ins of one account at once: the other created the entry (unique sub); read it.
            return Me._ensure_once(caller)

    @staticmethod
    def _ensure_once(caller):
        with app_db().transaction() as session:
            person = people.ensure_from_caller(session, caller)
            page = people.present_person(person)
            page["organisations"] = people.organisations_of(session, person.id)
            return page


@blp.route("/people/import")
class Import(MethodView):
    @require_roles("agent")
    @blp.doc(
        requestBody={
            "required": True,
            "content": {"text/csv": {"schema": {"type": "string", "description": "UTF-8, header line first."}}},
        }
    )
    @blp.response(200, ImportReportSchema)
    @documents_problems(blp, 422)
    def post(self):
        """Import persons from CSV (``text/csv``; header ``name,email,phone,postal_address,language,organisation,
        function``): all or nothing, every bad line named; a known email fills only what is empty."""
        if request.mimetype != "text/csv":
            raise UnsupportedMediaType("Send the file as text/csv.")
        raw = request.get_data(cache=False)
        if len(raw) > MAX_IMPORT_BYTES:
            raise ValidationFailed("The file is too large.", errors={"file": [f"at most {MAX_IMPORT_BYTES} bytes"]})
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as error:
            raise ValidationFailed("The file is not UTF-8.", errors={"file": [str(error)]}) from error
        if "\x00" in text:
            raise ValidationFailed("The file holds a NUL character.", errors={"file": ["no NUL characters"]})
        with app_db().transaction() as session:
            return people.import_csv(session, current_caller(), text)


@blp.route("/people/<person_id>")
class PersonById(MethodView):
    @require_roles("agent", "client")
    @blp.response(200, PersonDetailSchema)
    @documents_problems(blp, 404)
    def get(self, person_id):
        """A person's page (staff); a client only reads their own entry."""
        with app_db().read_only() as session:
            return people.person_page(session, current_caller(), person_id)

    @require_roles("agent")
    @blp.arguments(PersonPatchSchema)
    @blp.response(200, PersonSchema)
    @documents_problems(blp, 404, 422)
    def patch(self, body, person_id):
        """Change what staff typed (a later sign-in never overwrites it)."""
        with app_db().transaction() as session:
            return people.present_person(people.update_person(session, current_caller(), person_id, body))


@blp.route("/people/<person_id>/merge")
class Merge(MethodView):
    @require_roles("agent")
    @blp.arguments(MergeSchema)
    @blp.response(200, PersonSchema)
    @documents_problems(blp, 404, 409, 422)
    def post(self, body, person_id):
        """Merge a duplicate into this person: its missing fields, memberships and dossiers come along."""
        with app_db().transaction() as session:
            return people.present_person(people.merge(session, current_caller(), person_id, body["duplicate_id"]))


@blp.route("/people/<person_id>/export")
class Export(MethodView):
    @require_roles("agent", "client")
    @blp.response(200, ExportSchema)
    @documents_problems(blp, 404)
    def get(self, person_id):
        """Everything held about the person, as JSON (staff, or the person themselves)."""
        with app_db().read_only() as session:
            return people.export(session, current_caller(), person_id)


@blp.route("/people/<person_id>/erase")
class Erase(MethodView):
    @require_roles("admin")
    @blp.arguments(ErasureSchema)
    @blp.response(200, PersonSchema)
    @documents_problems(blp, 404, 409, 503)
    def post(self, body, person_id):
        """Erase the person here and in every service (``person.erased``); 409 while they hold an open dossier,
        503 (nothing erased) when the broker holding the dead letters cannot be reached."""
        redactor = dead_letter_redactor(app_settings())
        with app_db().transaction() as session:
            erased = people.erase(session, current_caller(), person_id, body["reason"], dead_letters=redactor)
            return people.present_person(erased)


@blp.route("/organisations")
class Organisations(MethodView):
    @require_roles("agent")
    @blp.arguments(OrganisationListArgsSchema, location="query")
    @blp.response(200, page_schema(OrganisationSchema))
    def get(self, args):
        """Search organisations (by name, then id), keyset pages."""
        page, filters = split_page_args(args)
        with app_db().read_only() as session:
            return people.list_organisations(session, filters, **page).map(people.present_organisation)

    @require_roles("agent")
    @blp.arguments(OrganisationWriteSchema)
    @blp.response(201, OrganisationSchema)
    @documents_problems(blp, 422)
    def post(self, body):
        """Add an organisation (422 when its code or registration number is another's)."""
        with app_db().transaction() as session:
            return people.present_organisation(people.create_organisation(session, current_caller(), body))


@blp.route("/organisations/<organisation_id>")
class OrganisationById(MethodView):
    @require_roles("agent", "client")
    @blp.response(200, OrganisationDetailSchema)
    @documents_problems(blp, 404)
    def get(self, organisation_id):
        """An organisation's page (staff); a member sees their company and its members' names."""
        with app_db().read_only() as session:
            return people.organisation_page(session, current_caller(), organisation_id)

    @require_roles("agent")
    @blp.arguments(OrganisationPatchSchema)
    @blp.response(200, OrganisationSchema)
    @documents_problems(blp, 404, 422)
    def patch(self, body, organisation_id):
        """Change an organisation (its code never changes: dossiers and tokens carry it)."""
        with app_db().transaction() as session:
            return people.present_organisation(
                people.update_organisation(session, current_caller(), organisation_id, body)
            )


@blp.route("/organisations/<organisation_id>/members")
class Members(MethodView):
    @require_roles("agent")
    @blp.response(200, MemberSchema(many=True))
    @documents_problems(blp, 404)
    def get(self, organisation_id):
        """The members with their function, by name."""
        with app_db().read_only() as session:
            people.get_organisation(session, organisation_id)
            return people.members(session, organisation_id)

    @require_roles("agent")
    @blp.arguments(MemberCreateSchema)
    @blp.response(201, MemberSchema)
    @documents_problems(blp, 404, 409, 422)
    def post(self, body, organisation_id):
        """Add a member with their function (404 unknown organisation, 422 unknown person, 409 already one)."""
        with app_db().transaction() as session:
            member = people.add_member(session, current_caller(), organisation_id, body["person_id"], body["function"])
            return next(
                item for item in people.members(session, organisation_id) if item["person_id"] == member.person_id
            )


@blp.route("/organisations/<organisation_id>/members/<person_id>")
class MemberById(MethodView):
    @require_roles("agent")
    @blp.arguments(MemberPatchSchema)
    @blp.response(200, MemberSchema)
    @documents_problems(blp, 404)
    def patch(self, body, organisation_id, person_id):
        """Change a member's function."""
        with app_db().transaction() as session:
            people.change_member(session, organisation_id, person_id, body["function"])
            return next(item for item in people.members(session, organisation_id) if item["person_id"] == person_id)

    @require_roles("agent")
    @blp.response(200, MemberSchema(many=True))
    @documents_problems(blp, 404)
    def delete(self, organisation_id, person_id):
        """Remove a member from the organisation; answers the members left."""
        with app_db().transaction() as session:
            people.remove_member(session, current_caller(), organisation_id, person_id)
            return people.members(session, organisation_id)
