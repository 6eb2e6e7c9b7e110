"""``/api/v1/contacts`` (admin): recipients' addresses, registered (with groups) or learnt from events."""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

from platform_shared.auth import require_roles
from platform_shared.pagination import page_schema, split_page_args
from platform_shared.web import app_db

from ..services import administration
from .schemas import ContactCreateSchema, ContactListArgsSchema, ContactSchema

blp = Blueprint("contacts", __name__, url_prefix="/api/v1/contacts", description="Recipients' addresses (admin)")


@blp.route("")
class Contacts(MethodView):
    @require_roles("admin")
    @blp.arguments(ContactCreateSchema)
    @blp.response(201, ContactSchema)
    def post(self, body):
        """Register a recipient (staff address, a group such as ``portal_requests``); replaces what events taught."""
        with app_db().transaction() as session:
            return administration.register_contact(session, body)

    @require_roles("admin")
    @blp.arguments(ContactListArgsSchema, location="query")
    @blp.response(200, page_schema(ContactSchema))
    def get(self, args):
        """Known addresses, by address."""
        page, filters = split_page_args(args)
        with app_db().read_only() as session:
            return administration.contacts_page(session, filters, **page)


@blp.route("/<contact_id>")
class ContactById(MethodView):
    @require_roles("admin")
    @blp.response(204)
    def delete(self, contact_id):
        """Forget an address."""
        with app_db().transaction() as session:
            administration.delete_contact(session, contact_id)
