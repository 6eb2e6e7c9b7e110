"""What admins configure: rules (their own and the built-in switches) and registered recipients."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from platform_shared import clock
from platform_shared.auth import Caller
from platform_shared.db import get_or_404
from platform_shared.errors import NotFound
from platform_shared.pagination import keyset_page

from ..db import BuiltinSwitch, Contact, Rule
from ..domain.errors import NotABuiltinRule, RuleWithoutRecipients
from ..domain.rules import BUILTIN_BY_NAME, BUILTIN_RULES
from .local_copy import contact_for
from .targeting import builtin_enabled

BUILTIN_PREFIX = "builtin:"


def present_builtin(name: str, enabled: bool) -> dict:
    rule = BUILTIN_BY_NAME[name]
    return {
        "id": BUILTIN_PREFIX + name,
        "name": name,
        "builtin": True,
        "enabled": enabled,
        "event_type": rule.event_types[0],
        "event_types": list(rule.event_types),
        "description": rule.description,
        "filters": {},
        "recipients": {},
        "channel": rule.channel,
        "template": rule.template,
        "language": None,
        "created_at": None,
    }


def present_rule(rule: Rule) -> dict:
    return {
        "id": rule.id,
        "name": rule.name,
        "builtin": False,
        "enabled": True,
        "event_type": rule.event_type,
        "event_types": [rule.event_type],
        "description": None,
        "filters": rule.filters,
        "recipients": rule.recipients,
        "channel": rule.channel,
        "template": rule.template,
        "language": rule.language,
        "created_at": rule.created_at,
    }


def create_rule(session: Session, caller: Caller, body: dict) -> Rule:
    recipients = {name: value for name, value in body["recipients"].items() if value}
    if not recipients:
        raise RuleWithoutRecipients()
    rule = Rule(
        id=clock.new_id(),
        name=body["name"],
        event_type=body["event_type"],
        filters={name: value for name, value in body["filters"].items() if value},
        recipients=recipients,
        channel=body["channel"],
        template=body["template"],
        language=body.get("language"),
        created_by=caller.sub,
        created_at=clock.now(),
    )
    session.add(rule)
    session.flush()
    return rule


def list_rules(session: Session) -> list[dict]:
    enabled = builtin_enabled(session)
    own = session.execute(select(Rule).order_by(Rule.created_at, Rule.id)).scalars()
    return [present_builtin(rule.name, enabled[rule.name]) for rule in BUILTIN_RULES] + [
        present_rule(rule) for rule in own
    ]


def get_rule(session: Session, rule_id: str) -> dict:
    if rule_id.startswith(BUILTIN_PREFIX):
        name = _builtin_name(rule_id)
        return present_builtin(name, builtin_enabled(session)[name])
    rule = get_or_404(session, Rule, rule_id, "No such rule.")
    return present_rule(rule)


def _builtin_name(rule_id: str) -> str:
    name = rule_id.removeprefix(BUILTIN_PREFIX)
    if name not in BUILTIN_BY_NAME:
        raise NotFound("No such rule.")
    return name


def switch_builtin(session: Session, caller: Caller, rule_id: str, enabled: bool) -> dict:
    if not rule_id.startswith(BUILTIN_PREFIX):
        raise NotABuiltinRule()
    name = _builtin_name(rule_id)
    switch = session.get(BuiltinSwitch, name)
    if switch is None:
        switch = BuiltinSwitch(name=name)
        session.add(switch)
    switch.enabled, switch.changed_by, switch.changed_at = enabled, caller.sub, clock.now()
    session.flush()
    return present_builtin(name, enabled)


def delete_rule(session: Session, caller: Caller, rule_id: str) -> None:
    """Delete an admin rule; a built-in rule cannot be deleted, it is switched off."""
    if rule_id.startswith(BUILTIN_PREFIX):
        switch_builtin(session, caller, rule_id, False)
        return
    rule = get_or_404(session, Rule, rule_id, "No such rule.")
    session.delete(rule)


def register_contact(session: Session, body: dict) -> Contact:
    """Register (or take over) a recipient's address; an address learnt from events is replaced."""
    contact = None
    if body.get("sub"):
        contact = contact_for(session, body["sub"])
    if contact is None:
        contact = Contact(id=clock.new_id(), sub=body.get("sub"))
        session.add(contact)
    contact.email = body["email"].strip().lower()
    contact.name, contact.role, contact.language = body.get("name"), body.get("role"), body.get("language")
    contact.groups, contact.registered, contact.updated_at = sorted(set(body["groups"])), True, clock.now()
    session.flush()
    return contact


def delete_contact(session: Session, contact_id: str) -> None:
    contact = get_or_404(session, Contact, contact_id, "No such contact.")
    session.delete(contact)


def contacts_page(session: Session, filters: dict, *, limit: int, cursor: str | None):
    statement = select(Contact)
    if filters.get("registered") is not None:
        statement = statement.where(Contact.registered.is_(filters["registered"]))
    return keyset_page(session, statement, [Contact.email, Contact.id], limit=limit, cursor=cursor)
