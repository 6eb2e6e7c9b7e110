"""Products and their templates, validation settings, contracts, beneficiaries, receipts,
attestation requests and validation tasks.

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


def upgrade() -> None:
    op.create_table(
        "products",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("code", sa.String(64), nullable=False, unique=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("validation_required", sa.Boolean, nullable=True),
        sa.Column("validator_subs", sa.JSON, nullable=False),
        sa.Column("validator_role", sa.String(64), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
    )
    op.create_table(
        "product_templates",
        sa.Column("product_id", sa.String(36), sa.ForeignKey("products.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("template_id", sa.String(36), primary_key=True),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("extranet_title", sa.String(200), nullable=True),
        sa.Column("template_name", sa.String(200), nullable=False),
        sa.Column("entity", sa.String(32), nullable=False),
        sa.Column("pdf_auto", sa.Boolean, nullable=False),
    )
    op.create_table(
        "validation_settings",
        sa.Column("id", sa.String(16), primary_key=True),
        sa.Column("required", sa.Boolean, nullable=False),
        sa.Column("validator_subs", sa.JSON, nullable=False),
        sa.Column("validator_role", sa.String(64), nullable=True),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
    )
    op.create_table(
        "contracts",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("number", sa.String(64), nullable=False, unique=True),
        sa.Column("product_id", sa.String(36), sa.ForeignKey("products.id"), nullable=False),
        sa.Column("owner_sub", sa.String(200), nullable=True),
        sa.Column("owner_org", sa.String(200), nullable=True),
        sa.Column("owner_email", sa.String(320), nullable=True),
        sa.Column("owner_name", sa.String(200), nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("start_date", sa.Date, nullable=False),
        sa.Column("end_date", sa.Date, nullable=True),
        sa.Column("dossier_id", sa.String(36), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
    )
    op.create_index("ix_contracts_owner_sub", "contracts", ["owner_sub"])
    op.create_index("ix_contracts_owner_org", "contracts", ["owner_org"])
    op.create_index("ix_contracts_created", "contracts", ["created_at", "id"])
    op.create_table(
        "beneficiaries",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("contract_id", sa.String(36), sa.ForeignKey("contracts.id", ondelete="CASCADE"), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("attributes", sa.JSON, nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
    )
    op.create_index("ix_beneficiaries_contract_id", "beneficiaries", ["contract_id"])
    op.create_table(
        "receipts",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("contract_id", sa.String(36), sa.ForeignKey("contracts.id", ondelete="CASCADE"), nullable=False),
        sa.Column("period_start", sa.Date, nullable=False),
        sa.Column("period_end", sa.Date, nullable=False),
        sa.Column("amount_due", sa.Numeric(12, 2), nullable=False),
        sa.Column("amount_paid", sa.Numeric(12, 2), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
    )
    op.create_index("ix_receipts_contract_id", "receipts", ["contract_id"])
    op.create_table(
        "attestation_requests",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("contract_id", sa.String(36), sa.ForeignKey("contracts.id"), nullable=False),
        sa.Column("beneficiary_id", sa.String(36), nullable=True),
        sa.Column("template_id", sa.String(36), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("inputs", sa.JSON, nullable=False),
        sa.Column("client_sub", sa.String(200), nullable=False),
        sa.Column("client_org", sa.String(200), nullable=True),
        sa.Column("client_email", sa.String(320), nullable=True),
        sa.Column("client_name", sa.String(200), nullable=True),
        sa.Column("validation_required", sa.Boolean, nullable=False),
        sa.Column("validator_subs", sa.JSON, nullable=False),
        sa.Column("validator_role", sa.String(64), nullable=True),
        sa.Column("state", sa.String(32), nullable=False),
        sa.Column("document_id", sa.String(36), nullable=True),
        sa.Column("discarded_document_id", sa.String(36), nullable=True),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("next_attempt_at", UTCDateTime(), nullable=True),
        sa.Column("error", sa.Text, nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
    )
    op.create_index("ix_attestation_requests_contract_id", "attestation_requests", ["contract_id"])
    op.create_index("ix_requests_state_next", "attestation_requests", ["state", "next_attempt_at"])
    op.create_index("ix_requests_document", "attestation_requests", ["document_id"])
    op.create_index("ix_requests_created", "attestation_requests", ["created_at", "id"])
    op.create_table(
        "validation_tasks",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("request_id", sa.String(36), sa.ForeignKey("attestation_requests.id"), nullable=False, unique=True),
        sa.Column("contract_id", sa.String(36), nullable=False),
        sa.Column("document_id", sa.String(36), nullable=False),
        sa.Column("validator_subs", sa.JSON, nullable=False),
        sa.Column("validator_role", sa.String(64), nullable=True),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("reason", sa.Text, nullable=True),
        sa.Column("decided_by", sa.String(200), nullable=True),
        sa.Column("decided_at", UTCDateTime(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
    )
    op.create_index("ix_tasks_state_created", "validation_tasks", ["state", "created_at", "id"])


def downgrade() -> None:
    for table in (
        "validation_tasks",
        "attestation_requests",
        "receipts",
        "beneficiaries",
        "contracts",
        "validation_settings",
        "product_templates",
        "products",
    ):
        op.drop_table(table)
