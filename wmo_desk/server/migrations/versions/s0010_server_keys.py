"""A server secret for keyed hashes (the sign-in back-off's usernames and addresses).

Revision ID: s0010
Revises: s0009
Create Date: 2026-12-02
"""

import secrets
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "s0010"
down_revision: str | Sequence[str] | None = "s0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    keys = op.create_table(
        "server_keys",
        sa.Column("name", sa.String(40), primary_key=True),
        sa.Column("value", sa.String(128), nullable=False),
    )
    # Made here, once per server database: every server process on it uses the same key.
    op.bulk_insert(keys, [{"name": "throttle", "value": secrets.token_hex(32)}])
    # Counts hashed without the key mean nothing any more; they are at most 15 minutes old.
    op.execute("DELETE FROM login_failures")


def downgrade() -> None:
    op.drop_table("server_keys")
