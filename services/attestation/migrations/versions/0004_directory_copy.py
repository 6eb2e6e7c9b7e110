"""The local copy of the people directory (names, emails, languages from the dossier service's events)

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "directory_copy",
        sa.Column("entry_id", sa.String(length=36), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("sub", sa.String(length=200), nullable=True),
        sa.Column("email", sa.String(length=320), nullable=True),
        sa.Column("name", sa.String(length=200), nullable=True),
        sa.Column("language", sa.String(length=8), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("entry_id"),
    )
    with op.batch_alter_table("directory_copy", schema=None) as batch_op:
        batch_op.create_index("ix_directory_copy_email", ["email"], unique=False)
        batch_op.create_index("ix_directory_copy_sub", ["sub"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("directory_copy", schema=None) as batch_op:
        batch_op.drop_index("ix_directory_copy_sub")
        batch_op.drop_index("ix_directory_copy_email")
    op.drop_table("directory_copy")
