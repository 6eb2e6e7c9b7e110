"""Dossiers filed by a partner on behalf of their client (issue 14): who filed them.

Revision ID: 0008
Revises: 0007
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("dossiers") as batch:
        batch.add_column(sa.Column("filed_by_sub", sa.String(200)))
        batch.add_column(sa.Column("filed_by_name", sa.String(200)))
        batch.add_column(sa.Column("filed_by_org", sa.String(200)))


def downgrade() -> None:
    with op.batch_alter_table("dossiers") as batch:
        batch.drop_column("filed_by_org")
        batch.drop_column("filed_by_name")
        batch.drop_column("filed_by_sub")
