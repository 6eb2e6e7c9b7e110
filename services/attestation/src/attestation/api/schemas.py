"""Marshmallow schemas of the attestation API (they feed the OpenAPI document)."""

from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from platform_shared.pagination import PageArgsSchema
from platform_shared.web import app_settings

from ..domain.contracts import BENEFICIARY_KINDS, STATUSES, beneficiary_problems, valid_amount
from ..domain.importing import FORMATS
from ..services.importer import BeneficiaryFieldsSchema
from ..services.requests import MESSAGES, SHOWN_DOCUMENT_STATES

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


class ProductCreateSchema(Schema):
    """A new product."""

    code = fields.String(required=True, validate=validate.Length(min=1, max=64))
    name = fields.String(required=True, validate=TEXT)


class ProductSchema(Schema):
    """A product, its attestation templates and its prior-validation setting (own and effective)."""

    id = fields.String()
    code = fields.String()
    name = fields.String()
    templates = fields.List(fields.Nested(ProductTemplateSchema))
    validation = fields.Nested(ValidationConfigSchema)
    effective_validation = fields.Nested(GlobalValidationSchema)
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
    owner_sub = fields.String(
        load_default=None, allow_none=True, validate=TEXT, metadata={"description": "The client person."}
    )
    owner_org = fields.String(
        load_default=None, allow_none=True, validate=TEXT, metadata={"description": "The client company."}
    )
    owner_email = fields.Email(load_default=None, allow_none=True, validate=EMAIL)
    owner_name = fields.String(load_default=None, allow_none=True, validate=TEXT)
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
    owner_sub = fields.String(allow_none=True, validate=TEXT)
    owner_org = fields.String(allow_none=True, validate=TEXT)
    owner_email = fields.Email(allow_none=True, validate=EMAIL)
    owner_name = fields.String(allow_none=True, validate=TEXT)
    status = fields.String(validate=validate.OneOf(STATUSES))
    start_date = fields.Date()
    end_date = fields.Date(allow_none=True)
    dossier_id = fields.String(allow_none=True, validate=ID)


class ContractSchema(Schema):
    id = fields.String()
    number = fields.String()
    product_id = fields.String()
    owner_sub = fields.String(allow_none=True)
    owner_org = fields.String(allow_none=True)
    owner_email = fields.String(allow_none=True)
    owner_name = fields.String(allow_none=True)
    status = fields.String()
    start_date = fields.Date()
    end_date = fields.Date(allow_none=True)
    dossier_id = fields.String(allow_none=True)
    beneficiaries = fields.List(fields.Nested(BeneficiarySchema))
    receipts = fields.List(fields.Nested(ReceiptSchema))
    created_at = fields.DateTime()
    updated_at = fields.DateTime()


class ContractListArgsSchema(PageArgsSchema):
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


class RejectedLineSchema(Schema):
    line = fields.Integer()
    errors = fields.Dict()


class ImportResultSchema(Schema):
    """How many lines were imported; the rejected ones with their errors (the others are kept)."""

    imported = fields.Integer()
    rejected = fields.List(fields.Nested(RejectedLineSchema))


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
    id = fields.String()
    contract_id = fields.String()
    beneficiary_id = fields.String(allow_none=True)
    template_id = fields.String()
    title = fields.String()
    inputs = fields.Dict()
    state = fields.String(
        metadata={"description": "generating, issued, pending_validation, approved, rejected, failed."}
    )
    message = fields.Function(
        lambda request: MESSAGES[request.state], metadata={"type": "string", "description": "What to tell the client."}
    )
    document_id = fields.Function(
        lambda request: request.document_id if request.state in SHOWN_DOCUMENT_STATES else None,
        allow_none=True,
        metadata={"type": "string", "description": "Issued/approved: the attestation in the contract's documents."},
    )
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
    validator_subs = fields.List(fields.String())
    validator_role = fields.String(allow_none=True)
    state = fields.String(attribute="shown_state", metadata={"description": "open, approved, rejected."})
    reason = fields.String(allow_none=True)
    decided_by = fields.String(allow_none=True)
    decided_at = fields.DateTime(attribute="shown_decided_at", allow_none=True)
    created_at = fields.DateTime()


class TaskListArgsSchema(PageArgsSchema):
    state = fields.String(load_default=None, validate=validate.OneOf(("open", "approved", "rejected")))
    contract_id = fields.String(load_default=None)


class RejectSchema(Schema):
    reason = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=2000))
