"""Documents carry a ``financial`` flag (invoices, quotes...): participants never see them.

Existing documents are not financial (``false``); staff mark them with ``PATCH /documents/{id}``.

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
    with op.batch_alter_table("documents") as batch:
        batch.add_column(sa.Column("financial", sa.Boolean, nullable=False, server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table("documents") as batch:
        batch.drop_column("financial")
