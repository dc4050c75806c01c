"""telephone evaluations (cliëntervaring) of completed keukentafelgesprekken

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | Sequence[str] | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "evaluations",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("case_id", sa.String(36), nullable=False),
        sa.Column("conversation_id", sa.String(36), nullable=False),
        sa.Column("municipality_code", sa.String(4), nullable=False),
        sa.Column("assignee_id", sa.String(36), nullable=False),
        sa.Column("due", sa.Date(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("outcome", sa.String(30), nullable=True),
        sa.Column("form_id", sa.String(100), nullable=False),
        sa.Column("form_version", sa.String(40), nullable=False),
        sa.Column("answers", sa.Text(), nullable=False),
        sa.Column("product_codes", sa.Text(), nullable=False),
        sa.Column("provider_ids", sa.Text(), nullable=False),
        sa.Column("recorded_on", sa.Date(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("refused", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("conversation_id"),
    )
    op.create_index("ix_evaluations_case_id", "evaluations", ["case_id"])
    op.create_index("ix_evaluations_assignee_id", "evaluations", ["assignee_id"])


def downgrade() -> None:
    op.drop_index("ix_evaluations_assignee_id", table_name="evaluations")
    op.drop_index("ix_evaluations_case_id", table_name="evaluations")
    op.drop_table("evaluations")
