"""``/api/v1/products`` and ``/api/v1/validation-settings``: attestation configuration (admin)."""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint
from sqlalchemy import select

from platform_shared.auth import require_roles
from platform_shared.pagination import PageArgsSchema, keyset_page, page_schema
from platform_shared.web import app_db

from ..clients import documents_gateway
from ..db import Product
from ..domain.validation import ValidationPolicy
from ..services import products
from .schemas import (
    GlobalValidationSchema,
    ProductCreateSchema,
    ProductPatchSchema,
    ProductSchema,
    ProductTemplateSchema,
    ValidationConfigSchema,
)

blp = Blueprint("products", __name__, url_prefix="/api/v1", description="Products and attestation configuration")


def policy_body(policy: ValidationPolicy) -> dict:
    return {
        "required": policy.required,
        "validators": {"subs": list(policy.validator_subs), "role": policy.validator_role},
    }


def _present(session, product: Product) -> dict:
    """The product with its own validation setting and the effective one (which may be the global setting)."""
    return {
        "id": product.id,
        "code": product.code,
        "name": product.name,
        "templates": product.templates,
        "validation": {
            "required": product.validation_required,
            "validators": {"subs": list(product.validator_subs), "role": product.validator_role},
        },
        "effective_validation": policy_body(products.policy_for(session, product)),
        "attestation_validity_days": product.attestation_validity_days,
        "validation_due_days": product.validation_due_days,
        "created_at": product.created_at,
        "updated_at": product.updated_at,
    }


@blp.route("/products")
class Products(MethodView):
    @require_roles("admin")
    @blp.arguments(ProductCreateSchema)
    @blp.response(201, ProductSchema)
    def post(self, body):
        """Create a product (admin); 409 when the code is taken."""
        with app_db().transaction() as session:
            return _present(session, products.create_product(session, **body))

    @require_roles("agent")
    @blp.arguments(PageArgsSchema, location="query")
    @blp.response(200, page_schema(ProductSchema))
    def get(self, args):
        """List products with their templates and validation settings."""
        with app_db().read_only() as session:
            page = keyset_page(session, select(Product), [Product.created_at, Product.id], **args)
            return page.map(lambda item: _present(session, item))


@blp.route("/products/<product_id>")
class ProductById(MethodView):
    @require_roles("agent")
    @blp.response(200, ProductSchema)
    def get(self, product_id):
        """A product."""
        with app_db().read_only() as session:
            return _present(session, products.get_product(session, product_id))

    @require_roles("admin")
    @blp.arguments(ProductPatchSchema)
    @blp.response(200, ProductSchema)
    def patch(self, body, product_id):
        """Change a product's name, attestation validity (days) or validation due delay (days)."""
        with app_db().transaction() as session:
            return _present(session, products.update_product(session, products.get_product(session, product_id), body))


@blp.route("/products/<product_id>/attestation-templates")
class ProductTemplates(MethodView):
    @require_roles("admin")
    @blp.arguments(ProductTemplateSchema(many=True))
    @blp.response(200, ProductSchema)
    def put(self, entries, product_id):
        """Replace the product's attestation templates as a whole (the templates themselves stay);
        422 for a template that is not of type attestation with entity contract or beneficiary."""
        with app_db().read_only() as session:
            products.get_product(session, product_id)
        infos = products.check_attestation_templates(documents_gateway(), entries)
        with app_db().transaction() as session:
            product = products.get_product(session, product_id)
            return _present(session, products.replace_attestation_templates(session, product, entries, infos))


@blp.route("/products/<product_id>/validation")
class ProductValidation(MethodView):
    @require_roles("admin")
    @blp.arguments(ValidationConfigSchema)
    @blp.response(200, ProductSchema)
    def put(self, body, product_id):
        """Set the product's prior validation (``required: null`` follows the global setting)."""
        with app_db().transaction() as session:
            product = products.get_product(session, product_id)
            products.set_product_validation(
                session,
                product,
                required=body["required"],
                subs=body["validators"]["subs"],
                role=body["validators"]["role"],
            )
            return _present(session, product)


@blp.route("/validation-settings")
class GlobalValidation(MethodView):
    @require_roles("agent")
    @blp.response(200, GlobalValidationSchema)
    def get(self):
        """The global prior-validation setting."""
        with app_db().read_only() as session:
            return policy_body(products.global_policy(session))

    @require_roles("admin")
    @blp.arguments(GlobalValidationSchema)
    @blp.response(200, GlobalValidationSchema)
    def put(self, body):
        """Set the global prior validation (products with their own setting keep it)."""
        with app_db().transaction() as session:
            return policy_body(
                products.set_global_validation(
                    session, required=body["required"], subs=body["validators"]["subs"], role=body["validators"]["role"]
                )
            )
