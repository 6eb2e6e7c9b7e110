"""Use cases on templates: upload and version them, configure their input fields, render documents."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from platform_shared import clock
from platform_shared.auth import Caller
from platform_shared.db import get_or_404
from platform_shared.i18n import format_date
from platform_shared.messaging.outbox import record_event
from platform_shared.messaging.wake import wake_after_commit

from .. import SERVICE_NAME
from ..conversion.render_process import RenderRefused, TemplateRenderer
from ..db import ConversionJob, Document, Template, TemplateField, TemplateVersion
from ..domain import templates as rules
from ..domain.errors import InvalidTemplate, NotInputFields
from ..domain.files import sanitise_filename
from ..storage import Spooled, Storage, read_all, spool_bytes
from .documents import (
    Uploader,
    Visibility,
    add_rendition,
    check_file_type,
    create_document,
    document_event_data,
    record_document_added,
)
from .owners import ensure_dossier_open

CONVERSIONS_TOPIC = "pdf-conversions"  # the wake of the conversion job (issue 18)

TEMPLATE_TYPES = ("attestation", "letter", "opinion", "financial", "other")
NO_CONVERTER_ERROR = "No PDF converter is available (CONVERTER=none or LibreOffice absent): only the .docx exists."


def _store_version(
    session: Session,
    storage: Storage,
    caller: Caller,
    template: Template,
    spooled: Spooled,
    filename: str,
    version: int,
) -> TemplateVersion:
    check_file_type(spooled, filename, ("docx",))
    try:
        tags = rules.discover_tags(spooled.path.read_bytes())
    except rules.TemplateProblem as problem:
        raise InvalidTemplate(problem.message, "file") from problem
    size, sha256 = spooled.size, spooled.sha256
    key = storage.put(spooled)
    template_version = TemplateVersion(
        id=clock.new_id(),
        template_id=template.id,
        version=version,
        filename=filename,
        storage_key=key,
        sha256=sha256,
        size=size,
        tags=tags,
        created_by=caller.sub,
        created_at=clock.now(),
    )
    session.add(template_version)
    template.current_version = version
    template.updated_at = clock.now()
    return template_version


def create_template(
    session: Session,
    storage: Storage,
    caller: Caller,
    *,
    spooled: Spooled,
    filename: str,
    name: str,
    type: str,
    entity: str,
    pdf_auto: bool,
    language: str = "fr",
) -> Template:
    now = clock.now()
    template = Template(
        id=clock.new_id(),
        name=name,
        type=type,
        entity=entity,
        pdf_auto=pdf_auto,
        language=language,
        current_version=1,
        created_by=caller.sub,
        created_at=now,
        updated_at=now,
    )
    session.add(template)
    session.flush()
    _store_version(session, storage, caller, template, spooled, filename, 1)
    return template


def add_template_version(
    session: Session, storage: Storage, caller: Caller, template_id: str, *, spooled: Spooled, filename: str
) -> Template:
    """A new upload makes a new version; documents already generated keep theirs."""
    template = get_template(session, template_id)
    _store_version(session, storage, caller, template, spooled, filename, template.current_version + 1)
    return template


def get_template(session: Session, template_id: str) -> Template:
    template = get_or_404(session, Template, template_id, "No such template.")
    return template


def current_version(session: Session, template: Template) -> TemplateVersion:
    return session.execute(
        select(TemplateVersion).where(
            TemplateVersion.template_id == template.id, TemplateVersion.version == template.current_version
        )
    ).scalar_one()


def field_configs(session: Session, template_id: str) -> dict[str, rules.FieldConfig]:
    rows = session.execute(select(TemplateField).where(TemplateField.template_id == template_id)).scalars()
    return {row.name: rules.FieldConfig(row.label, row.default) for row in rows}


def template_fields(session: Session, template: Template) -> list[dict]:
    """Every tag of the current version: entity-provided ones with their meaning, inputs with label/default."""
    version = current_version(session, template)
    configs = field_configs(session, template.id)
    described = {**rules.ENTITY_FIELDS.get(template.entity, {}), **rules.SERVICE_FIELDS}
    result = []
    for tag in version.tags:
        if rules.entity_provides(template.entity, tag):
            result.append(
                {"name": tag, "source": "entity", "description": described[tag], "label": None, "default": None}
            )
        else:
            config = configs.get(tag, rules.FieldConfig())
            result.append(
                {
                    "name": tag,
                    "source": "input",
                    "description": None,
                    "label": config.label or tag,
                    "default": config.default,
                }
            )
    return result


def configure_fields(session: Session, template_id: str, fields: list[dict]) -> Template:
    """Set the label and default of input fields; naming a non-input tag is 422."""
    template = get_template(session, template_id)
    inputs = set(rules.input_tags(template.entity, current_version(session, template).tags))
    unknown = sorted({field["name"] for field in fields} - inputs)
    if unknown:
        raise NotInputFields(unknown)
    for field in fields:
        row = session.get(TemplateField, (template.id, field["name"]))
        if row is None:
            row = TemplateField(template_id=template.id, name=field["name"])
            session.add(row)
        row.label = field.get("label")
        row.default = field.get("default")
    template.updated_at = clock.now()
    return template


@dataclass(frozen=True)
class RenderRequest:
    context: dict
    inputs: dict
    owner_type: str
    owner_id: str
    dossier_id: str | None
    category: str
    visibility: Visibility
    filename: str | None


def _render_values(
    session: Session, template: Template, version: TemplateVersion, request: RenderRequest
) -> rules.RenderContext:
    return rules.build_context(
        entity=template.entity,
        tags=version.tags,
        context=request.context,
        inputs=request.inputs,
        fields=field_configs(session, template.id),
        today=format_date(clock.today(), template.language),
    )


def _document_name(template_name: str, pdf_auto: bool, requested: str | None, state: str) -> str:
    """The display name: ``.pdf`` when the render yields a PDF (what the client downloads), else ``.docx``."""
    base = sanitise_filename(requested or template_name, fallback="document")
    stem, dot, extension = base.rpartition(".")
    if dot and stem and extension.lower() in ("docx", "pdf"):
        base = stem
    return f"{base}.pdf" if pdf_auto and state != "pdf_unavailable" else f"{base}.docx"


@dataclass(frozen=True)
class PreparedRender:
    """What a render needs, read in a short transaction: the render itself runs outside any."""

    template_id: str
    template_name: str
    pdf_auto: bool
    version: int
    storage_key: str
    values: rules.RenderContext


def prepare_render(session: Session, template_id: str, request: RenderRequest) -> PreparedRender:
    """Check the request (inputs, open dossier) and gather what the render needs; writes nothing."""
    template = get_template(session, template_id)
    version = current_version(session, template)
    values = _render_values(session, template, version, request)
    ensure_dossier_open(session, _dossier_of(request))
    return PreparedRender(template.id, template.name, template.pdf_auto, version.version, version.storage_key, values)


def _dossier_of(request: RenderRequest) -> str | None:
    return request.dossier_id if request.owner_type != "dossier" else request.owner_id


def render_prepared(storage: Storage, renderer: TemplateRenderer, prepared: PreparedRender) -> bytes:
    """Fill the template in a child process under its time, memory and output limits (no transaction open)."""
    try:
        return renderer.render(read_all(storage, prepared.storage_key), prepared.values.values)
    except RenderRefused as refused:
        raise InvalidTemplate(refused.message, "template") from refused


def store_rendered(
    session: Session,
    storage: Storage,
    caller: Caller,
    prepared: PreparedRender,
    request: RenderRequest,
    docx: bytes,
    *,
    converter_name: str,
    tmp_dir,
    financial_categories: Iterable[str],
) -> Document:
    """The rendered .docx becomes a document (its PDF queued when ``pdf_auto``); the dossier is checked
    open again, since it may have closed while the template rendered."""
    ensure_dossier_open(session, _dossier_of(request))
    wants_pdf = prepared.pdf_auto
    state = "ready" if not wants_pdf else ("rendering" if converter_name != "none" else "pdf_unavailable")
    document = create_document(
        session,
        owner_type=request.owner_type,
        owner_id=request.owner_id,
        dossier_id=request.dossier_id,
        filename=_document_name(prepared.template_name, prepared.pdf_auto, request.filename, state),
        category=request.category,
        visibility=request.visibility.decided(caller, request.category, financial_categories),
        uploader=Uploader(caller.sub, caller.role),
        state=state,
        template_id=prepared.template_id,
        template_version=prepared.version,
        warnings=prepared.values.warnings,
        error=NO_CONVERTER_ERROR if state == "pdf_unavailable" else None,
    )
    spooled = spool_bytes(docx, tmp_dir)
    size, sha256 = spooled.size, spooled.sha256
    add_rendition(session, document, kind="docx", key=storage.put(spooled), size=size, sha256=sha256)
    session.flush()
    record_document_added(session, document, caller.as_actor())
    if state == "rendering":
        wake_after_commit(session, CONVERSIONS_TOPIC)  # the worker converts at commit, not at its next poll
        session.add(
            ConversionJob(
                id=clock.new_id(), document_id=document.id, state="pending", attempts=0, created_at=clock.now()
            )
        )
    elif state == "pdf_unavailable":
        record_render_failed(session, document, NO_CONVERTER_ERROR, caller.as_actor())
    else:
        record_rendered(session, document, caller.as_actor())
    return document


def record_rendered(session: Session, document: Document, actor: dict) -> None:
    record_event(
        session,
        "document.rendered",
        {
            **document_event_data(document),
            "renditions": [rendition.kind for rendition in document.renditions],
            "warnings": document.warnings or [],
        },
        producer=SERVICE_NAME,
        aggregate_id=document.id,
        actor=actor,
    )


def record_render_failed(session: Session, document: Document, error: str, actor: dict) -> None:
    record_event(
        session,
        "document.render_failed",
        {
            **document_event_data(document),
            "renditions": [rendition.kind for rendition in document.renditions],
            "error": error,
        },
        producer=SERVICE_NAME,
        aggregate_id=document.id,
        actor=actor,
    )
