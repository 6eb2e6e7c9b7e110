"""Rules, built-in switches, local dossier copy, contacts, deliveries, in-app notifications.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

from platform_shared.db import UTCDateTime

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "rules",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("event_type", sa.String(100), nullable=False),
        sa.Column("filters", sa.JSON(), nullable=False),
        sa.Column("recipients", sa.JSON(), nullable=False),
        sa.Column("channel", sa.String(10), nullable=False),
        sa.Column("template", sa.String(100), nullable=False),
        sa.Column("language", sa.String(5)),
        sa.Column("created_by", sa.String(200), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
    )
    op.create_index("ix_rules_event_type", "rules", ["event_type"])
    op.create_table(
        "builtin_switches",
        sa.Column("name", sa.String(100), primary_key=True),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("changed_by", sa.String(200), nullable=False),
        sa.Column("changed_at", UTCDateTime(), nullable=False),
    )
    op.create_table(
        "dossiers",
        sa.Column("dossier_id", sa.String(36), primary_key=True),
        sa.Column("reference", sa.String(100)),
        sa.Column("title", sa.String(300)),
        sa.Column("category", sa.String(100)),
        sa.Column("model_id", sa.String(36)),
        sa.Column("origin", sa.String(20)),
        sa.Column("status", sa.String(64)),
        sa.Column("status_label", sa.String(200)),
        sa.Column("client_visible", sa.Boolean(), nullable=False),
        sa.Column("partner_visible", sa.Boolean(), nullable=False),
        sa.Column("client_sub", sa.String(200)),
        sa.Column("client_org", sa.String(200)),
        sa.Column("client_email", sa.String(320)),
        sa.Column("assignee_sub", sa.String(200)),
        sa.Column("closed", sa.Boolean(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
    )
    op.create_table(
        "dossier_parties",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("dossier_id", sa.String(36), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("party_id", sa.String(36), nullable=False),
        sa.Column("sub", sa.String(200)),
        sa.Column("email", sa.String(320)),
        sa.Column("name", sa.String(200)),
        sa.Column("role", sa.String(100)),
        sa.Column("attached", sa.Boolean(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.UniqueConstraint("kind", "party_id", name="uq_dossier_parties_kind_party"),
    )
    op.create_index("ix_dossier_parties_dossier_id", "dossier_parties", ["dossier_id"])
    op.create_table(
        "contacts",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("sub", sa.String(200), unique=True),
        sa.Column("email", sa.String(320), nullable=False),
        sa.Column("name", sa.String(200)),
        sa.Column("role", sa.String(20)),
        sa.Column("language", sa.String(5)),
        sa.Column("groups", sa.JSON(), nullable=False),
        sa.Column("registered", sa.Boolean(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
    )
    op.create_table(
        "deliveries",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("event_id", sa.String(36), nullable=False),
        sa.Column("event_type", sa.String(100), nullable=False),
        sa.Column("rule", sa.String(100), nullable=False),
        sa.Column("recipient", sa.String(320), nullable=False),
        sa.Column("recipient_sub", sa.String(200)),
        sa.Column("channel", sa.String(10), nullable=False),
        sa.Column("template", sa.String(100), nullable=False),
        sa.Column("language", sa.String(5), nullable=False),
        sa.Column("dossier_id", sa.String(36)),
        sa.Column("group_key", sa.String(700)),
        sa.Column("context", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text()),
        sa.Column("next_attempt_at", UTCDateTime(), nullable=False),
        sa.Column("sent_with", sa.String(36)),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.Column("sent_at", UTCDateTime()),
        sa.UniqueConstraint("event_id", "recipient", "channel", name="uq_deliveries_event_recipient_channel"),
    )
    op.create_index("ix_deliveries_event_id", "deliveries", ["event_id"])
    op.create_index("ix_deliveries_recipient", "deliveries", ["recipient"])
    op.create_index("ix_deliveries_due", "deliveries", ["status", "next_attempt_at"])
    op.create_index("ix_deliveries_group", "deliveries", ["group_key", "status"])
    op.create_table(
        "notifications",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("sub", sa.String(200), nullable=False),
        sa.Column("event_id", sa.String(36), nullable=False),
        sa.Column("event_type", sa.String(100), nullable=False),
        sa.Column("dossier_id", sa.String(36)),
        sa.Column("title", sa.String(500), nullable=False),
        sa.Column("link", sa.String(1000)),
        sa.Column("unread", sa.Integer(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("read_at", UTCDateTime()),
        sa.UniqueConstraint("event_id", "sub", name="uq_notifications_event_sub"),
    )
    op.create_index("ix_notifications_feed", "notifications", ["sub", "unread", "created_at", "id"])


def downgrade() -> None:
    for table in (
        "notifications",
        "deliveries",
        "contacts",
        "dossier_parties",
        "dossiers",
        "builtin_switches",
        "rules",
    ):
        op.drop_table(table)
