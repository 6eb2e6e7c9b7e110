"""A contract's holder refers to directory entries: holder_person_id, holder_organisation_id (issue 21)

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

INDEXES = {
    "ix_contracts_holder_person": ["holder_person_id", "created_at", "id"],
    "ix_contracts_holder_organisation": ["holder_organisation_id", "created_at", "id"],
}


def upgrade() -> None:
    with op.batch_alter_table("contracts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("holder_person_id", sa.String(length=36), nullable=True))
        batch_op.add_column(sa.Column("holder_organisation_id", sa.String(length=36), nullable=True))
        for name, columns in INDEXES.items():
            batch_op.create_index(name, columns, unique=False)


def downgrade() -> None:
    with op.batch_alter_table("contracts", schema=None) as batch_op:
        for name in INDEXES:
            batch_op.drop_index(name)
        batch_op.drop_column("holder_organisation_id")
        batch_op.drop_column("holder_person_id")
