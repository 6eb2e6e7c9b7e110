"""Client side: ``/contracts/{id}/attestation-options`` and ``/attestation-requests``."""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

from platform_shared import clock
from platform_shared.auth import current_caller, require_roles
from platform_shared.i18n import request_language
from platform_shared.pagination import page_schema, split_page_args
from platform_shared.web import app_db, app_settings

from ..clients import documents_gateway
from ..db import AttestationRequest
from ..services import requests, verification
from .schemas import (
    AttestationOptionsSchema,
    AttestationRequestCreateSchema,
    AttestationRequestSchema,
    RequestListArgsSchema,
    RevokeSchema,
)

blp = Blueprint("attestation_requests", __name__, url_prefix="/api/v1", description="Attestation requests")


@blp.route("/contracts/<contract_id>/attestation-options")
class AttestationOptions(MethodView):
    @require_roles("agent", "client")
    @blp.response(200, AttestationOptionsSchema)
    def get(self, contract_id):
        """Whether an attestation may be requested (and why not), the templates, inputs and beneficiaries."""
        caller = current_caller()
        with app_db().read_only() as session:
            facts = requests.snapshot(session, caller, contract_id)
        return requests.attestation_options(facts, documents_gateway(), clock.today(), request_language(caller))


@blp.route("/attestation-requests")
class AttestationRequests(MethodView):
    @require_roles("client")
    @blp.arguments(AttestationRequestCreateSchema)
    @blp.response(201, AttestationRequestSchema)
    def post(self, body):
        """Request an attestation: generated at once (issued), or passed on for prior validation;
        409 when the contract does not allow it, 422 for a template or inputs that break the rules."""
        caller, db, gateway = current_caller(), app_db(), documents_gateway()
        language = request_language(caller)
        with db.read_only() as session:
            facts = requests.snapshot(session, caller, body["contract_id"])
        template, inputs = requests.check_request(facts, gateway, body, clock.today(), language)
        with db.transaction() as session:
            request_id = requests.create_request(
                session, caller, facts, template, inputs, body["beneficiary_id"], language
            ).id
        requests.generate(db, gateway, app_settings(), request_id)
        with db.read_only() as session:
            return session.get(AttestationRequest, request_id)

    @require_roles("agent", "client")
    @blp.arguments(RequestListArgsSchema, location="query")
    @blp.response(200, page_schema(AttestationRequestSchema))
    def get(self, args):
        """The attestation requests of a contract the caller may see, newest first."""
        with app_db().read_only() as session:
            page, filters = split_page_args(args)
            return requests.list_requests(session, current_caller(), filters["contract_id"], **page)


@blp.route("/attestation-requests/<request_id>")
class AttestationRequestById(MethodView):
    @require_roles("agent", "client")
    @blp.response(200, AttestationRequestSchema)
    def get(self, request_id):
        """A request and its state, for its client (and staff)."""
        with app_db().read_only() as session:
            return requests.visible_request(session, current_caller(), request_id)


@blp.route("/attestation-requests/<request_id>/revoke")
class RevokeAttestation(MethodView):
    @require_roles("agent")
    @blp.arguments(RevokeSchema)
    @blp.response(200, AttestationRequestSchema)
    def post(self, body, request_id):
        """Revoke an issued attestation with a reason: its verification says revoked, the client is told
        (``attestation.revoked``); 409 when it is not issued or already revoked."""
        with app_db().transaction() as session:
            return verification.revoke(session, current_caller(), request_id, body["reason"])
