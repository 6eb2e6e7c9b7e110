"""Timeline entries remember the document they are about, so its later visibility changes reach them.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("timeline_entries") as batch:
        batch.add_column(sa.Column("subject_id", sa.String(36)))
    op.create_index("ix_timeline_subject", "timeline_entries", ["subject_id"])


def downgrade() -> None:
    op.drop_index("ix_timeline_subject", "timeline_entries")
    with op.batch_alter_table("timeline_entries") as batch:
        batch.drop_column("subject_id")
