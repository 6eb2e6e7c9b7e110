"""The live feed the SSE stream replays after Last-Event-ID (issue 20 point 7)

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

from platform_shared.db import UTCDateTime

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "live_events",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("audience", sa.String(210), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("event_id", sa.String(36), nullable=False),
        sa.Column("event_type", sa.String(100), nullable=False),
        sa.Column("dossier_id", sa.String(36), nullable=True),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
    )
    op.create_index("ix_live_events_audience", "live_events", ["audience", "id"])
    op.create_index("ix_live_events_created", "live_events", ["created_at"])


def downgrade() -> None:
    op.drop_index("ix_live_events_created", table_name="live_events")
    op.drop_index("ix_live_events_audience", table_name="live_events")
    op.drop_table("live_events")
