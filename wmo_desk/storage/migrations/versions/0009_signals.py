"""signals to the regional meldpunt, and the cursor of their statuses (a setting)

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-10
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | Sequence[str] | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "signals",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("reporter_id", sa.String(36), nullable=False),
        sa.Column("case_id", sa.String(36), nullable=True),
        sa.Column("provider_id", sa.String(100), nullable=False),
        sa.Column("provider_name", sa.String(300), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("what_happened", sa.Text(), nullable=False),
        sa.Column("occurred_on", sa.Date(), nullable=False),
        sa.Column("client_id", sa.String(36), nullable=True),
        sa.Column("consent_on", sa.Date(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("status", sa.String(30), nullable=True),
        sa.Column("status_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("refused", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_signals_reporter_id", "signals", ["reporter_id"])
    op.create_index("ix_signals_case_id", "signals", ["case_id"])


def downgrade() -> None:
    op.drop_index("ix_signals_case_id", table_name="signals")
    op.drop_index("ix_signals_reporter_id", table_name="signals")
    op.drop_table("signals")
