"""Indexes for the deliveries list, newest first, and its filters (issue 18)

Revision ID: 0006
Revises: 0005
"""

from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

INDEXES = {
    "ix_deliveries_created": ("deliveries", ["created_at", "id"]),
    "ix_deliveries_dossier": ("deliveries", ["dossier_id", "created_at", "id"]),
    "ix_deliveries_status_created": ("deliveries", ["status", "created_at", "id"]),
}


def upgrade() -> None:
    for name, (table, columns) in INDEXES.items():
        op.create_index(name, table, columns)


def downgrade() -> None:
    for name, (table, _columns) in INDEXES.items():
        op.drop_index(name, table_name=table)
