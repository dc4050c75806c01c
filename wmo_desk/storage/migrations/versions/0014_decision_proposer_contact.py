"""decisions: the proposer's work telefoon and e-mail, for the letters

A beschikking and its toewijzingen name the consultant who proposed the decision and how the
resident reaches them. The consultant keeps their work contact on their own desktop (Gebruiker
> Mijn gegevens); the letters are rendered at the team lead's desktop when the decision is
approved. The decision now carries the proposer's details from the moment it was submitted.
Older rows have none (their letters print the municipality's general number and address).

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | Sequence[str] | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "decisions",
        sa.Column("proposer_phone", sa.String(30), nullable=False, server_default=""),
    )
    op.add_column(
        "decisions",
        sa.Column("proposer_email", sa.String(200), nullable=False, server_default=""),
    )


def downgrade() -> None:
    for column in ("proposer_email", "proposer_phone"):
        op.execute(f"ALTER TABLE decisions DROP COLUMN {column}")
