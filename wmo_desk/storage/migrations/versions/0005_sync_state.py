"""sync state: outbox, inbox, conflicts

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-26
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | Sequence[str] | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "sync_outbox",
        sa.Column("seq", sa.Integer(), nullable=False, autoincrement=True),
        sa.Column("change_id", sa.String(36), nullable=False),
        sa.Column("record_type", sa.String(40), nullable=False),
        sa.Column("record_id", sa.String(36), nullable=False),
        sa.Column("case_id", sa.String(36), nullable=True),
        sa.Column("base_revision", sa.Integer(), nullable=True),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("seq"),
        sa.UniqueConstraint("change_id"),
    )
    op.create_index("ix_sync_outbox_record_id", "sync_outbox", ["record_id"])
    op.create_table(
        "sync_inbox",
        sa.Column("seq", sa.Integer(), nullable=False, autoincrement=True),
        sa.Column("record_type", sa.String(40), nullable=False),
        sa.Column("record_id", sa.String(36), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.Column("municipality_code", sa.String(4), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("seq"),
    )
    op.create_table(
        "sync_conflicts",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("reason", sa.String(40), nullable=False),
        sa.Column("record_type", sa.String(40), nullable=False),
        sa.Column("record_id", sa.String(36), nullable=False),
        sa.Column("case_id", sa.String(36), nullable=True),
        sa.Column("local_payload", sa.Text(), nullable=False),
        sa.Column("local_deleted", sa.Boolean(), nullable=False),
        sa.Column("server_payload", sa.Text(), nullable=True),
        sa.Column("server_deleted", sa.Boolean(), nullable=False),
        sa.Column("server_revision", sa.Integer(), nullable=True),
        sa.Column("detected_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("resolution", sa.String(20), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_sync_conflicts_record_id", "sync_conflicts", ["record_id"])
    op.create_index("ix_sync_conflicts_case_id", "sync_conflicts", ["case_id"])


def downgrade() -> None:
    op.drop_table("sync_conflicts")
    op.drop_table("sync_inbox")
    op.drop_index("ix_sync_outbox_record_id", "sync_outbox")
    op.drop_table("sync_outbox")
