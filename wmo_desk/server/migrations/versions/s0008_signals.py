"""Signals to the regional meldpunt and their status history.

Revision ID: s0008
Revises: s0007
Create Date: 2026-12-10
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "s0008"
down_revision: str | Sequence[str] | None = "s0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_KINDS = ("kwaliteit", "rechtmatigheid", "fraude", "calamiteit")
_STATUSES = ("ontvangen", "in_behandeling", "overgedragen_aan_toezicht", "afgehandeld")


def _utc() -> sa.DateTime:
    # wmo_desk.storage.types.UtcDateTime stores as this; the migration must not import app code.
    return sa.DateTime(timezone=True)


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN (" + ", ".join(f"'{v}'" for v in values) + ")"


def upgrade() -> None:
    op.create_table(
        "signals",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("municipality_code", sa.String(length=4), nullable=False),
        sa.Column("reporter_id", sa.Uuid(), nullable=False),
        sa.Column("provider_id", sa.String(length=100), nullable=False),
        sa.Column("provider_name", sa.String(length=300), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("what_happened", sa.Text(), nullable=False),
        sa.Column("occurred_on", sa.Date(), nullable=False),
        sa.Column("client_id", sa.Uuid(), nullable=True),
        sa.Column("consent_on", sa.Date(), nullable=True),
        sa.Column("status", sa.String(length=30), nullable=False),
        sa.Column("received_at", _utc(), nullable=False),
        sa.Column("status_at", _utc(), nullable=False),
        sa.Column("status_seq", sa.BigInteger(), nullable=False),
        sa.CheckConstraint(_in("kind", _KINDS), name=op.f("ck_signals_kind")),
        sa.CheckConstraint(_in("status", _STATUSES), name=op.f("ck_signals_status")),
        sa.CheckConstraint(
            "client_id IS NULL OR consent_on IS NOT NULL", name=op.f("ck_signals_consent")
        ),
        sa.ForeignKeyConstraint(
            ["reporter_id"], ["users.id"], name=op.f("fk_signals_reporter_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_signals")),
    )
    for column in ("municipality_code", "reporter_id", "provider_id", "status_seq"):
        op.create_index(op.f(f"ix_signals_{column}"), "signals", [column])
    op.create_table(
        "signal_history",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("signal_id", sa.Uuid(), nullable=False),
        sa.Column("status", sa.String(length=30), nullable=False),
        sa.Column("at", _utc(), nullable=False),
        sa.Column("by_user_id", sa.Uuid(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.CheckConstraint(_in("status", _STATUSES), name=op.f("ck_signal_history_status")),
        sa.ForeignKeyConstraint(
            ["signal_id"], ["signals.id"], name=op.f("fk_signal_history_signal_id_signals")
        ),
        sa.ForeignKeyConstraint(
            ["by_user_id"], ["users.id"], name=op.f("fk_signal_history_by_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_signal_history")),
    )
    op.create_index(op.f("ix_signal_history_signal_id"), "signal_history", ["signal_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_signal_history_signal_id"), table_name="signal_history")
    op.drop_table("signal_history")
    for column in ("status_seq", "provider_id", "reporter_id", "municipality_code"):
        op.drop_index(op.f(f"ix_signals_{column}"), table_name="signals")
    op.drop_table("signals")
