"""64-bit revisions; approvals under mandate with the kenmerk and toewijzingnummers they issued.

Revision ID: s0003
Revises: s0002
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "s0003"
down_revision: str | Sequence[str] | None = "s0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _utc() -> sa.DateTime:
    # wmo_desk.storage.types.UtcDateTime stores as this; the migration must not import app code.
    return sa.DateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("records") as batch:
        batch.alter_column("revision", type_=sa.BigInteger(), existing_type=sa.Integer())
    with op.batch_alter_table("applied_changes") as batch:
        batch.alter_column("revision", type_=sa.BigInteger(), existing_type=sa.Integer())
    op.create_table(
        "approvals",
        sa.Column("decision_id", sa.Uuid(), nullable=False),
        sa.Column("municipality_code", sa.String(4), nullable=False),
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("proposed_by", sa.Uuid(), nullable=False),
        sa.Column("approved_by", sa.Uuid(), nullable=False),
        sa.Column("approved_at", _utc(), nullable=False),
        sa.Column("decision_date", sa.Date(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("kenmerk", sa.String(40), nullable=False),
        sa.ForeignKeyConstraint(
            ["approved_by"], ["users.id"], name="fk_approvals_approved_by_users"
        ),
        sa.PrimaryKeyConstraint("decision_id", name="pk_approvals"),
        sa.UniqueConstraint("kenmerk", name="uq_approvals_kenmerk"),
        sa.UniqueConstraint(
            "municipality_code",
            "year",
            "sequence",
            name="uq_approvals_municipality_code_year_sequence",
        ),
    )
    op.create_table(
        "allocation_numbers",
        sa.Column("municipality_code", sa.String(4), nullable=False),
        sa.Column("number", sa.BigInteger(), nullable=False),
        sa.Column("provision_id", sa.Uuid(), nullable=False),
        sa.Column("decision_id", sa.Uuid(), nullable=False),
        sa.Column("issued_to", sa.Uuid(), nullable=False),
        sa.Column("issued_at", _utc(), nullable=False),
        sa.ForeignKeyConstraint(
            ["issued_to"], ["users.id"], name="fk_allocation_numbers_issued_to_users"
        ),
        sa.PrimaryKeyConstraint("municipality_code", "number", name="pk_allocation_numbers"),
    )
    op.create_index("ix_allocation_numbers_provision_id", "allocation_numbers", ["provision_id"])


def downgrade() -> None:
    op.drop_index("ix_allocation_numbers_provision_id", table_name="allocation_numbers")
    op.drop_table("allocation_numbers")
    op.drop_table("approvals")
    with op.batch_alter_table("applied_changes") as batch:
        batch.alter_column("revision", type_=sa.Integer(), existing_type=sa.BigInteger())
    with op.batch_alter_table("records") as batch:
        batch.alter_column("revision", type_=sa.Integer(), existing_type=sa.BigInteger())
