"""Marshmallow schemas of the notification API (they feed the OpenAPI document)."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from platform_shared.pagination import PageArgsSchema

from ..domain.deliveries import FAILED, PENDING, SENDING, SENT, SKIPPED, UNKNOWN
from ..domain.rendering import LANGUAGES, TEMPLATE_NAMES
from ..domain.rules import CHANNELS
from ..handlers import CONSUMED_EVENTS

SHORT = validate.Length(min=1, max=200)
STATUSES = (PENDING, SENDING, SENT, FAILED, SKIPPED, UNKNOWN)


class RuleFiltersSchema(Schema):
    """Conditions on the event (or, when the event lacks them, on the dossier it is about)."""

    category = fields.String(load_default=None, validate=SHORT, metadata={"description": "Dossier category."})
    model_id = fields.String(load_default=None, validate=validate.Length(min=1, max=36))
    origin = fields.String(load_default=None, validate=validate.OneOf(("crm", "portal")))
    visibility = fields.String(
        load_default=None,
        validate=SHORT,
        metadata={
            "description": "A note's visibility (internal/requester/participants), or a document flag "
            "(client, partner, role:<role>)."
        },
    )


class RuleRecipientsSchema(Schema):
    """Who receives it; the actor who caused the event never does."""

    users = fields.List(fields.String(validate=SHORT), load_default=list, metadata={"description": "Subs."})
    roles = fields.List(
        fields.String(validate=SHORT), load_default=list, metadata={"description": "Everyone known with this role."}
    )
    groups = fields.List(
        fields.String(validate=SHORT),
        load_default=list,
        metadata={"description": "Registered contacts of these groups."},
    )
    addresses = fields.List(fields.Email(), load_default=list)
    dossier_actors = fields.Boolean(
        load_default=False,
        metadata={
            "description": "The dossier's client side, assignee and attached third parties who may see the subject."
        },
    )


class RuleCreateSchema(Schema):
    """An admin rule: event type and filters -> recipients, channel, template."""

    name = fields.String(required=True, validate=SHORT)
    event_type = fields.String(required=True, validate=validate.OneOf(CONSUMED_EVENTS))
    filters = fields.Nested(RuleFiltersSchema, load_default=lambda: RuleFiltersSchema().load({}))
    recipients = fields.Nested(RuleRecipientsSchema, required=True)
    channel = fields.String(load_default="email", validate=validate.OneOf(CHANNELS))
    template = fields.String(load_default="generic", validate=validate.OneOf(TEMPLATE_NAMES))
    language = fields.String(
        load_default=None,
        validate=validate.OneOf(LANGUAGES),
        metadata={"description": "For recipients without a known language (default fr)."},
    )


class RuleSchema(Schema):
    """A rule: built-in (``builtin:<name>``, switchable) or configured by an admin."""

    id = fields.String()
    name = fields.String()
    builtin = fields.Boolean()
    enabled = fields.Boolean()
    event_type = fields.String()
    event_types = fields.List(fields.String())
    description = fields.String(allow_none=True)
    filters = fields.Dict()
    recipients = fields.Dict()
    channel = fields.String()
    template = fields.String()
    language = fields.String(allow_none=True)
    created_at = fields.DateTime(allow_none=True)


class RuleListSchema(Schema):
    """Every rule (built-in first); the list is short, hence one page."""

    items = fields.List(fields.Nested(RuleSchema), required=True)
    next_cursor = fields.String(allow_none=True, required=True)


class ContactCreateSchema(Schema):
    """A recipient an admin registers (e.g. the legal team, group ``portal_requests``)."""

    email = fields.Email(required=True)
    sub = fields.String(load_default=None, validate=SHORT, metadata={"description": "Their account, if any."})
    name = fields.String(load_default=None, validate=SHORT)
    role = fields.String(load_default=None, validate=validate.OneOf(("agent", "admin", "client", "partner")))
    language = fields.String(load_default=None, validate=validate.OneOf(LANGUAGES))
    groups = fields.List(fields.String(validate=validate.Length(min=1, max=100)), load_default=list)


class ContactSchema(Schema):
    """A known address: registered by an admin, or learnt from events."""

    id = fields.String()
    email = fields.String()
    sub = fields.String(allow_none=True)
    name = fields.String(allow_none=True)
    role = fields.String(allow_none=True)
    language = fields.String(allow_none=True)
    groups = fields.List(fields.String())
    registered = fields.Boolean()
    updated_at = fields.DateTime()


class ContactListArgsSchema(PageArgsSchema):
    """Filters of the contact list."""

    registered = fields.Boolean(load_default=None)


class NotificationSchema(Schema):
    """An in-app notification."""

    id = fields.String()
    event_id = fields.String()
    event_type = fields.String()
    dossier_id = fields.String(allow_none=True)
    title = fields.String()
    link = fields.String(allow_none=True)
    read = fields.Boolean()
    created_at = fields.DateTime()
    read_at = fields.DateTime(allow_none=True)


class NotificationPageSchema(Schema):
    """The caller's feed: unread first, then newest first; ``unread_count`` over the whole feed."""

    items = fields.List(fields.Nested(NotificationSchema), required=True)
    next_cursor = fields.String(allow_none=True, required=True)
    unread_count = fields.Integer(required=True)


class UnreadCountSchema(Schema):
    """How many notifications the caller has not read."""

    unread_count = fields.Integer(required=True)


class DeliveryListArgsSchema(PageArgsSchema):
    """Filters of the delivery list (newest first)."""

    event_id = fields.String(load_default=None, validate=validate.Length(min=1, max=36))
    recipient = fields.String(
        load_default=None, validate=validate.Length(min=1, max=320), metadata={"description": "An address or a sub."}
    )
    status = fields.String(load_default=None, validate=validate.OneOf(STATUSES))
    dossier_id = fields.String(load_default=None, validate=validate.Length(min=1, max=36))
    event_type = fields.String(load_default=None, validate=validate.Length(min=1, max=100))


class DeliverySchema(Schema):
    """One email to one recipient for one event: status, attempts, last error, timestamps."""

    id = fields.String()
    event_id = fields.String()
    event_type = fields.String()
    rule = fields.String()
    recipient = fields.String()
    recipient_sub = fields.String(allow_none=True)
    channel = fields.String()
    template = fields.String()
    language = fields.String()
    dossier_id = fields.String(allow_none=True)
    status = fields.String(metadata={"description": "pending, sending, sent, failed, skipped or unknown."})
    attempts = fields.Integer()
    last_error = fields.String(allow_none=True)
    next_attempt_at = fields.DateTime()
    sent_with = fields.String(
        allow_none=True, metadata={"description": "Grouped (debounced): the delivery whose email carried this one."}
    )
    created_at = fields.DateTime()
    updated_at = fields.DateTime()
    sent_at = fields.DateTime(allow_none=True)
