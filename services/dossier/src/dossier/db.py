"""Tables of the dossier service (its own database only)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Index, Integer, MetaData, String, Text, func, literal_column
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from platform_shared.db import UTCDateTime
from platform_shared.messaging.tables import attach_messaging_tables


class Base(DeclarativeBase):
    metadata = MetaData()


class DossierModel(Base):
    """A dossier model's identity and its latest version number; the definitions live in ``ModelVersion``."""

    __tablename__ = "dossier_models"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    current_version: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class ModelVersion(Base):
    """One immutable version of a model: a dossier keeps the version it was created with."""

    __tablename__ = "model_versions"

    model_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    version: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    category: Mapped[str] = mapped_column(String(64))
    client_can_create: Mapped[bool] = mapped_column(Boolean)
    definition: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class ReferenceCounter(Base):
    """The last number handed out per reference prefix and year (row-locked by the UPDATE)."""

    __tablename__ = "reference_counters"

    prefix: Mapped[str] = mapped_column(String(16), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    last_value: Mapped[int] = mapped_column(Integer)


class Dossier(Base):
    __tablename__ = "dossiers"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    reference: Mapped[str] = mapped_column(String(32), unique=True)
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    model_id: Mapped[str] = mapped_column(String(36))
    model_version: Mapped[int] = mapped_column(Integer)
    category: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(16))
    origin: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(64))
    client_status: Mapped[str | None] = mapped_column(String(64))
    client_sub: Mapped[str | None] = mapped_column(String(200))
    client_org: Mapped[str | None] = mapped_column(String(200))
    client_email: Mapped[str | None] = mapped_column(String(320))
    # The requester's name and their company's (from their token, or given by staff): who asked, for staff.
    client_name: Mapped[str | None] = mapped_column(String(200))
    client_org_name: Mapped[str | None] = mapped_column(String(200))
    # The directory entries of the client (a person) and of its company (an organisation), when known.
    client_person_id: Mapped[str | None] = mapped_column(String(36))
    client_organisation_id: Mapped[str | None] = mapped_column(String(36))
    # Why the dossier has its category: {"source": "rule", rule_id, rule_name, keyword, found_in},
    # {"source": "model"} or {"source": "staff", changed_by, previous}.
    classification: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    client_reference: Mapped[str | None] = mapped_column(String(100))
    # Filed by a partner on behalf of the client (issue 14): who filed it, for staff ("filed by X on behalf of Y").
    filed_by_sub: Mapped[str | None] = mapped_column(String(200))
    filed_by_name: Mapped[str | None] = mapped_column(String(200))
    filed_by_org: Mapped[str | None] = mapped_column(String(200))
    assignee_sub: Mapped[str | None] = mapped_column(String(200))
    assignee_email: Mapped[str | None] = mapped_column(String(320))
    field_values: Mapped[dict[str, Any]] = mapped_column(JSON)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())

    @property
    def closed(self) -> bool:
        return self.closed_at is not None


def search_text(table=Dossier):
    """``lower(title || ' ' || reference)``: the expression the text search and its trigram index share."""
    return func.lower(table.title + literal_column("' '") + table.reference)


Index("ix_dossiers_created", Dossier.created_at, Dossier.id)
Index("ix_dossiers_status", Dossier.status, Dossier.created_at, Dossier.id)
Index("ix_dossiers_category", Dossier.category, Dossier.created_at, Dossier.id)
Index("ix_dossiers_origin", Dossier.origin, Dossier.created_at, Dossier.id)
Index("ix_dossiers_assignee", Dossier.assignee_sub, Dossier.created_at, Dossier.id)
Index("ix_dossiers_client_sub", Dossier.client_sub, Dossier.created_at, Dossier.id)
Index("ix_dossiers_client_org", Dossier.client_org, Dossier.created_at, Dossier.id)
# One index per list filter, each ending with the keyset order (migration 0005_perf_indexes).
Index("ix_dossiers_client_status", Dossier.client_status, Dossier.created_at, Dossier.id)
Index("ix_dossiers_kind", Dossier.kind, Dossier.created_at, Dossier.id)
Index("ix_dossiers_model", Dossier.model_id, Dossier.created_at, Dossier.id)
Index("ix_dossiers_client_person", Dossier.client_person_id)


class Note(Base):
    __tablename__ = "notes"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    dossier_id: Mapped[str] = mapped_column(String(36))
    visibility: Mapped[str] = mapped_column(String(16))
    body: Mapped[str] = mapped_column(Text)
    author_sub: Mapped[str] = mapped_column(String(200))
    author_role: Mapped[str] = mapped_column(String(16))
    author_name: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


Index("ix_notes_dossier", Note.dossier_id, Note.created_at, Note.id)


class Development(Base):
    """An important development, shown to the requester."""

    __tablename__ = "developments"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    dossier_id: Mapped[str] = mapped_column(String(36))
    title: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    author_sub: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


Index("ix_developments_dossier", Development.dossier_id, Development.created_at, Development.id)


class TimelineEntry(Base):
    """One line of a dossier's history, with the audience allowed to see it."""

    __tablename__ = "timeline_entries"

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    dossier_id: Mapped[str] = mapped_column(String(36))
    kind: Mapped[str] = mapped_column(String(32))
    visibility: Mapped[str] = mapped_column(String(16))
    summary: Mapped[str] = mapped_column(String(500))
    details: Mapped[dict[str, Any]] = mapped_column(JSON)
    actor_sub: Mapped[str | None] = mapped_column(String(200))
    actor_role: Mapped[str | None] = mapped_column(String(16))
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime())
    subject_id: Mapped[str | None] = mapped_column(String(36))


Index("ix_timeline_dossier", TimelineEntry.dossier_id, TimelineEntry.occurred_at, TimelineEntry.seq)
Index("ix_timeline_subject", TimelineEntry.subject_id)


class Category(Base):
    """A category dossiers are classified in (corporate, litigation, intellectual property...), by its label."""

    __tablename__ = "categories"

    code: Mapped[str] = mapped_column(String(64), primary_key=True)
    label: Mapped[str] = mapped_column(String(200))
    position: Mapped[int] = mapped_column(Integer)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class ClassificationRuleRow(Base):
    """An admin's rule: keywords (in the title, the description and the chosen fields) -> a category."""

    __tablename__ = "classification_rules"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    category: Mapped[str] = mapped_column(String(64))
    keywords: Mapped[list[str]] = mapped_column(JSON)
    fields: Mapped[list[str]] = mapped_column(JSON)
    kinds: Mapped[list[str]] = mapped_column(JSON)
    position: Mapped[int] = mapped_column(Integer)
    created_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


Index("ix_classification_rules_order", ClassificationRuleRow.position, ClassificationRuleRow.created_at)


class Person(Base):
    """A person of the directory: created by staff, by import or at first sign-in (``source``).

    ``staff_fields`` lists what staff typed: a sign-in never overwrites those. An erased person keeps only
    their id (``erased_at``); a merged duplicate points to the entry it was merged into (``merged_into``).
    """

    __tablename__ = "persons"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    name: Mapped[str | None] = mapped_column(String(200))
    sort_name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(320), unique=True)
    phone: Mapped[str | None] = mapped_column(String(50))
    postal_address: Mapped[str | None] = mapped_column(String(500))
    language: Mapped[str | None] = mapped_column(String(8))
    sub: Mapped[str | None] = mapped_column(String(200), unique=True)
    source: Mapped[str] = mapped_column(String(16))
    staff_fields: Mapped[list[str]] = mapped_column(JSON)
    merged_into: Mapped[str | None] = mapped_column(String(36))
    erased_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


Index("ix_persons_sort", Person.sort_name, Person.id)


class Organisation(Base):
    """A company of the directory. ``code`` is what tokens carry as ``org`` and dossiers as ``client_org``."""

    __tablename__ = "organisations"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    code: Mapped[str] = mapped_column(String(200), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    sort_name: Mapped[str] = mapped_column(String(200))
    registration_number: Mapped[str | None] = mapped_column(String(64), unique=True)
    postal_address: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


Index("ix_organisations_sort", Organisation.sort_name, Organisation.id)


class OrganisationMember(Base):
    """A person's membership of an organisation, with their function there."""

    __tablename__ = "organisation_members"

    organisation_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    person_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    function: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


Index("ix_organisation_members_person", OrganisationMember.person_id)


attach_messaging_tables(Base.metadata)

# The workspace's tables (quotes, invoices, events, expenses, activities...) live in their own module.
from . import workspace_db  # noqa: E402, F401
