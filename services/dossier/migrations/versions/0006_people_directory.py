"""People directory: persons, organisations, members; dossiers refer to directory entries

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "organisation_members",
        sa.Column("organisation_id", sa.String(length=36), nullable=False),
        sa.Column("person_id", sa.String(length=36), nullable=False),
        sa.Column("function", sa.String(length=200), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("organisation_id", "person_id"),
    )
    with op.batch_alter_table("organisation_members", schema=None) as batch_op:
        batch_op.create_index("ix_organisation_members_person", ["person_id"], unique=False)

    op.create_table(
        "organisations",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("code", sa.String(length=200), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("sort_name", sa.String(length=200), nullable=False),
        sa.Column("registration_number", sa.String(length=64), nullable=True),
        sa.Column("postal_address", sa.String(length=500), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("code"),
        sa.UniqueConstraint("registration_number"),
    )
    with op.batch_alter_table("organisations", schema=None) as batch_op:
        batch_op.create_index("ix_organisations_sort", ["sort_name", "id"], unique=False)

    op.create_table(
        "persons",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=True),
        sa.Column("sort_name", sa.String(length=200), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=True),
        sa.Column("phone", sa.String(length=50), nullable=True),
        sa.Column("postal_address", sa.String(length=500), nullable=True),
        sa.Column("language", sa.String(length=8), nullable=True),
        sa.Column("sub", sa.String(length=200), nullable=True),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("staff_fields", sa.JSON(), nullable=False),
        sa.Column("merged_into", sa.String(length=36), nullable=True),
        sa.Column("erased_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("email"),
        sa.UniqueConstraint("sub"),
    )
    with op.batch_alter_table("persons", schema=None) as batch_op:
        batch_op.create_index("ix_persons_sort", ["sort_name", "id"], unique=False)

    with op.batch_alter_table("dossiers", schema=None) as batch_op:
        batch_op.add_column(sa.Column("client_person_id", sa.String(length=36), nullable=True))
        batch_op.add_column(sa.Column("client_organisation_id", sa.String(length=36), nullable=True))
        batch_op.create_index("ix_dossiers_client_person", ["client_person_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("dossiers", schema=None) as batch_op:
        batch_op.drop_index("ix_dossiers_client_person")
        batch_op.drop_column("client_organisation_id")
        batch_op.drop_column("client_person_id")

    with op.batch_alter_table("persons", schema=None) as batch_op:
        batch_op.drop_index("ix_persons_sort")
    op.drop_table("persons")

    with op.batch_alter_table("organisations", schema=None) as batch_op:
        batch_op.drop_index("ix_organisations_sort")
    op.drop_table("organisations")

    with op.batch_alter_table("organisation_members", schema=None) as batch_op:
        batch_op.drop_index("ix_organisation_members_person")
    op.drop_table("organisation_members")
