"""Quote, order, invoice and credit-note numbers per organisation and year (issue 13): ``QUO-2026-0001`` restarts
for each client organisation (the dossier's ``client_org``; dossiers without one share the sequence of ``''``).

The finance counters get their own table keyed by (prefix, organisation, year); the deployment-wide counts of
``QUO``/``ORD``/``INV``/``CRN`` move to organisation ``''``, and the documents numbered before keep organisation
``''``: their numbers stay unique and the sequence of dossiers without an organisation goes on where it was.
A number is now unique per organisation.

Revision ID: 0010
Revises: 0009
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

FINANCE_PREFIXES = ("QUO", "ORD", "INV", "CRN")
# SQLite names the unnamed unique constraint of 0007 by this convention so that the batch can drop it.
SQLITE_CONVENTION = {"uq": "uq_%(table_name)s_%(column_0_name)s"}


def upgrade() -> None:
    op.create_table(
        "finance_counters",
        sa.Column("prefix", sa.String(length=16), nullable=False),
        sa.Column("organisation", sa.String(length=200), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("last_value", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("prefix", "organisation", "year"),
    )
    prefixes = ", ".join(f"'{prefix}'" for prefix in FINANCE_PREFIXES)
    op.execute(
        "INSERT INTO finance_counters (prefix, organisation, year, last_value) "
        f"SELECT prefix, '', year, last_value FROM reference_counters WHERE prefix IN ({prefixes})"
    )
    op.execute(f"DELETE FROM reference_counters WHERE prefix IN ({prefixes})")
    organisation = sa.Column("organisation", sa.String(length=200), nullable=False, server_default=sa.text("''"))
    if op.get_bind().dialect.name == "sqlite":
        with op.batch_alter_table("finance_documents", naming_convention=SQLITE_CONVENTION) as batch:
            batch.add_column(organisation)
            batch.drop_constraint("uq_finance_documents_number", type_="unique")
            batch.create_unique_constraint("uq_finance_documents_organisation_number", ["organisation", "number"])
    else:
        op.add_column("finance_documents", organisation)
        op.drop_constraint("finance_documents_number_key", "finance_documents", type_="unique")
        op.create_unique_constraint(
            "uq_finance_documents_organisation_number", "finance_documents", ["organisation", "number"]
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        with op.batch_alter_table("finance_documents") as batch:
            batch.drop_constraint("uq_finance_documents_organisation_number", type_="unique")
            batch.drop_column("organisation")
            batch.create_unique_constraint("uq_finance_documents_number", ["number"])
    else:
        op.drop_constraint("uq_finance_documents_organisation_number", "finance_documents", type_="unique")
        op.drop_column("finance_documents", "organisation")
        op.create_unique_constraint("finance_documents_number_key", "finance_documents", ["number"])
    op.execute(
        "INSERT INTO reference_counters (prefix, year, last_value) "
        "SELECT prefix, year, MAX(last_value) FROM finance_counters GROUP BY prefix, year"
    )
    op.drop_table("finance_counters")
