"""``/api/v1/contacts`` (admin): recipients' addresses, registered (with groups) or learnt from events."""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

from platform_shared.auth import require_roles
from platform_shared.pagination import page_schema
from platform_shared.web import app_db

from ..domain import administration
from ..domain.feed import row_dict
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
            return row_dict(administration.register_contact(session, body))

    @require_roles("admin")
    @blp.arguments(ContactListArgsSchema, location="query")
    @blp.response(200, page_schema(ContactSchema))
    def get(self, args):
        """Known addresses, by address."""
        limit, cursor = args.pop("limit"), args.pop("cursor")
        with app_db().read_only() as session:
            items, next_cursor = administration.contacts_page(session, args, limit=limit, cursor=cursor)
            return {"items": [row_dict(item) for item in items], "next_cursor": next_cursor}


@blp.route("/<contact_id>")
class ContactById(MethodView):
    @require_roles("admin")
    @blp.response(204)
    def delete(self, contact_id):
        """Forget an address."""
        with app_db().transaction() as session:
            administration.delete_contact(session, contact_id)
