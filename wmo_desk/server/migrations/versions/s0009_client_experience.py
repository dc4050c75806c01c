"""Anonymous telephone evaluations (cliëntervaring, CEO Wmo) from the desktops.

Revision ID: s0009
Revises: s0008
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "s0009"
down_revision: str | Sequence[str] | None = "s0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_OUTCOMES = ("afgerond", "geen_bereik", "wil_niet_meewerken")


def upgrade() -> None:
    op.create_table(
        "evaluations",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("municipality_code", sa.String(length=4), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("outcome", sa.String(length=30), nullable=False),
        sa.Column("form_id", sa.String(length=100), nullable=False),
        sa.Column("form_version", sa.String(length=40), nullable=False),
        sa.Column("answers", sa.Text(), nullable=False),
        sa.Column("product_codes", sa.Text(), nullable=False),
        sa.Column("provider_ids", sa.Text(), nullable=False),
        # wmo_desk.storage.types.UtcDateTime stores as this; the migration must not import app code.
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "outcome IN (" + ", ".join(f"'{v}'" for v in _OUTCOMES) + ")",
            name=op.f("ck_evaluations_outcome"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_evaluations")),
    )
    for column in ("municipality_code", "year"):
        op.create_index(op.f(f"ix_evaluations_{column}"), "evaluations", [column])


def downgrade() -> None:
    for column in ("year", "municipality_code"):
        op.drop_index(op.f(f"ix_evaluations_{column}"), table_name="evaluations")
    op.drop_table("evaluations")
