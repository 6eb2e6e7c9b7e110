"""Issue 14: what a partner's list shows (dossier reference, title, status label), keys bound to an email,
solicitation changes and declines, contributor reminders, dossiers filed on behalf of another person.

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

from platform_shared.db import UTCDateTime

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("dossier_states") as batch:
        batch.add_column(sa.Column("reference", sa.String(32)))
        batch.add_column(sa.Column("title", sa.String(300)))
        batch.add_column(sa.Column("status_label", sa.String(200)))
    with op.batch_alter_table("solicitations") as batch:
        batch.add_column(sa.Column("bound_to_email", sa.Boolean, nullable=False, server_default=sa.false()))
        batch.add_column(sa.Column("declined_at", UTCDateTime()))
        batch.add_column(sa.Column("decline_reason", sa.Text))
        batch.add_column(sa.Column("changed_at", UTCDateTime()))
    with op.batch_alter_table("invitations") as batch:
        batch.add_column(sa.Column("reminded_at", UTCDateTime()))
        batch.add_column(sa.Column("reminder_count", sa.Integer, nullable=False, server_default="0"))
    op.create_table(
        "filings",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("dossier_id", sa.String(36), nullable=False, unique=True),
        sa.Column("model_id", sa.String(36), nullable=False),
        sa.Column("filer_sub", sa.String(200), nullable=False),
        sa.Column("filer_name", sa.String(200)),
        sa.Column("filer_email", sa.String(320)),
        sa.Column("person_name", sa.String(200), nullable=False),
        sa.Column("person_email", sa.String(320), nullable=False),
        sa.Column("person_company", sa.String(200)),
        sa.Column("access_until", sa.String(16), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("submitted_at", UTCDateTime()),
        sa.Column("claimed_by", sa.String(200)),
        sa.Column("claimed_at", UTCDateTime()),
        sa.Column("created_at", UTCDateTime(), nullable=False),
    )
    op.create_index("ix_filings_filer", "filings", ["filer_sub", "created_at", "id"])


def downgrade() -> None:
    op.drop_index("ix_filings_filer", table_name="filings")
    op.drop_table("filings")
    with op.batch_alter_table("invitations") as batch:
        batch.drop_column("reminder_count")
        batch.drop_column("reminded_at")
    with op.batch_alter_table("solicitations") as batch:
        batch.drop_column("changed_at")
        batch.drop_column("decline_reason")
        batch.drop_column("declined_at")
        batch.drop_column("bound_to_email")
    with op.batch_alter_table("dossier_states") as batch:
        batch.drop_column("status_label")
        batch.drop_column("title")
        batch.drop_column("reference")
