"""A partner refers to a directory person: partners.person_id (issue 21)

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("partners") as batch:
        batch.add_column(sa.Column("person_id", sa.String(36)))
        batch.create_index("ix_partners_person_id", ["person_id"])


def downgrade() -> None:
    with op.batch_alter_table("partners") as batch:
        batch.drop_index("ix_partners_person_id")
        batch.drop_column("person_id")
