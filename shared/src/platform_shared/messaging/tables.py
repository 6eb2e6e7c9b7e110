"""The outbox and inbox tables that live in every service's own database.

They are declared once here and each service's metadata includes them through
:func:`attach_messaging_tables`. The migrations do not import them: each service's
first migration writes them out, and a change here is a new migration in every
service (``platform_shared.testing.schema`` fails until the migrations agree).
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, Index, Integer, MetaData, String, Table, Text, text

from ..db import UTCDateTime

_BIGINT_ID = BigInteger().with_variant(Integer(), "sqlite")


def _outbox(metadata: MetaData) -> Table:
    return Table(
        "outbox",
        metadata,
        # seq orders publication: events of one aggregate go out in the order they were written.
        Column("seq", _BIGINT_ID, primary_key=True, autoincrement=True),
        Column("event_id", String(36), nullable=False, unique=True),
        Column("event_type", String(100), nullable=False),
        Column("aggregate_id", String(64), nullable=True),
        Column("payload", Text, nullable=False),
        Column("created_at", UTCDateTime(), nullable=False),
        Column("sent_at", UTCDateTime(), nullable=True),
        Column("attempts", Integer, nullable=False, server_default=text("0")),
        Column("last_error", Text, nullable=True),
        Index(
            "ix_outbox_unsent", "seq", postgresql_where=text("sent_at IS NULL"), sqlite_where=text("sent_at IS NULL")
        ),
    )


def _inbox(metadata: MetaData) -> Table:
    return Table(
        "inbox",
        metadata,
        Column("event_id", String(36), primary_key=True),
        Column("consumer", String(100), primary_key=True),
        Column("event_type", String(100), nullable=False),
        Column("processed_at", UTCDateTime(), nullable=False),
    )


messaging_metadata = MetaData()
outbox_table = _outbox(messaging_metadata)
inbox_table = _inbox(messaging_metadata)


def attach_messaging_tables(metadata: MetaData) -> None:
    """Add the outbox and inbox to a service's metadata (for Alembic autogenerate checks)."""
    for table in (outbox_table, inbox_table):
        if table.name not in metadata.tables:
            table.to_metadata(metadata)
