"""Who may see a dossier, and which view (fields and modes) applies to them."""

from __future__ import annotations

from platform_shared.auth import Caller

from .model_definition import ModelDefinition

NOTE_VISIBILITIES = ("internal", "requester", "participants")
CLIENT_AUDIENCE = ("requester", "participants")


def sees_everything(caller: Caller) -> bool:
    """Staff and other services see every dossier and every field."""
    return caller.is_staff or caller.is_service


def may_read(
    caller: Caller, client_sub: str | None, client_org: str | None, member_of: frozenset[str] = frozenset()
) -> bool:
    """Staff see all; a client sees their own dossiers and every dossier of their company: the token's ``org``
    or an organisation the directory makes them a member of (``member_of``, its codes)."""
    if sees_everything(caller):
        return True
    if caller.role != "client":
        return False
    if client_sub == caller.sub:
        return True
    return client_org is not None and (client_org == caller.org or client_org in member_of)


def visible_audiences(caller: Caller) -> tuple[str, ...]:
    """The note and timeline visibilities the caller may read."""
    return NOTE_VISIBILITIES if sees_everything(caller) else CLIENT_AUDIENCE


def readable_fields(caller: Caller, model: ModelDefinition) -> list[str]:
    if sees_everything(caller):
        return list(model.all_fields())
    return list(model.views["portal"])


def field_modes(caller: Caller, model: ModelDefinition) -> dict[str, str]:
    """The mode of each readable field: staff write what the CRM view marks ``write``, clients the portal view."""
    view = model.views["crm"] if sees_everything(caller) else model.views["portal"]
    return {key: view.get(key, "read") for key in readable_fields(caller, model)}


def writable_view(caller: Caller, model: ModelDefinition) -> dict[str, str]:
    return model.views["crm"] if sees_everything(caller) else model.views["portal"]
