"""clients: the BRP short street name, for streets longer than 24 characters

An iWmo message (WMO301) carries a street name of at most 24 characters: the BRP's short
street name (NEN 5825, e.g. 'Burg van Mierlostr' for 'Burgemeester van Mierlostraat').
Letters keep printing the full name. The consultant types the short name beside a longer
street; older rows have none (their message cuts the name at 24, as before).

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | Sequence[str] | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # plain ADD COLUMN (see 0012): the clients table has search and sort-name triggers that a
    # batch rebuild would have to recreate
    op.add_column(
        "clients", sa.Column("street_short", sa.String(24), nullable=False, server_default="")
    )


def downgrade() -> None:
    op.execute("ALTER TABLE clients DROP COLUMN street_short")
