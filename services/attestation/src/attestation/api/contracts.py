"""``/api/v1/contracts``: contracts, beneficiaries, receipts (staff write; clients read their own)."""

from __future__ import annotations

from flask import Response, request
from flask.views import MethodView
from flask_smorest import Blueprint

from platform_shared.auth import current_caller, require_roles
from platform_shared.errors import PayloadTooLarge, ValidationFailed
from platform_shared.pagination import page_schema, split_page_args
from platform_shared.web import app_db, app_settings

from ..services import contracts, importer
from .schemas import (
    BeneficiaryInSchema,
    BeneficiarySchema,
    ContractCreateSchema,
    ContractListArgsSchema,
    ContractPatchSchema,
    ContractSchema,
    ImportArgsSchema,
    ImportResultSchema,
    ReceiptInSchema,
    ReceiptSchema,
)

blp = Blueprint("contracts", __name__, url_prefix="/api/v1/contracts", description="Contracts")


def _named(session, contract):
    return contracts.with_holder_names(session, [contract])[0]


@blp.route("")
class Contracts(MethodView):
    @require_roles("agent")
    @blp.arguments(ContractCreateSchema)
    @blp.response(201, ContractSchema)
    def post(self, body):
        """Create a contract with its beneficiaries; publishes ``contract.created``."""
        with app_db().transaction() as session:
            return _named(session, contracts.create_contract(session, current_caller(), body))

    @require_roles("agent", "client", "service")
    @blp.arguments(ContractListArgsSchema, location="query")
    @blp.response(200, page_schema(ContractSchema))
    def get(self, args):
        """List contracts: staff all, clients their own and their company's, newest first."""
        page, filters = split_page_args(args)
        with app_db().read_only() as session:
            found = contracts.list_contracts(session, current_caller(), filters, **page)
            contracts.with_holder_names(session, found.items)
            return found


@blp.route("/import")
class ContractImport(MethodView):
    @require_roles("agent")
    @blp.arguments(ImportArgsSchema, location="query")
    @blp.response(200, ImportResultSchema)
    @blp.doc(
        requestBody={
            "required": True,
            "content": {
                "text/csv": {"schema": {"type": "string"}},
                "application/x-ndjson": {"schema": {"type": "string"}},
            },
        }
    )
    def post(self, args):
        """Bulk import (CSV with a header or JSON lines): lines ``contract``, ``beneficiary``, ``receipt``;
        rejected lines are reported, the others kept."""
        limit = app_settings().import_max_bytes
        if (request.content_length or 0) > limit:
            raise PayloadTooLarge(f"An import is at most {limit} bytes.")
        raw = request.get_data(cache=False)
        if len(raw) > limit:
            raise PayloadTooLarge(f"An import is at most {limit} bytes.")
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise ValidationFailed("The import must be UTF-8 text.", errors={"body": ["Not UTF-8."]}) from error
        with app_db().transaction() as session:
            return importer.import_contracts(session, current_caller(), text, args["format"], dry_run=args["dry_run"])


@blp.route("/import/model.csv")
class ContractImportModel(MethodView):
    @require_roles("agent")
    @blp.response(200, content_type="text/csv")
    def get(self):
        """The CSV model of an import: its header line names every column the import reads."""
        return Response(
            importer.csv_model(),
            mimetype="text/csv",
            headers={"Content-Disposition": 'attachment; filename="contracts-import-model.csv"'},
        )


@blp.route("/<contract_id>")
class ContractById(MethodView):
    @require_roles("agent", "client", "service")
    @blp.response(200, ContractSchema)
    def get(self, contract_id):
        """A contract the caller may see (404 otherwise)."""
        with app_db().read_only() as session:
            return _named(session, contracts.visible_contract(session, current_caller(), contract_id))

    @require_roles("agent")
    @blp.arguments(ContractPatchSchema)
    @blp.response(200, ContractSchema)
    def patch(self, body, contract_id):
        """Change a contract; publishes ``contract.updated``."""
        with app_db().transaction() as session:
            return _named(session, contracts.update_contract(session, current_caller(), contract_id, body))


@blp.route("/<contract_id>/beneficiaries")
class Beneficiaries(MethodView):
    @require_roles("agent")
    @blp.arguments(BeneficiaryInSchema)
    @blp.response(201, BeneficiarySchema)
    def post(self, body, contract_id):
        """Add a beneficiary; publishes ``contract.updated`` (its documents follow the contract's owner)."""
        kind = body.pop("kind")
        with app_db().transaction() as session:
            return contracts.add_beneficiary(session, current_caller(), contract_id, kind, body)


@blp.route("/<contract_id>/receipts")
class Receipts(MethodView):
    @require_roles("agent")
    @blp.arguments(ReceiptInSchema)
    @blp.response(201, ReceiptSchema)
    def post(self, body, contract_id):
        """Add a premium receipt (period, amount due, amount paid)."""
        with app_db().transaction() as session:
            return contracts.add_receipt(session, contract_id, body)
