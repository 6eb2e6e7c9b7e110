"""Indexes for the contracts and validation tasks lists' filters (issue 18)

Revision ID: 0005
Revises: 0004
"""

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

INDEXES = {
    "ix_contracts_product": ("contracts", ["product_id", "created_at", "id"]),
    "ix_contracts_status": ("contracts", ["status", "created_at", "id"]),
    "ix_tasks_contract": ("validation_tasks", ["contract_id", "created_at", "id"]),
}


def upgrade() -> None:
    for name, (table, columns) in INDEXES.items():
        op.create_index(name, table, columns)


def downgrade() -> None:
    for name, (table, _columns) in INDEXES.items():
        op.drop_index(name, table_name=table)
