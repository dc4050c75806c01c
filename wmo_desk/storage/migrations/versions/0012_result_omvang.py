"""results: the agreed omvang (aantal, eenheid, per) of a result

At the kitchen table the consultant and the resident agree not only what the support must
achieve but often how much ("drie dagdelen per week"). A result now keeps that omvang as the
iWmo Eenheid and Frequentie codes a provision uses, so the provision for the result starts
from it instead of being typed twice. All three are optional; older rows have none.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | Sequence[str] | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # plain ADD COLUMN: no batch rebuild of the table (which would drop nothing here, but is
    # slow and not needed for nullable or defaulted columns)
    op.add_column("case_results", sa.Column("volume", sa.Integer(), nullable=True))
    op.add_column(
        "case_results",
        sa.Column("unit", sa.String(2), nullable=False, server_default=""),
    )
    op.add_column(
        "case_results",
        sa.Column("frequency", sa.String(1), nullable=False, server_default=""),
    )


def downgrade() -> None:
    # SQLite's own DROP COLUMN (3.35+; SQLCipher 4 bundles a newer one): a batch rebuild would
    # reflect the table and trip over the caseload's expression indexes on cases
    for column in ("frequency", "unit", "volume"):
        op.execute(f"ALTER TABLE case_results DROP COLUMN {column}")
