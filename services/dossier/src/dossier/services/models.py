"""Dossier models: create, replace (a new immutable version), read; definitions cached per (id, version)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from platform_shared import clock
from platform_shared.auth import Caller
from platform_shared.db import get_or_404
from platform_shared.etag import Precondition, etag_of
from platform_shared.pagination import Page, keyset_page

from ..db import DossierModel, ModelVersion
from ..domain.access import sees_everything
from ..domain.model_definition import ModelDefinition, validate_model

_definitions: dict[tuple[str, int], ModelDefinition] = {}
DEFINITION_KEYS = ("fields", "partner_fields", "views", "statuses", "transitions", "roles", "pieces")


def definition_of(version: ModelVersion) -> ModelDefinition:
    """The parsed definition of a version; versions never change, so the parse is kept."""
    key = (version.model_id, version.version)
    cached = _definitions.get(key)
    if cached is None:
        cached = _definitions[key] = ModelDefinition(version.definition)
    return cached


def load_definition(session: Session, model_id: str, version: int) -> ModelDefinition:
    cached = _definitions.get((model_id, version))
    if cached is not None:
        return cached
    row = get_or_404(session, ModelVersion, (model_id, version), "No such model version.")
    return definition_of(row)


def _new_version(model_id: str, number: int, body: dict[str, Any], caller: Caller) -> ModelVersion:
    definition = {key: body.get(key) or ([] if key != "views" else {}) for key in DEFINITION_KEYS}
    validate_model(definition)
    # Kept in the version's JSON (no column): nothing filters models on it, and a version saved before
    # the flag existed reads as false.
    definition["client_can_invite"] = bool(body.get("client_can_invite"))
    definition.update(model_settings(body))
    return ModelVersion(
        model_id=model_id,
        version=number,
        name=body["name"],
        category=body["category"],
        client_can_create=body["client_can_create"],
        definition=definition,
        created_by=caller.sub,
        created_at=clock.now(),
    )


MODEL_SETTINGS = {
    "partners_can_file": False,
    "filer_access_until": "submission",
    "invitations_sent_automatically": True,
    "invitation_text": "",
}


def model_settings(source: dict[str, Any]) -> dict[str, Any]:
    """The partner and invitation settings of a model (issue 14), with their defaults for versions saved
    before they existed. Kept in the version's JSON like ``client_can_invite``."""
    return {
        name: source.get(name, default) if source.get(name) is not None else default
        for name, default in MODEL_SETTINGS.items()
    }


def create_model(session: Session, caller: Caller, body: dict[str, Any]) -> ModelVersion:
    now = clock.now()
    model = DossierModel(id=clock.new_id(), current_version=1, created_at=now, updated_at=now)
    version = _new_version(model.id, 1, body, caller)
    session.add_all([model, version])
    session.flush()
    return version


def model_etag(model_id: str, version: int) -> str:
    """A model version's strong ETag (a version never changes once saved)."""
    return etag_of(model_id, version)


def replace_model(
    session: Session, caller: Caller, model_id: str, body: dict[str, Any], *, precondition: Precondition | None = None
) -> ModelVersion:
    """Save the model as a new version; dossiers keep the version they were created with.

    ``precondition`` (If-Match) is checked against the current version on the locked row: 412."""
    model = get_or_404(session, DossierModel, model_id, "No such model.", with_for_update=True)
    if precondition is not None:
        precondition.check(model_etag(model.id, model.current_version))
    version = _new_version(model.id, model.current_version + 1, body, caller)
    model.current_version = version.version
    model.updated_at = version.created_at
    session.add(version)
    session.flush()
    return version


def _visible(caller: Caller, version: ModelVersion) -> bool:
    return sees_everything(caller) or version.client_can_create


def get_model(session: Session, caller: Caller, model_id: str, version_number: int | None = None) -> ModelVersion:
    model = get_or_404(session, DossierModel, model_id, "No such model.")
    version = get_or_404(
        session,
        ModelVersion,
        (model_id, version_number or model.current_version),
        "No such model.",
        visible=lambda version: _visible(caller, version),
    )
    return version


def list_models(session: Session, caller: Caller, *, limit: int, cursor: str | None) -> Page:
    """Current versions; clients only see models they may create dossiers with."""
    statement = select(ModelVersion).join(
        DossierModel,
        (DossierModel.id == ModelVersion.model_id) & (DossierModel.current_version == ModelVersion.version),
    )
    if not sees_everything(caller):
        statement = statement.where(ModelVersion.client_can_create.is_(True))
    return keyset_page(session, statement, [ModelVersion.created_at, ModelVersion.model_id], limit=limit, cursor=cursor)


def present_model(version: ModelVersion, caller: Caller) -> dict[str, Any]:
    """Staff and services get the whole definition; clients only what the portal shows them."""
    definition = definition_of(version)
    body = {
        "id": version.model_id,
        "version": version.version,
        "name": version.name,
        "category": version.category,
        "client_can_create": version.client_can_create,
        **version.definition,
        "client_can_invite": bool(version.definition.get("client_can_invite")),
        **model_settings(version.definition),
        "roles": definition.roles_with_pieces(),
        "created_at": version.created_at,
    }
    if not sees_everything(caller):
        portal = definition.views["portal"]
        body.update(
            fields=[field for field in version.definition["fields"] if field["key"] in portal],
            views={"portal": version.definition["views"].get("portal", [])},
            partner_fields=[],
            transitions=[],
            statuses=[status for status in version.definition["statuses"] if status.get("client_visible", True)],
        )
    return body
