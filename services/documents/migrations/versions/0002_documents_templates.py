"""Documents, renditions, owners, conversion jobs, templates.

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


def upgrade() -> None:
    op.create_table(
        "documents",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("owner_type", sa.String(16), nullable=False, index=True),
        sa.Column("owner_id", sa.String(64), nullable=False, index=True),
        sa.Column("dossier_id", sa.String(64), index=True),
        sa.Column("filename", sa.String(255), nullable=False),
        sa.Column("category", sa.String(32), nullable=False),
        sa.Column("visible_client", sa.Boolean, nullable=False),
        sa.Column("visible_partner", sa.Boolean, nullable=False),
        sa.Column("visible_roles", sa.JSON, nullable=False),
        sa.Column("uploaded_by_sub", sa.String(200), nullable=False),
        sa.Column("uploaded_by_role", sa.String(16), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("error", sa.Text),
        sa.Column("template_id", sa.String(36)),
        sa.Column("template_version", sa.Integer),
        sa.Column("warnings", sa.JSON, nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
    )
    op.create_table(
        "renditions",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column(
            "document_id", sa.String(36), sa.ForeignKey("documents.id", ondelete="CASCADE"), nullable=False, index=True
        ),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("content_type", sa.String(128), nullable=False),
        sa.Column("size", sa.BigInteger, nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("storage_key", sa.String(200), nullable=False, index=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.UniqueConstraint("document_id", "kind", name="uq_renditions_document_kind"),
    )
    op.create_table(
        "owners",
        sa.Column("owner_type", sa.String(16), primary_key=True),
        sa.Column("owner_id", sa.String(64), primary_key=True),
        sa.Column("client_sub", sa.String(200)),
        sa.Column("client_org", sa.String(200)),
        sa.Column("dossier_id", sa.String(64)),
        sa.Column("closed", sa.Boolean, nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
    )
    op.create_table(
        "conversion_jobs",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column(
            "document_id", sa.String(36), sa.ForeignKey("documents.id", ondelete="CASCADE"), nullable=False, index=True
        ),
        sa.Column("state", sa.String(16), nullable=False, index=True),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("claimed_at", UTCDateTime()),
        sa.Column("created_at", UTCDateTime(), nullable=False),
    )
    op.create_table(
        "templates",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("type", sa.String(32), nullable=False),
        sa.Column("entity", sa.String(16), nullable=False),
        sa.Column("pdf_auto", sa.Boolean, nullable=False),
        sa.Column("current_version", sa.Integer, nullable=False),
        sa.Column("created_by", sa.String(200), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
    )
    op.create_table(
        "template_versions",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column(
            "template_id", sa.String(36), sa.ForeignKey("templates.id", ondelete="CASCADE"), nullable=False, index=True
        ),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("filename", sa.String(255), nullable=False),
        sa.Column("storage_key", sa.String(200), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("size", sa.BigInteger, nullable=False),
        sa.Column("tags", sa.JSON, nullable=False),
        sa.Column("created_by", sa.String(200), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.UniqueConstraint("template_id", "version", name="uq_template_versions_version"),
    )
    op.create_table(
        "template_fields",
        sa.Column("template_id", sa.String(36), sa.ForeignKey("templates.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("name", sa.String(200), primary_key=True),
        sa.Column("label", sa.String(300)),
        sa.Column("default", sa.Text),
    )


def downgrade() -> None:
    for table in (
        "template_fields",
        "template_versions",
        "templates",
        "conversion_jobs",
        "owners",
        "renditions",
        "documents",
    ):
        op.drop_table(table)
