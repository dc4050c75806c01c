"""access log as an append-only hash chain (NEN 7513 fields); documents stored in the database

The access log gets a sequence number, the device, the object (document, decision), a detail
(counts, never names) and the SHA-256 chain; entries written before this migration are chained
in their order. Triggers refuse UPDATE and DELETE on ``audit_log``: a later migration that must
rebuild the table drops them first and creates them again.

``stored_documents`` keeps the verslag PDFs that used to lie in the profile's ``documents/``
folder (decision documents already live in ``decision_documents``).

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02
"""

import uuid
from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

from wmo_desk.domain.audit import make_entry
from wmo_desk.storage.types import UtcDateTime

revision: str = "0007"
down_revision: str | Sequence[str] | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TRIGGERS = (
    """CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
       BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END""",
    """CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
       BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END""",
)


def upgrade() -> None:
    with op.batch_alter_table("audit_log") as batch:
        batch.add_column(sa.Column("seq", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("device_id", sa.String(36), nullable=False, server_default=""))
        batch.add_column(sa.Column("object_id", sa.String(64), nullable=True))
        batch.add_column(sa.Column("detail", sa.String(200), nullable=False, server_default=""))
        batch.add_column(sa.Column("prev_hash", sa.String(64), nullable=False, server_default=""))
        batch.add_column(sa.Column("hash", sa.String(64), nullable=False, server_default=""))
    bind = op.get_bind()
    device = bind.execute(sa.text("SELECT value FROM settings WHERE key = 'device_id'")).scalar()
    if device is None:
        device = str(uuid.uuid4())
        bind.execute(
            sa.text("INSERT INTO settings (key, value) VALUES ('device_id', :v)"), {"v": device}
        )
    log = sa.table(
        "audit_log",
        sa.column("id", sa.Integer()),
        sa.column("at", UtcDateTime()),
        sa.column("user_id", sa.String()),
        sa.column("action", sa.String()),
        sa.column("client_id", sa.String()),
        sa.column("case_id", sa.String()),
        sa.column("seq", sa.Integer()),
        sa.column("device_id", sa.String()),
        sa.column("prev_hash", sa.String()),
        sa.column("hash", sa.String()),
    )
    previous = None
    for row in bind.execute(sa.select(log).order_by(log.c.id)).all():
        entry = make_entry(
            previous,
            at=row.at or datetime.now(UTC),
            user_id=row.user_id,
            device_id=device,
            action=row.action,
            client_id=row.client_id,
            case_id=row.case_id,
        )
        bind.execute(
            log.update()
            .where(log.c.id == row.id)
            .values(
                seq=entry.seq,
                at=entry.at,
                device_id=device,
                prev_hash=entry.prev_hash,
                hash=entry.hash,
            )
        )
        previous = entry
    with op.batch_alter_table("audit_log") as batch:
        batch.create_index("ix_audit_log_seq", ["seq"], unique=True)
    for trigger in TRIGGERS:
        op.execute(trigger)
    op.create_table(
        "stored_documents",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("case_id", sa.String(36), sa.ForeignKey("cases.id"), nullable=False, index=True),
        sa.Column("kind", sa.String(30), nullable=False),
        sa.Column("filename", sa.String(200), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("created_by", sa.String(36), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("stored_documents")
    op.execute("DROP TRIGGER IF EXISTS audit_log_no_update")
    op.execute("DROP TRIGGER IF EXISTS audit_log_no_delete")
    with op.batch_alter_table("audit_log") as batch:
        batch.drop_index("ix_audit_log_seq")
        for column in ("hash", "prev_hash", "detail", "object_id", "device_id", "seq"):
            batch.drop_column(column)
