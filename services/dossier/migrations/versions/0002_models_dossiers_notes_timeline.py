"""Versioned models, the real dossiers table (replaces the tracer's), references, notes, developments, timeline.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

from platform_shared.db import UTCDateTime

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def _dossiers_table() -> None:
    op.create_table(
        "dossiers",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("reference", sa.String(32), nullable=False, unique=True),
        sa.Column("title", sa.String(300), nullable=False),
        sa.Column("description", sa.Text, nullable=False),
        sa.Column("model_id", sa.String(36), nullable=False),
        sa.Column("model_version", sa.Integer, nullable=False),
        sa.Column("category", sa.String(64), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("origin", sa.String(16), nullable=False),
        sa.Column("status", sa.String(64), nullable=False),
        sa.Column("client_status", sa.String(64)),
        sa.Column("client_sub", sa.String(200)),
        sa.Column("client_org", sa.String(200)),
        sa.Column("client_email", sa.String(320)),
        sa.Column("client_reference", sa.String(100)),
        sa.Column("assignee_sub", sa.String(200)),
        sa.Column("assignee_email", sa.String(320)),
        sa.Column("field_values", sa.JSON, nullable=False),
        sa.Column("closed_at", UTCDateTime()),
        sa.Column("created_by", sa.String(200), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
    )
    op.create_index("ix_dossiers_created", "dossiers", ["created_at", "id"])
    for name, column in (
        ("status", "status"),
        ("category", "category"),
        ("origin", "origin"),
        ("assignee", "assignee_sub"),
        ("client_sub", "client_sub"),
        ("client_org", "client_org"),
    ):
        op.create_index(f"ix_dossiers_{name}", "dossiers", [column, "created_at", "id"])
    if op.get_bind().dialect.name == "postgresql":
        # Text search is a substring match: only a trigram index serves LIKE '%q%' (SQLite scans; it is small there).
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        op.execute(
            "CREATE INDEX ix_dossiers_search ON dossiers USING gin (lower((title || ' ') || reference) gin_trgm_ops)"
        )


def upgrade() -> None:
    op.create_table(
        "dossier_models",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("current_version", sa.Integer, nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
    )
    op.create_table(
        "model_versions",
        sa.Column("model_id", sa.String(36), primary_key=True),
        sa.Column("version", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("category", sa.String(64), nullable=False),
        sa.Column("client_can_create", sa.Boolean, nullable=False),
        sa.Column("definition", sa.JSON, nullable=False),
        sa.Column("created_by", sa.String(200), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
    )
    op.create_table(
        "reference_counters",
        sa.Column("prefix", sa.String(16), primary_key=True),
        sa.Column("year", sa.Integer, primary_key=True),
        sa.Column("last_value", sa.Integer, nullable=False),
    )
    # The tracer's table held no model: its rows cannot become valid dossiers, so it is replaced.
    op.drop_table("dossiers")
    _dossiers_table()
    op.create_table(
        "notes",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("dossier_id", sa.String(36), nullable=False),
        sa.Column("visibility", sa.String(16), nullable=False),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("author_sub", sa.String(200), nullable=False),
        sa.Column("author_role", sa.String(16), nullable=False),
        sa.Column("author_name", sa.String(200)),
        sa.Column("created_at", UTCDateTime(), nullable=False),
    )
    op.create_index("ix_notes_dossier", "notes", ["dossier_id", "created_at", "id"])
    op.create_table(
        "developments",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("dossier_id", sa.String(36), nullable=False),
        sa.Column("title", sa.String(300), nullable=False),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("author_sub", sa.String(200), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
    )
    op.create_index("ix_developments_dossier", "developments", ["dossier_id", "created_at", "id"])
    op.create_table(
        "timeline_entries",
        sa.Column("seq", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("dossier_id", sa.String(36), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("visibility", sa.String(16), nullable=False),
        sa.Column("summary", sa.String(500), nullable=False),
        sa.Column("details", sa.JSON, nullable=False),
        sa.Column("actor_sub", sa.String(200)),
        sa.Column("actor_role", sa.String(16)),
        sa.Column("occurred_at", UTCDateTime(), nullable=False),
    )
    op.create_index("ix_timeline_dossier", "timeline_entries", ["dossier_id", "occurred_at", "seq"])


def downgrade() -> None:
    for table in (
        "timeline_entries",
        "developments",
        "notes",
        "dossiers",
        "reference_counters",
        "model_versions",
        "dossier_models",
    ):
        op.drop_table(table)
    op.create_table(
        "dossiers",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("reference", sa.String(32), nullable=False, unique=True),
        sa.Column("title", sa.String(300), nullable=False),
        sa.Column("description", sa.Text, nullable=False),
        sa.Column("status", sa.String(64), nullable=False),
        sa.Column("origin", sa.String(16), nullable=False),
        sa.Column("client_sub", sa.String(200)),
        sa.Column("client_org", sa.String(200)),
        sa.Column("created_by", sa.String(200), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
    )
