"""One index per list filter of the dossiers (issue 18): client status, kind, model

Each index ends with the list's keyset order ``(created_at, id)``, so a filtered page, first or deep, is one
index range scan started at the cursor's row-value bound.

Revision ID: 0005
Revises: 0004
"""

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

INDEXES = {
    "ix_dossiers_client_status": "client_status",
    "ix_dossiers_kind": "kind",
    "ix_dossiers_model": "model_id",
}


def upgrade() -> None:
    for name, column in INDEXES.items():
        op.create_index(name, "dossiers", [column, "created_at", "id"])


def downgrade() -> None:
    for name in INDEXES:
        op.drop_index(name, table_name="dossiers")
