"""Marshmallow schemas of the attestation API (they feed the OpenAPI document)."""

from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from platform_shared.auth import current_caller
from platform_shared.i18n import request_language
from platform_shared.pagination import PageArgsSchema
from platform_shared.web import app_settings

from ..domain.contracts import BENEFICIARY_KINDS, STATUSES, beneficiary_problems, valid_amount
from ..domain.importing import FORMATS
from ..domain.messages import request_message
from ..domain.verification import STATUSES as VERIFICATION_STATUSES
from ..services.importer import BeneficiaryFieldsSchema
from ..services.requests import SHOWN_DOCUMENT_STATES

TEXT = validate.Length(min=1, max=200)
ID = validate.Length(min=1, max=36)
EMAIL = validate.Length(max=320)


class ValidatorsSchema(Schema):
    """Who receives the validation tasks: named staff users and/or every holder of a role."""

    subs = fields.List(fields.String(validate=TEXT), load_default=list, validate=validate.Length(max=50))
    role = fields.String(load_default=None, allow_none=True, validate=validate.OneOf(("agent", "admin")))


class ValidationConfigSchema(Schema):
    """Prior validation. On a product, ``required: null`` follows the global setting."""

    required = fields.Boolean(allow_none=True, required=True)
    validators = fields.Nested(ValidatorsSchema, load_default=lambda: {"subs": [], "role": None})


class GlobalValidationSchema(Schema):
    """The global prior-validation setting (products may override it)."""

    required = fields.Boolean(required=True)
    validators = fields.Nested(ValidatorsSchema, load_default=lambda: {"subs": [], "role": None})


class ProductTemplateSchema(Schema):
    """An attestation template offered on a product."""

    template_id = fields.String(
        required=True,
        validate=ID,
        metadata={
            "description": "A documents-service template of type attestation and entity contract or beneficiary."
        },
    )
    extranet_title = fields.String(
        load_default=None,
        allow_none=True,
        validate=validate.Length(max=200),
        metadata={"description": "Shown to the client instead of the template's name."},
    )
    template_name = fields.String(dump_only=True)
    entity = fields.String(dump_only=True)
    pdf_auto = fields.Boolean(dump_only=True)
    language = fields.String(
        dump_only=True, metadata={"description": "The template's language (fr, en): its values are written so."}
    )


def validity_days(**options) -> fields.Integer:
    return fields.Integer(
        validate=validate.Range(min=1, max=3650),
        metadata={"description": "Days an issued attestation stays valid (never past the contract's end)."},
        **options,
    )


def due_days(**options) -> fields.Integer:
    return fields.Integer(
        validate=validate.Range(min=0, max=365),
        metadata={"description": "Days a validation task has to be decided."},
        **options,
    )


class ProductCreateSchema(Schema):
    """A new product."""

    code = fields.String(required=True, validate=validate.Length(min=1, max=64))
    name = fields.String(required=True, validate=TEXT)
    attestation_validity_days = validity_days(load_default=365)
    validation_due_days = due_days(load_default=3)


class ProductPatchSchema(Schema):
    """Changes to a product (omitted fields stay)."""

    name = fields.String(validate=TEXT)
    attestation_validity_days = validity_days()
    validation_due_days = due_days()


class ProductSchema(Schema):
    """A product, its attestation templates and its prior-validation setting (own and effective)."""

    id = fields.String()
    code = fields.String()
    name = fields.String()
    templates = fields.List(fields.Nested(ProductTemplateSchema))
    validation = fields.Nested(ValidationConfigSchema)
    effective_validation = fields.Nested(GlobalValidationSchema)
    attestation_validity_days = fields.Integer()
    validation_due_days = fields.Integer()
    created_at = fields.DateTime()
    updated_at = fields.DateTime()


class BeneficiaryInSchema(BeneficiaryFieldsSchema):
    """A person (``name``, ``birth_date``), vehicle (``registration``, ``make``) or building (``address``)."""

    @validates_schema
    def _fits_kind(self, data, **kwargs):
        if data.get("kind") in BENEFICIARY_KINDS:
            problems = beneficiary_problems(data["kind"], {key: value for key, value in data.items() if key != "kind"})
            if problems:
                raise ValidationError(problems)


class BeneficiarySchema(Schema):
    id = fields.String()
    kind = fields.String()
    label = fields.String(metadata={"description": "Name, registration or address."})
    attributes = fields.Dict()


# Amounts travel as decimal strings ("100.00") so no cent is lost to floating point; a number is
# accepted on input too.
AMOUNT_METADATA = {
    "type": "string",
    "format": "decimal",
    "pattern": r"^\d{1,10}(\.\d{1,2})?$",
    "description": "From 0 to 9,999,999,999.99, as a decimal string (a number is accepted).",
}


class ReceiptInSchema(Schema):
    """A premium receipt (quittance); fully paid when ``amount_paid >= amount_due``."""

    period_start = fields.Date(required=True)
    period_end = fields.Date(required=True)
    amount_due = fields.Decimal(
        required=True, places=2, as_string=True, validate=valid_amount, metadata=AMOUNT_METADATA
    )
    amount_paid = fields.Decimal(
        load_default=0, places=2, as_string=True, validate=valid_amount, metadata=AMOUNT_METADATA
    )


class ReceiptSchema(ReceiptInSchema):
    id = fields.String()
    fully_paid = fields.Boolean()


class ContractCreateSchema(Schema):
    """A new contract with its beneficiaries (and optionally receipts)."""

    number = fields.String(required=True, validate=validate.Length(min=1, max=64))
    product_id = fields.String(required=True, validate=ID)
    holder_person_id = fields.String(
        load_default=None,
        allow_none=True,
        validate=ID,
        metadata={
            "description": "The holder: a person of the directory (422 when unknown); fills owner_sub, "
            "owner_email and owner_name unless given."
        },
    )
    holder_organisation_id = fields.String(
        load_default=None,
        allow_none=True,
        validate=ID,
        metadata={"description": "The holder's company in the directory (422 when unknown); fills owner_org."},
    )
    owner_sub = fields.String(
        load_default=None, allow_none=True, validate=TEXT, metadata={"description": "The client person."}
    )
    owner_org = fields.String(
        load_default=None, allow_none=True, validate=TEXT, metadata={"description": "The client company."}
    )
    owner_email = fields.Email(load_default=None, allow_none=True, validate=EMAIL)
    owner_name = fields.String(
        load_default=None,
        allow_none=True,
        validate=TEXT,
        metadata={"description": "The holder, as attestations print."},
    )
    address_line1 = fields.String(load_default=None, allow_none=True, validate=TEXT)
    address_line2 = fields.String(load_default=None, allow_none=True, validate=TEXT)
    postal_code = fields.String(load_default=None, allow_none=True, validate=validate.Length(min=1, max=20))
    city = fields.String(load_default=None, allow_none=True, validate=validate.Length(min=1, max=100))
    country = fields.String(load_default=None, allow_none=True, validate=validate.Length(min=1, max=100))
    status = fields.String(load_default="draft", validate=validate.OneOf(STATUSES))
    start_date = fields.Date(required=True)
    end_date = fields.Date(load_default=None, allow_none=True)
    dossier_id = fields.String(
        load_default=None,
        allow_none=True,
        validate=ID,
        metadata={"description": "The dossier the contract belongs to, when there is one."},
    )
    beneficiaries = fields.List(fields.Nested(BeneficiaryInSchema), load_default=list)
    receipts = fields.List(fields.Nested(ReceiptInSchema), load_default=list)


class ContractPatchSchema(Schema):
    """Changes to a contract (omitted fields stay)."""

    number = fields.String(validate=validate.Length(min=1, max=64))
    product_id = fields.String(validate=ID)
    holder_person_id = fields.String(allow_none=True, validate=ID)
    holder_organisation_id = fields.String(allow_none=True, validate=ID)
    owner_sub = fields.String(allow_none=True, validate=TEXT)
    owner_org = fields.String(allow_none=True, validate=TEXT)
    owner_email = fields.Email(allow_none=True, validate=EMAIL)
    owner_name = fields.String(allow_none=True, validate=TEXT)
    address_line1 = fields.String(allow_none=True, validate=TEXT)
    address_line2 = fields.String(allow_none=True, validate=TEXT)
    postal_code = fields.String(allow_none=True, validate=validate.Length(min=1, max=20))
    city = fields.String(allow_none=True, validate=validate.Length(min=1, max=100))
    country = fields.String(allow_none=True, validate=validate.Length(min=1, max=100))
    status = fields.String(validate=validate.OneOf(STATUSES))
    start_date = fields.Date()
    end_date = fields.Date(allow_none=True)
    dossier_id = fields.String(allow_none=True, validate=ID)


class ContractSchema(Schema):
    """A contract; ``requested`` ones (from the portal) have no product nor start date until staff complete them."""

    id = fields.String()
    number = fields.String()
    product_id = fields.String(allow_none=True)
    holder_person_id = fields.String(allow_none=True)
    holder_organisation_id = fields.String(allow_none=True)
    holder_name = fields.String(allow_none=True, metadata={"description": "The directory's name of the holder."})
    holder_organisation_name = fields.String(
        allow_none=True, metadata={"description": "The directory's name of the holder's company."}
    )
    owner_sub = fields.String(allow_none=True)
    owner_org = fields.String(allow_none=True)
    owner_email = fields.String(allow_none=True)
    owner_name = fields.String(allow_none=True)
    address_line1 = fields.String(allow_none=True)
    address_line2 = fields.String(allow_none=True)
    postal_code = fields.String(allow_none=True)
    city = fields.String(allow_none=True)
    country = fields.String(allow_none=True)
    status = fields.String()
    start_date = fields.Date(allow_none=True)
    end_date = fields.Date(allow_none=True)
    dossier_id = fields.String(allow_none=True)
    beneficiaries = fields.List(fields.Nested(BeneficiarySchema))
    receipts = fields.List(fields.Nested(ReceiptSchema))
    created_at = fields.DateTime()
    updated_at = fields.DateTime()


class ContractListArgsSchema(PageArgsSchema):
    holder_id = fields.String(
        load_default=None,
        validate=validate.Length(min=1, max=36),
        metadata={"description": "A directory person or organisation: the contracts it holds (its page)."},
    )
    product_id = fields.String(load_default=None)
    owner_sub = fields.String(load_default=None)
    owner_org = fields.String(load_default=None)
    status = fields.String(load_default=None, validate=validate.OneOf(STATUSES))
    number = fields.String(load_default=None)


class ImportArgsSchema(Schema):
    format = fields.String(
        required=True,
        validate=validate.OneOf(FORMATS),
        metadata={"description": "csv (with a header line) or jsonl (one JSON object a line)."},
    )
    dry_run = fields.Boolean(
        load_default=False, metadata={"description": "true: the same report, and nothing written nor announced."}
    )


class RejectedLineSchema(Schema):
    line = fields.Integer()
    errors = fields.Dict()


class ImportResultSchema(Schema):
    """How many lines were imported; the rejected ones with their errors (the others are kept)."""

    imported = fields.Integer()
    rejected = fields.List(fields.Nested(RejectedLineSchema))
    dry_run = fields.Boolean(metadata={"description": "true: nothing was written."})


class InputFieldSchema(Schema):
    name = fields.String(metadata={"description": "The template's tag."})
    label = fields.String()
    default = fields.String(allow_none=True)
    required = fields.Boolean(metadata={"description": "True when the field has no default."})


class OfferedTemplateSchema(Schema):
    template_id = fields.String()
    entity = fields.String(metadata={"description": "contract: offered without a beneficiary; beneficiary: with one."})
    title = fields.String(metadata={"description": "The extranet title, or the template's name."})
    fields = fields.List(fields.Nested(InputFieldSchema))


class ChoiceNeededSchema(Schema):
    contract = fields.Boolean(metadata={"description": "Without a beneficiary, several templates to choose from."})
    beneficiary = fields.Boolean(metadata={"description": "With a beneficiary, several templates to choose from."})


class AttestationOptionsSchema(Schema):
    """What the extranet's attestation button and form need."""

    contract_id = fields.String()
    enabled = fields.Boolean()
    reasons = fields.List(
        fields.String(), metadata={"description": "no_template, not_in_force, not_covered_by_paid_receipt."}
    )
    messages = fields.List(fields.String())
    validation_required = fields.Boolean()
    choice_needed = fields.Nested(ChoiceNeededSchema)
    templates = fields.List(fields.Nested(OfferedTemplateSchema))
    beneficiaries = fields.List(fields.Nested(BeneficiarySchema))


class AttestationRequestCreateSchema(Schema):
    """A client's request; ``template_id`` may be omitted when only one template is offered."""

    contract_id = fields.String(required=True, validate=ID)
    beneficiary_id = fields.String(load_default=None, allow_none=True, validate=ID)
    template_id = fields.String(load_default=None, allow_none=True, validate=ID)
    inputs = fields.Dict(
        keys=fields.String(validate=validate.Length(max=200)),
        values=fields.String(allow_none=True, validate=validate.Length(max=5000)),
        load_default=dict,
    )


class AttestationRequestSchema(Schema):
    """A request, where its generation stands, and once issued what its paper says (holder, validity)."""

    id = fields.String()
    contract_id = fields.String()
    contract_number = fields.String(allow_none=True)
    beneficiary_id = fields.String(allow_none=True)
    template_id = fields.String()
    title = fields.String()
    inputs = fields.Dict()
    state = fields.String(
        metadata={"description": "generating, issued, pending_validation, approved, rejected, failed."}
    )
    message = fields.Function(
        lambda request: request_message(
            request.state, request.revoked_at is not None, request_language(current_caller())
        ),
        metadata={"type": "string", "description": "What to tell the client, in their language."},
    )
    document_id = fields.Function(
        lambda request: request.document_id if request.state in SHOWN_DOCUMENT_STATES else None,
        allow_none=True,
        metadata={"type": "string", "description": "Issued/approved: the attestation in the contract's documents."},
    )
    filename = fields.Function(
        lambda request: request.document_filename if request.state in SHOWN_DOCUMENT_STATES else None,
        allow_none=True,
        metadata={"type": "string", "description": "The attestation's file name (.pdf when converted)."},
    )
    holder_name = fields.String(allow_none=True, metadata={"description": "The holder, as printed (the contract's)."})
    valid_from = fields.Date(allow_none=True)
    valid_until = fields.Date(allow_none=True)
    revoked = fields.Function(lambda request: request.revoked_at is not None, metadata={"type": "boolean"})
    revoked_at = fields.DateTime(allow_none=True)
    revocation_reason = fields.String(allow_none=True)
    attempts = fields.Integer()
    error = fields.String(allow_none=True)
    created_at = fields.DateTime()
    updated_at = fields.DateTime()


class RequestListArgsSchema(PageArgsSchema):
    contract_id = fields.String(required=True)


class ValidationTaskSchema(Schema):
    """A request waiting for (or having had) a staff decision, with a link to the generated attestation."""

    id = fields.String()
    request_id = fields.String()
    contract_id = fields.String()
    document_id = fields.String()
    document_url = fields.Function(
        lambda task: f"{app_settings().documents_url.rstrip('/')}/api/v1/documents/{task.document_id}/content",
        metadata={"type": "string", "description": "The generated attestation in the documents service."},
    )
    product_id = fields.String(allow_none=True)
    assignee_sub = fields.String(allow_none=True, metadata={"description": "The validator the task is assigned to."})
    due_date = fields.Date(allow_none=True)
    validator_subs = fields.List(fields.String())
    validator_role = fields.String(allow_none=True)
    state = fields.String(attribute="shown_state", metadata={"description": "open, approved, rejected."})
    comment = fields.String(
        allow_none=True, metadata={"description": "The decider's comment (a rejection's is shown to the client)."}
    )
    reason = fields.Function(
        lambda task: task.comment if task.state == "rejected" else None,
        allow_none=True,
        metadata={"type": "string", "description": "A rejection's comment (its first name)."},
    )
    decided_by = fields.String(allow_none=True)
    decided_at = fields.DateTime(attribute="shown_decided_at", allow_none=True)
    created_at = fields.DateTime()


class TaskListArgsSchema(PageArgsSchema):
    state = fields.String(load_default=None, validate=validate.OneOf(("open", "approved", "rejected")))
    contract_id = fields.String(load_default=None)
    product_id = fields.String(load_default=None)
    assignee = fields.String(load_default=None, metadata={"description": "The assignee's sub."})


class TaskPatchSchema(Schema):
    """Reassign an open task (to one of its validators) or move its due date."""

    assignee_sub = fields.String(allow_none=True, validate=TEXT)
    due_date = fields.Date()


COMMENT = validate.Length(max=2000)


class ApproveSchema(Schema):
    comment = fields.String(load_default=None, allow_none=True, validate=COMMENT)


class RejectSchema(Schema):
    """A rejection's ``comment`` is shown to the client (``reason`` is its first name, still accepted)."""

    comment = fields.String(load_default=None, allow_none=True, validate=COMMENT)
    reason = fields.String(load_default=None, allow_none=True, validate=COMMENT)


class RevokeSchema(Schema):
    """Why the attestation is withdrawn (the client is told)."""

    reason = fields.String(required=True, validate=validate.Length(min=1, max=2000))


class VerificationSchema(Schema):
    """What anyone holding the paper learns: its status, and only for a valid or expired one the details
    to compare with the paper."""

    status = fields.String(validate=validate.OneOf(VERIFICATION_STATUSES))
    holder = fields.String(allow_none=True)
    contract_number = fields.String(allow_none=True)
    valid_from = fields.Date(allow_none=True)
    valid_until = fields.Date(allow_none=True)
    checked_on = fields.Date()
