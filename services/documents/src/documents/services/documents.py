"""Use cases on documents: add, read, list, change visibility, delete. They take a session and never commit."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from platform_shared import clock
from platform_shared.auth import Caller
from platform_shared.db import get_or_404
from platform_shared.errors import NotFound
from platform_shared.etag import Precondition, etag_of
from platform_shared.messaging.outbox import record_event
from platform_shared.pagination import Page, decode_cursor, encode_cursor

from .. import SERVICE_NAME
from ..db import Document, Rendition, TemplateVersion
from ..domain import access as rules
from ..domain.errors import FileTypeMismatch, FileTypeNotAllowed, OnBehalfRefused
from ..domain.files import CONTENT_TYPES, name_matches_kind, sniff_kind
from ..storage import Spooled, Storage
from .owners import ensure_dossier_open, owner_client, resolve_dossier_id

if TYPE_CHECKING:
    from ..clients import AccessLookup  # its HTTP client (requests) is the API's, not the worker's

OWNER_TYPES = ("dossier", "contract", "beneficiary", "solicitation")
CATEGORIES = ("supporting_piece", "opinion", "attestation", "letter", "invoice", "quote", "order", "other")


@dataclass(frozen=True)
class Visibility:
    """Who sees a document; ``financial`` is None until decided (staff's word, else the category's default)."""

    client: bool = False
    partner: bool = False
    roles: tuple[str, ...] = ()
    financial: bool | None = None

    def decided(self, caller: Caller, category: str, financial_categories: Iterable[str]) -> Visibility:
        """This visibility with its ``financial`` flag settled for ``caller`` (only staff and services choose)."""
        return replace(self, financial=rules.financial_flag(caller, self.financial, category, financial_categories))


@dataclass(frozen=True)
class Uploader:
    sub: str
    role: str


def visibility_of(document: Document) -> dict:
    return {
        "client": document.visible_client,
        "partner": document.visible_partner,
        "roles": list(document.visible_roles or []),
        "financial": document.financial,
    }


def document_event_data(document: Document) -> dict:
    return {
        "document_id": document.id,
        "owner_type": document.owner_type,
        "owner_id": document.owner_id,
        "dossier_id": document.dossier_id,
    }


# ----- adding ---------------------------------------------------------------------------------
def check_file_type(spooled: Spooled, filename: str, allowed_kinds: Iterable[str]) -> str:
    """The kind read from the bytes; 415 when it is not allowed or the name claims another type."""
    kind = sniff_kind(spooled.path, filename)
    if kind is None or kind not in allowed_kinds:
        raise FileTypeNotAllowed(allowed_kinds)
    if not name_matches_kind(filename, kind):
        raise FileTypeMismatch(kind)
    return kind


def add_rendition(session: Session, document: Document, *, kind: str, key: str, size: int, sha256: str) -> Rendition:
    rendition = Rendition(
        id=clock.new_id(),
        document_id=document.id,
        kind=kind,
        content_type=CONTENT_TYPES[kind],
        size=size,
        sha256=sha256,
        storage_key=key,
        created_at=clock.now(),
    )
    session.add(rendition)
    document.renditions.append(rendition)
    return rendition


def create_document(
    session: Session,
    *,
    owner_type: str,
    owner_id: str,
    dossier_id: str | None,
    filename: str,
    category: str,
    visibility: Visibility,
    uploader: Uploader,
    state: str,
    template_id: str | None = None,
    template_version: int | None = None,
    warnings: list | None = None,
    error: str | None = None,
) -> Document:
    now = clock.now()
    document = Document(
        id=clock.new_id(),
        owner_type=owner_type,
        owner_id=owner_id,
        dossier_id=resolve_dossier_id(session, owner_type, owner_id, dossier_id),
        filename=filename,
        category=category,
        visible_client=visibility.client,
        visible_partner=visibility.partner,
        visible_roles=list(visibility.roles),
        financial=bool(visibility.financial),
        uploaded_by_sub=uploader.sub,
        uploaded_by_role=uploader.role,
        state=state,
        error=error,
        template_id=template_id,
        template_version=template_version,
        warnings=warnings or [],
        created_at=now,
        updated_at=now,
    )
    session.add(document)
    return document


def record_document_added(session: Session, document: Document, actor: dict) -> None:
    record_event(
        session,
        "document.added",
        {
            **document_event_data(document),
            "filename": document.filename,
            "category": document.category,
            "visibility": visibility_of(document),
            "uploaded_by": {"sub": document.uploaded_by_sub, "role": document.uploaded_by_role},
            "state": document.state,
        },
        producer=SERVICE_NAME,
        aggregate_id=document.id,
        actor=actor,
    )


def upload_document(
    session: Session,
    storage: Storage,
    lookup: AccessLookup,
    caller: Caller,
    *,
    spooled: Spooled,
    filename: str,
    owner_type: str,
    owner_id: str,
    dossier_id: str | None,
    category: str,
    visibility: Visibility,
    on_behalf: Uploader | None,
    allowed_kinds: Iterable[str],
    financial_categories: Iterable[str],
) -> Document:
    """Store an uploaded file for an owner; outside staff the uploader must be allowed on the owner."""
    if on_behalf is not None and not caller.is_service:
        raise OnBehalfRefused()
    kind = check_file_type(spooled, filename, tuple(allowed_kinds))
    uploader = on_behalf or Uploader(caller.sub, caller.role)
    dossier_id = resolve_dossier_id(session, owner_type, owner_id, dossier_id)
    if not rules.sees_everything(caller):
        client = owner_client(session, owner_type, owner_id)
        access = rules.NO_ACCESS if client and client.includes(caller) else lookup.access(dossier_id, caller.sub)
        if not rules.may_upload(caller, client, access):
            raise NotFound("No such owner.")
        forced = rules.visibility_for_non_staff_upload(caller, client, access, visibility.roles)
        visibility = Visibility(forced.client, forced.partner, forced.roles)
    visibility = visibility.decided(caller, category, financial_categories)
    ensure_dossier_open(session, dossier_id)
    document = create_document(
        session,
        owner_type=owner_type,
        owner_id=owner_id,
        dossier_id=dossier_id,
        filename=filename,
        category=category,
        visibility=visibility,
        uploader=uploader,
        state="ready",
    )
    size, sha256 = spooled.size, spooled.sha256
    key = storage.put(spooled)
    add_rendition(session, document, kind=kind, key=key, size=size, sha256=sha256)
    session.flush()
    record_document_added(session, document, caller.as_actor())
    return document


def third_party_download(document: Document, rendition: str) -> dict:
    return {**document_event_data(document), "filename": document.filename, "rendition": rendition}


def record_third_party_download(session: Session, data: dict, actor: dict) -> None:
    """``document.downloaded``: a third party (a partner, contributor or participant) read the bytes; the
    partner-gateway writes it in the dossier's audit log (reads by third parties are audited, not only writes)."""
    record_event(
        session,
        "document.downloaded",
        data,
        producer=SERVICE_NAME,
        aggregate_id=data["document_id"],
        actor=actor,
    )


# ----- reading --------------------------------------------------------------------------------
def visible_to(session: Session, lookup: AccessLookup, caller: Caller, document: Document) -> bool:
    client = owner_client(session, document.owner_type, document.owner_id)
    if rules.granted_without_gateway(caller, document, client):
        return True
    if not rules.may_need_gateway(document):
        return False
    return rules.granted_to_third_party(document, lookup.access(document.dossier_id, caller.sub))


def get_visible_document(session: Session, lookup: AccessLookup, caller: Caller, document_id: str) -> Document:
    document = get_or_404(
        session,
        Document,
        document_id,
        "No such document.",
        visible=lambda document: visible_to(session, lookup, caller, document),
    )
    return document


def list_visible_documents(
    session: Session,
    lookup: AccessLookup,
    caller: Caller,
    *,
    owner_type: str,
    owner_id: str,
    partner_only: bool,
    role: str | None,
    limit: int,
    cursor: str | None,
) -> Page:
    """An owner's documents the caller may see, oldest first, one page at a time.

    Visibility needs the gateway's answer, so filtering happens here rather than in SQL; an owner
    holds tens of documents, not thousands.
    """
    documents = (
        session.execute(
            select(Document)
            .where(Document.owner_type == owner_type, Document.owner_id == owner_id)
            .order_by(Document.created_at, Document.id)
        )
        .scalars()
        .all()
    )
    if partner_only:
        documents = [document for document in documents if document.visible_partner]
    if role:
        documents = [document for document in documents if role in (document.visible_roles or [])]
    if cursor:
        after_created, after_id = decode_cursor(cursor, [Document.created_at, Document.id])
        documents = [
            document for document in documents if (document.created_at, document.id) > (after_created, after_id)
        ]
    page: list[Document] = []
    for document in documents:
        if visible_to(session, lookup, caller, document):
            if len(page) == limit:
                last = page[-1]
                return Page(page, encode_cursor([last.created_at, last.id]))
            page.append(document)
    return Page(page, None)


# ----- changing -------------------------------------------------------------------------------
def document_etag(document: Document) -> str:
    """The document's strong ETag: every change of its row moves ``updated_at``."""
    return etag_of(document.id, document.updated_at)


def change_visibility(
    session: Session,
    caller: Caller,
    document_id: str,
    *,
    client: bool | None,
    partner: bool | None,
    roles: list[str] | None,
    financial: bool | None = None,
    precondition: Precondition | None = None,
) -> Document:
    """``precondition`` (If-Match) is checked on the locked row before anything is written: 412."""
    document = get_or_404(session, Document, document_id, "No such document.", with_for_update=True)
    if precondition is not None:
        precondition.check(document_etag(document))
    ensure_dossier_open(session, document.dossier_id)
    if client is not None:
        document.visible_client = client
    if partner is not None:
        document.visible_partner = partner
    if roles is not None:
        document.visible_roles = sorted(set(roles))
    if financial is not None:
        document.financial = financial
    document.updated_at = clock.now()
    record_event(
        session,
        "document.visibility_changed",
        {
            **document_event_data(document),
            "visibility": visibility_of(document),
        },
        producer=SERVICE_NAME,
        aggregate_id=document.id,
        actor=caller.as_actor(),
    )
    return document


def delete_document(session: Session, caller: Caller, document_id: str) -> list[str]:
    """Remove the document and its renditions; return the storage keys to purge after commit."""
    document = get_or_404(session, Document, document_id, "No such document.")
    ensure_dossier_open(session, document.dossier_id)
    keys = [rendition.storage_key for rendition in document.renditions]
    data = document_event_data(document)
    session.delete(document)
    record_event(
        session,
        "document.deleted",
        data,
        producer=SERVICE_NAME,
        aggregate_id=data["document_id"],
        actor=caller.as_actor(),
    )
    return keys


def unreferenced_keys(session: Session, keys: Iterable[str]) -> list[str]:
    """Keys no rendition or template version points to any more (bytes are shared between equal files)."""
    keys = set(keys)
    if not keys:
        return []
    used = set(session.execute(select(Rendition.storage_key).where(Rendition.storage_key.in_(keys))).scalars())
    used |= set(
        session.execute(select(TemplateVersion.storage_key).where(TemplateVersion.storage_key.in_(keys))).scalars()
    )
    return sorted(keys - used)


def find_rendition(document: Document, kind: str | None) -> Rendition | None:
    by_kind = {rendition.kind: rendition for rendition in document.renditions}
    if kind:
        return by_kind.get(kind)
    if "pdf" in by_kind:
        return by_kind["pdf"]
    return document.renditions[0] if document.renditions else None


def rendition_filename(filename: str, kind: str) -> str:
    """The document's name with the rendition's extension (``attestation.docx`` -> ``attestation.pdf``)."""
    stem, dot, extension = filename.rpartition(".")
    base = stem if dot and stem else filename
    if extension.lower() == kind or (kind == "jpeg" and extension.lower() in ("jpg", "jpeg")):
        return filename
    return f"{base}.{kind}"
