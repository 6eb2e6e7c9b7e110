"""Attestation requests: what a client may ask for, creating a request, and its generation to the end.

The API only checks and saves a request (``generating``); its commit wakes the worker's
``attestation-generation`` job, which makes every attempt (issue 18: the POST no longer waits for the
render call). Generation calls the documents service outside any transaction: the attempt is claimed,
the render call follows, and its outcome is applied in a second transaction (or, for a PDF made
asynchronously, by the ``document.rendered`` / ``document.render_failed`` handlers). Failures are
retried by the same job, then end ``failed`` with one ``attestation.failed``.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from platform_shared import clock, secret_codes
from platform_shared.auth import Caller
from platform_shared.db import Database, get_or_404
from platform_shared.errors import DomainError, UpstreamUnavailable
from platform_shared.messaging.outbox import record_event
from platform_shared.messaging.wake import wake_after_commit
from platform_shared.pagination import Page, keyset_page

from .. import SERVICE_NAME
from ..clients import DocumentsGateway, RenderedDocument
from ..config import AttestationSettings
from ..db import AttestationRequest, Beneficiary, Contract, Product, Receipt, ValidationTask
from ..domain import choice, eligibility
from ..domain.contracts import client_sees_contract, render_context
from ..domain.errors import InvalidContract, NotEligible
from ..domain.messages import NOT_ELIGIBLE
from ..domain.validation import ValidationPolicy, pick_assignee
from ..domain.verification import validity_period
from . import contracts, products

GENERATION_TOPIC = "attestation-generation"  # the wake of the generation job (issue 18)

log = logging.getLogger(__name__)

GENERATING, ISSUED, PENDING, FAILED = "generating", "issued", "pending_validation", "failed"
DONE_DOCUMENT_STATES = ("ready", "pdf_unavailable")
# Before approval the document is internal: the client is pointed at it only in these states.
SHOWN_DOCUMENT_STATES = (ISSUED, "approved")
# Why a request ended ``failed``, as ``attestation.failed`` says it: fixed codes, so nothing internal
# (a documents-service message, a URL, a trace) ever reaches the client's email; ``error`` keeps the detail.
RENDER_REFUSED, ATTEMPTS_EXHAUSTED = "render_refused", "attempts_exhausted"
SERVICE_ACTOR = {"sub": f"service:{SERVICE_NAME}", "role": "service"}


@dataclass(frozen=True)
class ContractSnapshot:
    """What eligibility and the request form need, read in one short transaction."""

    contract_id: str
    terms: eligibility.ContractTerms
    receipts: tuple[eligibility.ReceiptPeriod, ...]
    templates: tuple[choice.OfferedTemplate, ...]
    policy: ValidationPolicy
    beneficiaries: tuple[dict, ...]
    # What a new request records of the contract, so creating it reads nothing again (issue 18).
    number: str
    owner_sub: str | None
    owner_org: str | None
    owner_email: str | None

    def eligibility(self, today: date) -> eligibility.Eligibility:
        return eligibility.attestation_eligibility(
            has_templates=bool(self.templates),
            terms=self.terms,
            receipts=self.receipts,
            today=today,
            validation_required=self.policy.required,
        )


def snapshot(session: Session, caller: Caller, contract_id: str) -> ContractSnapshot:
    """A requested contract has no product yet: no template, so no attestation."""
    contract = contracts.visible_contract(session, caller, contract_id)
    product = products.get_product(session, contract.product_id) if contract.product_id else None
    return ContractSnapshot(
        contract_id=contract.id,
        terms=eligibility.ContractTerms(contract.status, contract.start_date, contract.end_date),
        receipts=tuple(item.period for item in contract.receipts),
        templates=tuple(products.offered(product)) if product else (),
        policy=products.policy_for(session, product) if product else products.global_policy(session),
        beneficiaries=tuple(
            {"id": item.id, "kind": item.kind, "label": item.label, "attributes": dict(item.attributes)}
            for item in contract.beneficiaries
        ),
        number=contract.number,
        owner_sub=contract.owner_sub,
        owner_org=contract.owner_org,
        owner_email=contract.owner_email,
    )


def attestation_options(facts: ContractSnapshot, gateway: DocumentsGateway, today: date, language: str) -> dict:
    """Everything the extranet button and form need; ``messages`` in the client's ``language``."""
    verdict = facts.eligibility(today)
    templates = []
    if verdict.enabled:
        for template in facts.templates:
            fields = gateway.input_fields(template.template_id)
            templates.append(
                {
                    "template_id": template.template_id,
                    "entity": template.entity,
                    "title": template.title,
                    "fields": [
                        {"name": field.name, "label": field.label, "default": field.default, "required": field.required}
                        for field in fields
                    ],
                }
            )
    return {
        "contract_id": facts.contract_id,
        "enabled": verdict.enabled,
        "reasons": list(verdict.reasons),
        "messages": verdict.messages(language),
        "validation_required": facts.policy.required,
        "choice_needed": {
            "contract": choice.choice_needed(choice.offered_templates(facts.templates, beneficiary_chosen=False)),
            "beneficiary": choice.choice_needed(choice.offered_templates(facts.templates, beneficiary_chosen=True)),
        },
        "templates": templates,
        "beneficiaries": [
            {key: item[key] for key in ("id", "kind", "label", "attributes")} for item in facts.beneficiaries
        ]
        if verdict.enabled
        else [],
    }


def check_request(
    facts: ContractSnapshot, gateway: DocumentsGateway, body: Mapping[str, Any], today: date, language: str
) -> tuple[choice.OfferedTemplate, dict[str, str]]:
    """The template and input values of a new request; 409 when not eligible (said in ``language``), 422 when
    it breaks a rule."""
    verdict = facts.eligibility(today)
    if not verdict.enabled:
        raise NotEligible(verdict.reasons, verdict.messages(language), NOT_ELIGIBLE.get(language, NOT_ELIGIBLE["fr"]))
    beneficiary_id = body.get("beneficiary_id")
    if beneficiary_id and beneficiary_id not in {item["id"] for item in facts.beneficiaries}:
        raise InvalidContract(
            "No such beneficiary on this contract.", "beneficiary_id", "Not a beneficiary of this contract."
        )
    template = choice.choose_template(facts.templates, body.get("template_id"), beneficiary_chosen=bool(beneficiary_id))
    inputs = choice.resolve_inputs(gateway.input_fields(template.template_id), body.get("inputs") or {})
    return template, inputs


def create_request(
    session: Session,
    caller: Caller,
    facts: ContractSnapshot,
    template: choice.OfferedTemplate,
    inputs: dict[str, str],
    beneficiary_id: str | None,
    language: str,
) -> AttestationRequest:
    """The request of ``caller``, who is told of it (in ``language``); what it prints comes from the contract
    (read again at each attempt; ``facts`` gives who owns it and its number)."""
    now = clock.now()
    wake_after_commit(session, GENERATION_TOPIC)  # the worker generates at commit, not at its next poll
    request = AttestationRequest(
        id=clock.new_id(),
        contract_id=facts.contract_id,
        beneficiary_id=beneficiary_id,
        template_id=template.template_id,
        title=template.title,
        inputs=inputs,
        client_sub=caller.sub,
        client_org=facts.owner_org,
        # Without an address of their own, a requester who is the holder is told at the contract's address;
        # a colleague is never told at the holder's.
        client_email=caller.email or (facts.owner_email if caller.sub == facts.owner_sub else None),
        client_name=caller.name,
        client_language=language,
        template_language=template.language,
        contract_number=facts.number,
        validation_required=facts.policy.required,
        validator_subs=list(facts.policy.validator_subs),
        validator_role=facts.policy.validator_role,
        state=GENERATING,
        attempts=0,
        next_attempt_at=now,
        created_at=now,
        updated_at=now,
    )
    session.add(request)
    return request


@dataclass(frozen=True)
class RenderOrder:
    request_id: str
    template_id: str
    context: dict
    inputs: dict
    owner_type: str
    owner_id: str
    dossier_id: str | None
    client_visible: bool
    filename: str


def _receipt_covering(receipts: list[Receipt], today: date) -> Receipt | None:
    """The receipt an attestation states: the one covering today (a paid one first), else the latest."""
    covering = [item for item in receipts if item.period.covers(today)]
    covering.sort(key=lambda item: not item.fully_paid)
    if covering:
        return covering[0]
    return max(receipts, key=lambda item: item.period_end) if receipts else None


def _contract_facts(contract: Contract, product: Product) -> dict:
    return {
        "number": contract.number,
        "product_name": product.name,
        "product_code": product.code,
        "status": contract.status,
        "start_date": contract.start_date,
        "end_date": contract.end_date,
        "owner_name": contract.owner_name,
        "owner_email": contract.owner_email,
        "owner_org": contract.owner_org,
        **{name: getattr(contract, name) for name in ("address_line1", "address_line2", "postal_code", "city")},
        "country": contract.country,
    }


def prepare_attempt(session: Session, settings: AttestationSettings, request: AttestationRequest) -> RenderOrder:
    """What the next render sends, with a fresh verification code printed on it.

    Only the code's hash is kept (on the request), with what the paper prints of the holder, the contract
    number and the validity period; each attempt gets its own code, so only the document that is finally
    issued carries the one that verifies.
    """
    contract = session.get(Contract, request.contract_id)
    product = products.get_product(session, contract.product_id)
    beneficiary = session.get(Beneficiary, request.beneficiary_id) if request.beneficiary_id else None
    today = clock.today()
    valid_from, valid_until = validity_period(today, product.attestation_validity_days, contract.end_date)
    code = secret_codes.generate_code()
    request.verification_hash = secret_codes.hash_code(code)
    request.holder_name = contract.owner_name
    request.contract_number = contract.number
    request.valid_from, request.valid_until = valid_from, valid_until
    receipt = _receipt_covering(list(contract.receipts), today)
    context = render_context(
        _contract_facts(contract, product),
        [{"kind": item.kind, "attributes": item.attributes} for item in contract.beneficiaries],
        {"kind": beneficiary.kind, "attributes": beneficiary.attributes} if beneficiary else None,
        {
            "period_start": receipt.period_start,
            "period_end": receipt.period_end,
            "amount_due": receipt.amount_due,
            "amount_paid": receipt.amount_paid,
        }
        if receipt
        else None,
        {
            "code": code,
            "url": f"{settings.verification_base_url.rstrip('/')}/{secret_codes.compact(code)}",
            "valid_from": valid_from,
            "valid_until": valid_until,
        },
        language=request.template_language,
        today=today,
    )
    return RenderOrder(
        request_id=request.id,
        template_id=request.template_id,
        context=context,
        inputs=dict(request.inputs),
        owner_type="beneficiary" if beneficiary else "contract",
        owner_id=beneficiary.id if beneficiary else contract.id,
        dossier_id=contract.dossier_id,
        client_visible=not request.validation_required,
        filename=f"attestation-{contract.number}",
    )


def claim_attempt(session: Session, settings: AttestationSettings, request_id: str) -> bool:
    """Take the next attempt of a due request, exclusively: two workers (replicas) may both try.

    The claim is a lease (``next_attempt_at`` moved past the render call's timeout), so a process
    that dies mid-attempt leaves the request due again rather than stuck.
    """
    now = clock.now()
    lease = timedelta(seconds=settings.http_timeout_seconds * 2 + settings.render_retry_delay_seconds + 30)
    claimed = session.execute(
        update(AttestationRequest)
        .where(
            AttestationRequest.id == request_id,
            AttestationRequest.state == GENERATING,
            AttestationRequest.document_id.is_(None),
            AttestationRequest.next_attempt_at <= now,
        )
        .values(attempts=AttestationRequest.attempts + 1, next_attempt_at=now + lease, updated_at=now)
    ).rowcount
    return bool(claimed)


def generate(db: Database, gateway: DocumentsGateway, settings: AttestationSettings, request_id: str) -> None:
    """One attempt at rendering the request's document; its outcome is saved whatever happens."""
    with db.transaction() as session:
        if not claim_attempt(session, settings, request_id):
            return
        request = session.get(AttestationRequest, request_id)
        if request.attempts > settings.render_max_attempts:
            generation_failed(session, settings, request, request.error or "No attempt left.")
            return
        order = prepare_attempt(session, settings, request)
    try:
        document = gateway.render(
            order.template_id,
            context=order.context,
            inputs=order.inputs,
            owner_type=order.owner_type,
            owner_id=order.owner_id,
            dossier_id=order.dossier_id,
            client_visible=order.client_visible,
            filename=order.filename,
        )
    except UpstreamUnavailable as error:
        with db.transaction() as session:
            generation_failed(session, settings, session.get(AttestationRequest, request_id), error.detail)
        return
    except DomainError as error:
        # The documents service refused the render itself (template gone, broken tag): retrying cannot help.
        with db.transaction() as session:
            generation_failed(
                session, settings, session.get(AttestationRequest, request_id), error.detail, permanent=True
            )
        return
    with db.transaction() as session:
        request = session.get(AttestationRequest, request_id)
        request.document_id = document.id
        request.document_filename = document.filename
        request.updated_at = clock.now()
        apply_document_state(session, settings, request, document)


def apply_document_state(
    session: Session, settings: AttestationSettings, request: AttestationRequest, document: RenderedDocument
) -> None:
    if document.state in DONE_DOCUMENT_STATES:
        generation_succeeded(session, request)
    elif document.state != "rendering":
        generation_failed(session, settings, request, document.error or f"document state {document.state}")


def leave_generating(session: Session, request: AttestationRequest, state: str) -> bool:
    """Move the request out of ``generating``, once: only one of two racing transactions gets True.

    The conditional UPDATE waits for a concurrent one on the same row (PostgreSQL) and then finds
    the state already changed, so a request is issued, passed on or failed once, with one event.
    """
    if request.state != GENERATING:
        return False
    moved = session.execute(
        update(AttestationRequest)
        .where(
            AttestationRequest.id == request.id,
            AttestationRequest.state == GENERATING,
        )
        .values(state=state)
        .execution_options(synchronize_session=False)
    ).rowcount
    if not moved:
        session.refresh(request)
        return False
    request.state = state
    return True


def generation_succeeded(session: Session, request: AttestationRequest) -> None:
    """Issued to the client at once, or passed to the validators."""
    if not leave_generating(session, request, PENDING if request.validation_required else ISSUED):
        return
    request.updated_at = clock.now()
    request.error = None
    actor = {"sub": request.client_sub, "role": "client"}
    contract = session.get(Contract, request.contract_id)
    if not request.validation_required:
        data = {
            "request_id": request.id,
            "contract_id": request.contract_id,
            "beneficiary_id": request.beneficiary_id,
            "document_id": request.document_id,
            "template_id": request.template_id,
            "title": request.title,
            **client_fields(request),
            "filename": request.document_filename,
            "valid_until": _iso(request.valid_until),
        }
        if contract.dossier_id:
            data["dossier_id"] = contract.dossier_id
        # Issuing is the platform's act (it may complete in the worker, after rendering), not the client's:
        # with the client as actor, notification rules would leave the client out of their own news.
        record_event(
            session, "attestation.issued", data, producer=SERVICE_NAME, aggregate_id=request.id, actor=SERVICE_ACTOR
        )
        return
    product = session.get(Product, contract.product_id)
    task = ValidationTask(
        id=clock.new_id(),
        request_id=request.id,
        contract_id=request.contract_id,
        product_id=contract.product_id,
        document_id=request.document_id,
        assignee_sub=pick_assignee(request.validator_subs, open_task_counts(session, request.validator_subs)),
        due_date=clock.today() + timedelta(days=product.validation_due_days),
        validator_subs=list(request.validator_subs),
        validator_role=request.validator_role,
        state="open",
        created_at=clock.now(),
    )
    session.add(task)
    record_event(
        session,
        "attestation.validation_requested",
        {
            "request_id": request.id,
            "task_id": task.id,
            "contract_id": request.contract_id,
            "document_id": request.document_id,
            "validator_subs": list(request.validator_subs),
            "validator_role": request.validator_role,
            "client_sub": request.client_sub,
            "contract_number": request.contract_number,
            "title": request.title,
            "filename": request.document_filename,
            "product_id": task.product_id,
            "assignee_sub": task.assignee_sub,
            "due_date": _iso(task.due_date),
        },
        producer=SERVICE_NAME,
        aggregate_id=request.id,
        actor=actor,
    )


def generation_failed(
    session: Session, settings: AttestationSettings, request: AttestationRequest, error: str, *, permanent: bool = False
) -> None:
    """Schedule another attempt, or end ``failed`` (``permanent``: the documents service refused the render).

    A partial document is left for the worker to delete.
    """
    if request.state != GENERATING:
        return
    log.warning("attestation request %s: generation attempt %s failed: %s", request.id, request.attempts, error)
    final = permanent or request.attempts >= settings.render_max_attempts
    if final and not leave_generating(session, request, FAILED):
        return
    now = clock.now()
    if request.document_id:
        request.discarded_document_id = request.document_id
        request.document_id = None
    request.error = error
    request.updated_at = now
    if final:
        request.next_attempt_at = None
        announce_failure(session, request, RENDER_REFUSED if permanent else ATTEMPTS_EXHAUSTED)
        return
    request.next_attempt_at = now + timedelta(seconds=settings.render_retry_delay_seconds * request.attempts)


def announce_failure(session: Session, request: AttestationRequest, reason: str) -> None:
    """``attestation.failed``: the client who asked is told, and the validators the request names.

    The platform's act, like issuing: with the client as actor, the rules would leave them out.
    """
    data = {
        "request_id": request.id,
        "contract_id": request.contract_id,
        "beneficiary_id": request.beneficiary_id,
        "template_id": request.template_id,
        "title": request.title,
        **client_fields(request),
        "reason": reason,
        "attempts": request.attempts,
        "validator_subs": list(request.validator_subs),
        "validator_role": request.validator_role,
    }
    contract = session.get(Contract, request.contract_id)
    if contract.dossier_id:
        data["dossier_id"] = contract.dossier_id
    record_event(
        session, "attestation.failed", data, producer=SERVICE_NAME, aggregate_id=request.id, actor=SERVICE_ACTOR
    )


def client_fields(request: AttestationRequest) -> dict:
    """Who asked (and is told) and which contract, as every ``attestation.*`` event names them."""
    return {
        "client_sub": request.client_sub,
        "client_org": request.client_org,
        "client_email": request.client_email,
        "client_name": request.client_name,
        "client_language": request.client_language,
        "contract_number": request.contract_number,
    }


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def open_task_counts(session: Session, subs) -> dict[str, int]:
    """How many open tasks each of ``subs`` is assigned (to share new tasks out evenly)."""
    if not subs:
        return {}
    rows = session.execute(
        select(ValidationTask.assignee_sub, func.count().label("open_tasks"))
        .where(ValidationTask.assignee_sub.in_(list(subs)), ValidationTask.state.in_(("open", "deciding")))
        .group_by(ValidationTask.assignee_sub)
    ).all()
    return {row.assignee_sub: row.open_tasks for row in rows}


def request_for_document(session: Session, document_id: str) -> AttestationRequest | None:
    return session.scalar(select(AttestationRequest).where(AttestationRequest.document_id == document_id))


def visible_request(session: Session, caller: Caller, request_id: str) -> AttestationRequest:
    def visible(request: AttestationRequest) -> bool:
        contract = session.get(Contract, request.contract_id)
        return client_sees_contract(caller, contract.owner_sub, contract.owner_org)

    return get_or_404(session, AttestationRequest, request_id, "No such attestation request.", visible=visible)


def list_requests(session: Session, caller: Caller, contract_id: str, *, limit: int, cursor: str | None) -> Page:
    contracts.visible_contract(session, caller, contract_id)
    statement = select(AttestationRequest).where(AttestationRequest.contract_id == contract_id)
    return keyset_page(
        session,
        statement,
        [AttestationRequest.created_at, AttestationRequest.id],
        limit=limit,
        cursor=cursor,
        descending=True,
    )
