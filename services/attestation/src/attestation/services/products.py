"""Products, the attestation templates they offer, and the prior-validation settings."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from platform_shared import clock
from platform_shared.db import get_or_404
from platform_shared.errors import NotFound

from ..clients import DocumentsGateway, TemplateInfo
from ..db import Product, ProductTemplate, ValidationSetting
from ..domain.choice import ATTESTATION_ENTITIES, OfferedTemplate
from ..domain.errors import ProductCodeTaken, TemplatesNotOffered, ValidatorsMissing
from ..domain.validation import ValidationPolicy, effective_policy

GLOBAL = "global"


def create_product(
    session: Session, *, code: str, name: str, attestation_validity_days: int = 365, validation_due_days: int = 3
) -> Product:
    if session.scalar(select(Product.id).where(Product.code == code)) is not None:
        raise ProductCodeTaken(code)
    now = clock.now()
    product = Product(
        id=clock.new_id(),
        code=code,
        name=name,
        validation_required=None,
        validator_subs=[],
        validator_role=None,
        attestation_validity_days=attestation_validity_days,
        validation_due_days=validation_due_days,
        created_at=now,
        updated_at=now,
    )
    session.add(product)
    try:
        session.flush()
    except IntegrityError as error:
        raise ProductCodeTaken(code) from error
    return product


def update_product(session: Session, product: Product, changes: dict) -> Product:
    """Change a product's name and its attestation settings (validity, validation due delay)."""
    for name in ("name", "attestation_validity_days", "validation_due_days"):
        if name in changes:
            setattr(product, name, changes[name])
    product.updated_at = clock.now()
    return product


def get_product(session: Session, product_id: str) -> Product:
    product = get_or_404(session, Product, product_id, "No such product.")
    return product


def check_attestation_templates(gateway: DocumentsGateway, entries: Sequence[dict]) -> list[TemplateInfo]:
    """Ask the documents service about each template; 422 naming every one that is unknown or unfit."""
    errors: dict[str, list[str]] = {}
    seen: set[str] = set()
    infos = []
    for index, entry in enumerate(entries):
        template_id = entry["template_id"]
        if template_id in seen:
            errors[str(index)] = ["This template is listed twice."]
            continue
        seen.add(template_id)
        try:
            info = gateway.template(template_id)
        except NotFound:
            errors[str(index)] = ["No such template in the documents service."]
            continue
        if info.type != "attestation" or info.entity not in ATTESTATION_ENTITIES:
            errors[str(index)] = [
                f"Only templates of type attestation and entity contract or beneficiary may be "
                f"used (this one: type {info.type}, entity {info.entity})."
            ]
            continue
        infos.append(info)
    if errors:
        raise TemplatesNotOffered(errors)
    return infos


def replace_attestation_templates(
    session: Session, product: Product, entries: Sequence[dict], infos: Sequence[TemplateInfo]
) -> Product:
    """The saved list replaces the previous one as a whole (the templates themselves are untouched)."""
    product.templates.clear()
    session.flush()
    for position, (entry, info) in enumerate(zip(entries, infos, strict=False)):
        product.templates.append(
            ProductTemplate(
                template_id=info.id,
                position=position,
                extranet_title=(entry.get("extranet_title") or None),
                template_name=info.name,
                entity=info.entity,
                pdf_auto=info.pdf_auto,
                language=info.language,
            )
        )
    product.updated_at = clock.now()
    return product


def _check_validators(required: bool | None, subs: Sequence[str], role: str | None) -> None:
    if required and not subs and not role:
        raise ValidatorsMissing()


def set_product_validation(
    session: Session, product: Product, *, required: bool | None, subs: Sequence[str], role: str | None
) -> Product:
    """``required`` null: the product follows the global setting."""
    _check_validators(required, subs, role)
    product.validation_required = required
    product.validator_subs = list(subs)
    product.validator_role = role
    product.updated_at = clock.now()
    return product


def global_policy(session: Session) -> ValidationPolicy:
    row = session.get(ValidationSetting, GLOBAL)
    if row is None:
        return ValidationPolicy(required=False)
    return ValidationPolicy(row.required, tuple(row.validator_subs), row.validator_role)


def set_global_validation(
    session: Session, *, required: bool, subs: Sequence[str], role: str | None
) -> ValidationPolicy:
    _check_validators(required, subs, role)
    row = session.get(ValidationSetting, GLOBAL)
    if row is None:
        row = ValidationSetting(id=GLOBAL)
        session.add(row)
    row.required, row.validator_subs, row.validator_role = required, list(subs), role
    row.updated_at = clock.now()
    return ValidationPolicy(required, tuple(subs), role)


def policy_for(session: Session, product: Product) -> ValidationPolicy:
    return effective_policy(
        global_policy(session), product.validation_required, product.validator_subs, product.validator_role
    )


def offered(product: Product) -> list[OfferedTemplate]:
    return [
        OfferedTemplate(
            template_id=row.template_id,
            entity=row.entity,
            template_name=row.template_name,
            extranet_title=row.extranet_title,
            language=row.language,
        )
        for row in product.templates
    ]
