"""Dossier use cases: create, read, change fields and assignment, move along transitions, close, list."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from sqlalchemy import bindparam, or_, select
from sqlalchemy.orm import Session

from platform_shared import clock
from platform_shared.auth import Caller
from platform_shared.db import DriverRead, get_or_404
from platform_shared.errors import NotFound, ValidationFailed
from platform_shared.etag import Precondition, etag_of
from platform_shared.i18n import supported
from platform_shared.messaging.outbox import record_event
from platform_shared.pagination import Page, keyset_page
from platform_shared.pseudonyms import pseudonym

from .. import SERVICE_NAME
from ..db import Category, Development, Dossier, Person, search_text
from ..domain.access import may_read, readable_fields, sees_everything, writable_view
from ..domain.errors import DossierClosed, TransitionNotAllowed
from ..domain.model_definition import ModelDefinition
from ..domain.presentation import CLIENT_AUDIENCE
from ..domain.values import check_required_present, check_writable
from . import classification, models, people, references, timeline

CLIENT_EDITABLE = ("client_reference", "fields")


def _event(session: Session, caller: Caller, event_type: str, dossier: Dossier, data: dict[str, Any]) -> None:
    record_event(
        session,
        event_type,
        {"dossier_id": dossier.id, **data},
        producer=SERVICE_NAME,
        aggregate_id=dossier.id,
        actor=caller.as_actor(),
    )


def _refuse_staff_only(caller: Caller, body: dict[str, Any], allowed: tuple[str, ...]) -> None:
    if sees_everything(caller):
        return
    refused = {key: ["may only be set by staff"] for key in body if key not in allowed}
    if refused:
        raise ValidationFailed("Some attributes may only be set by staff.", errors=refused)


def _client_party(caller: Caller, body: dict[str, Any]) -> tuple[str | None, str | None, str | None]:
    if sees_everything(caller):
        return body.get("client_sub"), body.get("client_org"), body.get("client_email")
    return caller.sub, caller.org, caller.email


def _client_names(caller: Caller, body: dict[str, Any]) -> tuple[str | None, str | None]:
    """Who asked and for which company, by name: staff say it, a client's token does."""
    if sees_everything(caller):
        return body.get("client_name"), body.get("client_org_name")
    return caller.name, caller.org_name


def _client_language(session: Session, caller: Caller, client_person_id: str | None) -> str | None:
    """The language the client reads: the client's token, else their directory entry."""
    if not sees_everything(caller) and supported(caller.locale):
        return supported(caller.locale)
    person = session.get(Person, client_person_id) if client_person_id else None
    return person.language if person is not None else None


def _classified(session: Session, body: dict[str, Any], values: dict[str, Any], model_category: str, origin: str):
    """A portal request takes the category of the first admin rule it matches, else its model's."""
    if origin == "portal":
        match = classification.classify_request(
            session,
            kind=body.get("kind") or "dossier",
            title=body["title"],
            description=body.get("description") or "",
            values=values,
        )
        if match is not None:
            return match.category, match.as_dict()
    return model_category, {"source": "model"}


def create_dossier(
    session: Session, caller: Caller, body: dict[str, Any], *, origin: str, reference_prefix: str
) -> tuple[Dossier, ModelDefinition]:
    """A dossier of the model's current version, in its initial status, with ``dossier.created``."""
    version = models.get_model(session, caller, body["model_id"])  # 404 for clients unless client_can_create
    _refuse_staff_only(
        caller,
        {key: value for key, value in body.items() if value is not None},
        ("model_id", "title", "description", "kind", "client_reference", "fields"),
    )
    model = models.definition_of(version)
    values = body.get("fields") or {}
    view = writable_view(caller, model)
    check_writable(values, view, model.all_fields())
    check_required_present(values, view, model.all_fields())
    client_sub, client_org, client_email = _client_party(caller, body)
    client_name, client_org_name = _client_names(caller, body)
    client_person_id = client_organisation_id = None
    if sees_everything(caller):
        party = people.resolve_client(session, body)
        client_sub, client_org = party.get("client_sub"), party.get("client_org")
        client_email, client_name = party.get("client_email"), party.get("client_name")
        client_org_name = party.get("client_org_name")
        client_person_id, client_organisation_id = party.get("client_person_id"), party.get("client_organisation_id")
    else:
        person = people.ensure_from_caller(session, caller)  # the requester is in the directory from now on
        organisation = people.organisation_by_code(session, caller.org)
        if organisation is None and not caller.org and person is not None:
            organisation = people.sole_organisation(session, person.id)  # the company the directory knows
            client_org = organisation.code if organisation is not None else None
        client_person_id = person.id if person else None
        client_name = client_name or (person.name if person else None)
        client_email = client_email or (person.email if person else None)
        if organisation is not None:
            client_organisation_id, client_org_name = organisation.id, client_org_name or organisation.name
    category, why = _classified(session, body, values, version.category, origin)
    initial = model.initial_status
    now = clock.now()
    dossier = Dossier(
        id=clock.new_id(),
        reference=references.next_reference(session, reference_prefix),
        title=body["title"],
        description=body.get("description") or "",
        model_id=version.model_id,
        model_version=version.version,
        category=category,
        classification=why,
        kind=body.get("kind") or "dossier",
        origin=origin,
        status=initial.code,
        client_status=initial.code if initial.client_visible else None,
        client_sub=client_sub,
        client_org=client_org,
        client_email=client_email,
        client_name=client_name,
        client_org_name=client_org_name,
        client_person_id=client_person_id,
        client_organisation_id=client_organisation_id,
        client_reference=body.get("client_reference"),
        assignee_sub=body.get("assignee_sub"),
        assignee_email=body.get("assignee_email"),
        field_values=values,
        closed_at=None,
        created_by=caller.sub,
        created_at=now,
        updated_at=now,
    )
    session.add(dossier)
    timeline.append(
        session,
        dossier.id,
        "created",
        f"Dossier {dossier.reference} created",
        visibility="requester",
        actor=caller.as_actor(),
        details={"origin": origin},
    )
    _event(
        session,
        caller,
        "dossier.created",
        dossier,
        {
            **created_fields(dossier, initial, origin),
            "client_sub": client_sub,
            "client_org": client_org,
            "client_email": client_email,
            "assignee_sub": dossier.assignee_sub,
            "created_by": caller.sub,
            "category_label": classification.labels(session).get(category, category),
            "classification": why,
            "client_name": client_name,
            "client_org_name": client_org_name,
            "client_person_id": client_person_id,
            "client_organisation_id": client_organisation_id,
            "client_language": _client_language(session, caller, client_person_id),
        },
    )
    session.flush()
    return dossier, model


def created_fields(dossier: Dossier, initial, origin: str) -> dict:
    """What every ``dossier.created`` says of the new dossier and its initial status, however it was filed."""
    return {
        "reference": dossier.reference,
        "title": dossier.title,
        "model_id": dossier.model_id,
        "model_version": dossier.model_version,
        "category": dossier.category,
        "origin": origin,
        "kind": dossier.kind,
        "status": initial.code,
        "status_label": initial.label,
        "client_visible": initial.client_visible,
        "partner_visible": initial.partner_visible,
    }


def visible_dossier(session: Session, caller: Caller, dossier_id: str, *, for_update: bool = False) -> Dossier:
    """The dossier, or 404 when it does not exist or the caller may not see it."""
    dossier = get_or_404(
        session,
        Dossier,
        dossier_id,
        "No such dossier.",
        visible=lambda dossier: may_read(
            caller, dossier.client_sub, dossier.client_org, people.member_org_codes(session, caller)
        ),
        with_for_update=for_update or None,
    )
    return dossier


def visible_dossier_with_developments(
    session: Session, caller: Caller, dossier_id: str
) -> tuple[DossierView, list[Any], dict[str, str]]:
    """The dossier, its important developments and its category's label in one round trip (the hot read).

    A Core statement built once and run on the driver's cursor (``DriverRead``), read into plain objects: no
    ORM identity map, no statement built per request, no SQLAlchemy result layer (issue 18: SQLAlchemy's query
    building and loading were 43 % of a GET, then its execution and result layers ~250 µs of CPU). What it
    returns is for presenting, not changing (a change reads the row with ``open_dossier``).
    """
    rows = _HOT_READ.rows(session, {"dossier_id": dossier_id})
    if not rows:
        raise NotFound("No such dossier.")
    first = dict(zip(_HOT_READ.keys, rows[0], strict=True))
    if not may_read(caller, first["client_sub"], first["client_org"], people.member_org_codes(session, caller)):
        raise NotFound("No such dossier.")
    dossier = DossierView(**{key: first[key] for key in _DOSSIER_KEYS})
    developments = [
        SimpleNamespace(id=row[_DEV_ID], title=row[_DEV_ID + 1], body=row[_DEV_ID + 2], created_at=row[_DEV_ID + 3])
        for row in rows
        if row[_DEV_ID] is not None
    ]
    label = first["category_label_"]
    return dossier, developments, ({dossier.category: label} if label else {})


class DossierView(SimpleNamespace):
    """A dossier row read for presenting (the attributes of ``Dossier``)."""

    @property
    def closed(self) -> bool:
        return self.closed_at is not None


_dossiers, _developments, _categories = Dossier.__table__, Development.__table__, Category.__table__
_DOSSIER_KEYS = [column.key for column in _dossiers.c]
# Built once, with a bound parameter, compiled once per dialect.
_HOT_READ = DriverRead(
    select(
        *_dossiers.c,
        _developments.c.id.label("dev_id"),
        _developments.c.title.label("dev_title"),
        _developments.c.body.label("dev_body"),
        _developments.c.created_at.label("dev_created_at"),
        _categories.c.label.label("category_label_"),
    )
    .select_from(
        _dossiers.outerjoin(_developments, _developments.c.dossier_id == _dossiers.c.id).outerjoin(
            _categories, _categories.c.code == _dossiers.c.category
        )
    )
    .where(_dossiers.c.id == bindparam("dossier_id"))
    .order_by(_developments.c.created_at, _developments.c.id)
)
_DEV_ID = _HOT_READ.keys.index("dev_id")


def open_dossier(session: Session, caller: Caller, dossier_id: str) -> Dossier:
    """A visible dossier locked for a change; 409 when it is closed."""
    dossier = visible_dossier(session, caller, dossier_id, for_update=True)
    if dossier.closed:
        raise DossierClosed(dossier.reference)
    return dossier


def developments_of(session: Session, dossier_id: str) -> list[Development]:
    return list(
        session.scalars(
            select(Development)
            .where(Development.dossier_id == dossier_id)
            .order_by(Development.created_at, Development.id)
        )
    )


def definition_for(session: Session, dossier: Dossier) -> ModelDefinition:
    return models.load_definition(session, dossier.model_id, dossier.model_version)


def _changed(dossier: Dossier, attributes: dict[str, Any]) -> list[str]:
    return [key for key, value in attributes.items() if getattr(dossier, key) != value]


def _assignee_label(session: Session, assignee_sub: str | None, assignee_email: str | None) -> str:
    """Who a dossier was assigned to, as a line names them: the directory's name, else the email the agent gave
    (the client's contact), else a pseudonym; never the account id (clients read the line)."""
    if not assignee_sub:
        return "nobody"
    return (
        people.names_by_sub(session, [assignee_sub]).get(assignee_sub)
        or assignee_email
        or pseudonym(assignee_sub, "agent")
    )


def _assign(
    session: Session, caller: Caller, dossier: Dossier, assignee_sub: str | None, assignee_email: str | None
) -> None:
    previous = dossier.assignee_sub
    dossier.assignee_sub, dossier.assignee_email = assignee_sub, assignee_email
    dossier.updated_at = clock.now()
    timeline.append(
        session,
        dossier.id,
        "assigned",
        f"Assigned to {_assignee_label(session, assignee_sub, assignee_email)}",
        visibility="requester",
        actor=caller.as_actor(),
        details={"assignee_sub": assignee_sub, "previous_assignee_sub": previous},
    )
    _event(
        session,
        caller,
        "dossier.assigned",
        dossier,
        {"assignee_sub": assignee_sub, "assignee_email": assignee_email, "previous_assignee_sub": previous},
    )


def dossier_etag(dossier: Dossier) -> str:
    """The dossier's strong ETag: every change of the dossier itself moves ``updated_at``."""
    return etag_of(dossier.id, dossier.updated_at)


def update_dossier(
    session: Session, caller: Caller, dossier_id: str, body: dict[str, Any], *, precondition: Precondition | None = None
) -> Dossier:
    """Write what the caller's view allows; anything else is 422 and nothing changes.

    ``precondition`` (the request's If-Match) is checked on the locked row before anything is written: 412."""
    dossier = open_dossier(session, caller, dossier_id)
    if precondition is not None:
        precondition.check(dossier_etag(dossier))
    _refuse_staff_only(caller, body, CLIENT_EDITABLE)
    if "assignee_email" in body and "assignee_sub" not in body:
        raise ValidationFailed("Assign with assignee_sub.", errors={"assignee_email": ["send it with assignee_sub"]})
    model = definition_for(session, dossier)
    values = body.get("fields") or {}
    check_writable(values, writable_view(caller, model), model.all_fields())
    attributes = {key: body[key] for key in ("title", "description", "client_reference") if key in body}
    changed = _changed(dossier, attributes)
    for key in changed:
        setattr(dossier, key, attributes[key])
    if "category" in body and body["category"] != dossier.category:
        classification.check_category(session, body["category"])
        dossier.classification = {"source": "staff", "changed_by": caller.sub, "previous": dossier.category}
        dossier.category = body["category"]
        changed.append("category")
    current = dossier.field_values or {}
    changed_values = [key for key, value in values.items() if current.get(key) != value]
    if changed_values:
        dossier.field_values = {**current, **values}
    if "assignee_sub" in body and (body["assignee_sub"], body.get("assignee_email")) != (
        dossier.assignee_sub,
        dossier.assignee_email,
    ):
        _assign(session, caller, dossier, body["assignee_sub"], body.get("assignee_email"))
    if changed or changed_values:
        _record_update(session, caller, dossier, model, changed + changed_values)
    session.flush()
    return dossier


def _record_update(
    session: Session, caller: Caller, dossier: Dossier, model: ModelDefinition, changed: list[str]
) -> None:
    dossier.updated_at = clock.now()
    client_readable = set(readable_fields(CLIENT_AUDIENCE, model)) | {
        "title",
        "description",
        "client_reference",
        "category",
    }
    visibility = "requester" if set(changed) <= client_readable else "internal"
    timeline.append(
        session,
        dossier.id,
        "updated",
        "Updated: " + ", ".join(changed),
        visibility=visibility,
        actor=caller.as_actor(),
        details={"changed_fields": changed},
    )
    data: dict[str, Any] = {"changed_fields": changed}
    if "title" in changed:  # the partner-gateway's list of a partner's dossiers shows it
        data["title"] = dossier.title
    if "category" in changed:  # consumers filtering on categories follow the new one
        data.update(category=dossier.category, category_label=classification.labels(session).get(dossier.category))
    _event(session, caller, "dossier.updated", dossier, data)


def write_partner_values(session: Session, caller: Caller, dossier_id: str, values: dict[str, Any]) -> Dossier:
    """The partner-gateway writes fields the partner view marks ``write``; 422 for any other, 409 when closed."""
    dossier = open_dossier(session, caller, dossier_id)
    model = definition_for(session, dossier)
    check_writable(values, model.views["partner"], model.all_fields())
    current = dossier.field_values or {}
    changed = [key for key, value in values.items() if current.get(key) != value]
    if changed:
        dossier.field_values = {**current, **values}
        _record_update(session, caller, dossier, model, changed)
    session.flush()
    return dossier


def transition(session: Session, caller: Caller, dossier_id: str, target: str) -> tuple[Dossier, ModelDefinition]:
    """Move along an allowed transition (409 otherwise); timeline and ``dossier.status_changed``."""
    dossier = open_dossier(session, caller, dossier_id)
    model = definition_for(session, dossier)
    if not model.allows(dossier.status, target):
        raise TransitionNotAllowed(dossier.status, target)
    previous, spec = dossier.status, model.status(target)
    dossier.status = target
    if spec.client_visible:
        dossier.client_status = target
    dossier.updated_at = clock.now()
    timeline.append(
        session,
        dossier.id,
        "status_changed",
        f"Status: {spec.label}",
        visibility="requester" if spec.client_visible else "internal",
        actor=caller.as_actor(),
        details={"from": previous, "to": target},
    )
    _event(
        session,
        caller,
        "dossier.status_changed",
        dossier,
        {
            "reference": dossier.reference,
            "from": previous,
            "to": target,
            "status_label": spec.label,
            "partner_visible": spec.partner_visible,
            "client_visible": spec.client_visible,
            "category": dossier.category,
            "client_sub": dossier.client_sub,
            "client_org": dossier.client_org,
        },
    )
    session.flush()
    return dossier, model


def close(session: Session, caller: Caller, dossier_id: str) -> Dossier:
    """Close: readable forever, changed never again."""
    dossier = open_dossier(session, caller, dossier_id)
    dossier.closed_at = dossier.updated_at = clock.now()
    timeline.append(session, dossier.id, "closed", "Dossier closed", visibility="requester", actor=caller.as_actor())
    _event(session, caller, "dossier.closed", dossier, {"closed_at": clock.isoformat(dossier.closed_at)})
    session.flush()
    return dossier


def list_dossiers(session: Session, caller: Caller, filters: dict[str, Any], *, limit: int, cursor: str | None) -> Page:
    """Newest first, keyset-paginated; clients only see their own and their company's dossiers."""
    statement = select(Dossier)
    if not sees_everything(caller):
        audience = [Dossier.client_sub == caller.sub]
        orgs = set(people.member_org_codes(session, caller)) | ({caller.org} if caller.org else set())
        if orgs:
            audience.append(Dossier.client_org.in_(sorted(orgs)))
        statement = statement.where(or_(*audience))
    status_column = Dossier.status if sees_everything(caller) else Dossier.client_status
    for value, column in (
        (filters.get("status"), status_column),
        (filters.get("category"), Dossier.category),
        (filters.get("origin"), Dossier.origin),
        (filters.get("assignee"), Dossier.assignee_sub),
        (filters.get("kind"), Dossier.kind),
        (filters.get("model_id"), Dossier.model_id),
    ):
        if value is not None:
            statement = statement.where(column == value)
    if filters.get("q"):
        pattern = "%" + filters["q"].lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        statement = statement.where(search_text().like(pattern, escape="\\"))
    return keyset_page(
        session, statement, [Dossier.created_at, Dossier.id], limit=limit, cursor=cursor, descending=True
    )
