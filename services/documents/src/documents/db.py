"""Tables of the documents service (its own database only)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, BigInteger, Boolean, ForeignKey, Integer, MetaData, String, Text, UniqueConstraint, false
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from platform_shared.db import UTCDateTime
from platform_shared.directory import attach_directory_copy
from platform_shared.messaging.tables import attach_messaging_tables


class Base(DeclarativeBase):
    metadata = MetaData()


class Document(Base):
    """A file attached to an owner, with its visibility and its renditions."""

    __tablename__ = "documents"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    owner_type: Mapped[str] = mapped_column(String(16), index=True)
    owner_id: Mapped[str] = mapped_column(String(64), index=True)
    dossier_id: Mapped[str | None] = mapped_column(String(64), index=True)
    filename: Mapped[str] = mapped_column(String(255))
    category: Mapped[str] = mapped_column(String(32))
    visible_client: Mapped[bool] = mapped_column(Boolean, default=False)
    visible_partner: Mapped[bool] = mapped_column(Boolean, default=False)
    visible_roles: Mapped[list] = mapped_column(JSON, default=list)
    # Participants never see a financial document (docs/architecture.md §5); nobody else is affected.
    financial: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    uploaded_by_sub: Mapped[str] = mapped_column(String(200))
    uploaded_by_role: Mapped[str] = mapped_column(String(16))
    state: Mapped[str] = mapped_column(String(16))
    error: Mapped[str | None] = mapped_column(Text)
    template_id: Mapped[str | None] = mapped_column(String(36))
    template_version: Mapped[int | None] = mapped_column(Integer)
    warnings: Mapped[list] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())

    renditions: Mapped[list[Rendition]] = relationship(
        back_populates="document",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="Rendition.created_at",
        lazy="selectin",
    )


class Rendition(Base):
    """One form of a document's bytes (the original, the .docx, the PDF...)."""

    __tablename__ = "renditions"
    __table_args__ = (UniqueConstraint("document_id", "kind", name="uq_renditions_document_kind"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    document_id: Mapped[str] = mapped_column(String(36), ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    content_type: Mapped[str] = mapped_column(String(128))
    size: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64))
    storage_key: Mapped[str] = mapped_column(String(200), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())

    document: Mapped[Document] = relationship(back_populates="renditions")


class Owner(Base):
    """What this service knows about an owner from other services' events (never from their databases)."""

    __tablename__ = "owners"

    owner_type: Mapped[str] = mapped_column(String(16), primary_key=True)
    owner_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    client_sub: Mapped[str | None] = mapped_column(String(200))
    client_org: Mapped[str | None] = mapped_column(String(200))
    dossier_id: Mapped[str | None] = mapped_column(String(64))
    closed: Mapped[bool] = mapped_column(Boolean, default=False)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class ConversionJob(Base):
    """A PDF conversion the worker owes a rendered document."""

    __tablename__ = "conversion_jobs"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    document_id: Mapped[str] = mapped_column(String(36), ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    state: Mapped[str] = mapped_column(String(16), index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Template(Base):
    """A Word template; its versions hold the bytes and the tags found in them."""

    __tablename__ = "templates"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    type: Mapped[str] = mapped_column(String(32))
    entity: Mapped[str] = mapped_column(String(16))
    pdf_auto: Mapped[bool] = mapped_column(Boolean, default=False)
    # The language the template is written in: ``today`` (and what callers fill in) is written so.
    language: Mapped[str] = mapped_column(String(5), default="fr", server_default="fr")
    current_version: Mapped[int] = mapped_column(Integer)
    created_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class TemplateVersion(Base):
    __tablename__ = "template_versions"
    __table_args__ = (UniqueConstraint("template_id", "version", name="uq_template_versions_version"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    template_id: Mapped[str] = mapped_column(String(36), ForeignKey("templates.id", ondelete="CASCADE"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    filename: Mapped[str] = mapped_column(String(255))
    storage_key: Mapped[str] = mapped_column(String(200))
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(BigInteger)
    tags: Mapped[list] = mapped_column(JSON)
    created_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class TemplateField(Base):
    """The label and default an admin gave an input tag of a template (kept across versions)."""

    __tablename__ = "template_fields"

    template_id: Mapped[str] = mapped_column(
        String(36), ForeignKey("templates.id", ondelete="CASCADE"), primary_key=True
    )
    name: Mapped[str] = mapped_column(String(200), primary_key=True)
    label: Mapped[str | None] = mapped_column(String(300))
    default: Mapped[str | None] = mapped_column(Text)


attach_messaging_tables(Base.metadata)
attach_directory_copy(Base.metadata)
