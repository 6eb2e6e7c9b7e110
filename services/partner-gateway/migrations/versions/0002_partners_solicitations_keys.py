"""Partners, the local dossier states, solicitations, access keys, attach failures, answers, invitations, audit.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

from platform_shared.db import UTCDateTime

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def _id() -> sa.Column:
    return sa.Column("id", sa.String(36), primary_key=True)


def upgrade() -> None:
    op.create_table(
        "partners",
        _id(),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("email", sa.String(320), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("agent_sub", sa.String(200)),
        sa.Column("organisation", sa.String(200)),
        sa.Column("created_by", sa.String(200), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
    )
    op.create_index("ix_partners_agent_sub", "partners", ["agent_sub"])
    op.create_table(
        "dossier_states",
        sa.Column("dossier_id", sa.String(36), primary_key=True),
        sa.Column("status", sa.String(64), nullable=False),
        sa.Column("partner_visible", sa.Boolean, nullable=False),
        sa.Column("closed", sa.Boolean, nullable=False),
        sa.Column("model_id", sa.String(36)),
        sa.Column("model_version", sa.Integer),
        sa.Column("as_of", UTCDateTime(), nullable=False),
    )
    op.create_table(
        "solicitations",
        _id(),
        sa.Column("dossier_id", sa.String(36), nullable=False),
        sa.Column("partner_id", sa.String(36), sa.ForeignKey("partners.id"), nullable=False),
        sa.Column("type", sa.String(32), nullable=False),
        sa.Column("scope", sa.String(200), nullable=False),
        sa.Column("due_date", sa.Date, nullable=False),
        sa.Column("instructions", sa.Text, nullable=False),
        sa.Column("open_statuses", sa.JSON, nullable=False),
        sa.Column("confidential", sa.Boolean, nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("partner_sub", sa.String(200)),
        sa.Column("attached_at", UTCDateTime()),
        sa.Column("answered_at", UTCDateTime()),
        sa.Column("reminded_at", UTCDateTime()),
        sa.Column("reminder_count", sa.Integer, nullable=False),
        sa.Column("auto_reminded", sa.Boolean, nullable=False),
        sa.Column("created_by", sa.String(200), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
    )
    op.create_index("ix_solicitations_partner_sub", "solicitations", ["partner_sub", "created_at", "id"])
    op.create_index("ix_solicitations_dossier", "solicitations", ["dossier_id", "created_at", "id"])
    op.create_table(
        "solicitation_open_statuses",
        sa.Column("solicitation_id", sa.String(36), sa.ForeignKey("solicitations.id"), primary_key=True),
        sa.Column("status", sa.String(64), primary_key=True),
    )
    op.create_table(
        "access_keys",
        _id(),
        sa.Column("key_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("target_type", sa.String(16), nullable=False),
        sa.Column("target_id", sa.String(36), nullable=False),
        sa.Column("expires_at", UTCDateTime(), nullable=False),
        sa.Column("used_at", UTCDateTime()),
        sa.Column("used_by", sa.String(200)),
        sa.Column("withdrawn_at", UTCDateTime()),
        sa.Column("created_at", UTCDateTime(), nullable=False),
    )
    op.create_index("ix_access_keys_target_id", "access_keys", ["target_id"])
    op.create_table(
        "attach_failures",
        _id(),
        sa.Column("account_sub", sa.String(200), nullable=False),
        sa.Column("failed_at", UTCDateTime(), nullable=False),
    )
    op.create_index("ix_attach_failures_account", "attach_failures", ["account_sub", "failed_at"])
    op.create_table(
        "answer_versions",
        _id(),
        sa.Column("solicitation_id", sa.String(36), sa.ForeignKey("solicitations.id"), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("verdict", sa.String(16)),
        sa.Column("comment", sa.Text),
        sa.Column("document_id", sa.String(36)),
        sa.Column("values", sa.JSON, nullable=False),
        sa.Column("submitted", sa.Boolean, nullable=False),
        sa.Column("saved_by", sa.String(200), nullable=False),
        sa.Column("saved_at", UTCDateTime(), nullable=False),
    )
    op.create_index("ix_answer_versions_solicitation_id", "answer_versions", ["solicitation_id"])
    op.create_table(
        "invitations",
        _id(),
        sa.Column("dossier_id", sa.String(36), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("role", sa.String(64)),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("email", sa.String(320), nullable=False),
        sa.Column("notify", sa.Boolean, nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("account_sub", sa.String(200)),
        sa.Column("attached_at", UTCDateTime()),
        sa.Column("created_by", sa.String(200), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
    )
    op.create_index("ix_invitations_account", "invitations", ["account_sub"])
    op.create_index("ix_invitations_dossier", "invitations", ["dossier_id", "created_at", "id"])
    op.create_table(
        "provided_pieces",
        _id(),
        sa.Column("invitation_id", sa.String(36), sa.ForeignKey("invitations.id"), nullable=False),
        sa.Column("piece_code", sa.String(64), nullable=False),
        sa.Column("document_id", sa.String(36), nullable=False),
        sa.Column("provided_at", UTCDateTime(), nullable=False),
    )
    op.create_index("ix_provided_pieces_invitation_id", "provided_pieces", ["invitation_id"])
    op.create_table(
        "audit_entries",
        _id(),
        sa.Column("dossier_id", sa.String(36), nullable=False),
        sa.Column("actor_sub", sa.String(200), nullable=False),
        sa.Column("actor_role", sa.String(16), nullable=False),
        sa.Column("action", sa.String(64), nullable=False),
        sa.Column("subject_id", sa.String(36)),
        sa.Column("request_id", sa.String(128)),
        sa.Column("details", sa.JSON, nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
    )
    op.create_index("ix_audit_dossier", "audit_entries", ["dossier_id", "at", "id"])


def downgrade() -> None:
    for table in (
        "audit_entries",
        "provided_pieces",
        "invitations",
        "answer_versions",
        "attach_failures",
        "access_keys",
        "solicitation_open_statuses",
        "solicitations",
        "dossier_states",
        "partners",
    ):
        op.drop_table(table)
