"""Records know their case (visibility follows the case's consultant) and a case its client.

Revision ID: s0002
Revises: s0001
Create Date: 2026-11-26
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "s0002"
down_revision: str | Sequence[str] | None = "s0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("records") as batch:
        batch.add_column(sa.Column("case_id", sa.Uuid(), nullable=True))
        batch.add_column(sa.Column("client_id", sa.Uuid(), nullable=True))
        batch.create_index("ix_records_case_id", ["case_id"])
        batch.create_index("ix_records_client_id", ["client_id"])


def downgrade() -> None:
    with op.batch_alter_table("records") as batch:
        batch.drop_index("ix_records_client_id")
        batch.drop_index("ix_records_case_id")
        batch.drop_column("client_id")
        batch.drop_column("case_id")
