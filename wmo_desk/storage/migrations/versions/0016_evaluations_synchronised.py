"""evaluations become synchronised records (protocol 5)

Issue 15: a telephone evaluation handed to a colleague must reach the colleague's own laptop, and
follow a case the team lead gives to another consultant. The ``evaluations`` table gets the sync
columns (``modified_at``, ``pending``, ``deleted``, ``server_revision``), whom to call
(``client_name``, ``phone``: a colleague's desktop does not hold the case or its client) and the
id of the anonymous report (``report_id``); ``case_id`` is no longer a foreign key, for the same
reason. SQLite cannot drop a foreign key, so the table is built anew and the rows copied (nothing
refers to ``evaluations``; dropping a child table deletes nothing elsewhere).

The rows: every one is pending (the tasks go to the server at the next sync, as the desktop's
other records did with 0005). An open task gets its client's name and telephone number. A
recorded task gets a new id, and its products and providers move to the report's local columns
(the task travels without them): the report keeps its old id when the region has it already
(``sent_at``), and gets a fresh one when it is still to be sent — the access log, append-only,
names the old id beside the client, so a report sent from now on must not carry it. A task of a
case taken from this desktop before 0016 (the case a tombstone) becomes a tombstone too, not
sent and without whom to call; a recorded one among them still sends its report.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-03
"""

import uuid
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016"
down_revision: str | Sequence[str] | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_KEPT = (
    "case_id",
    "conversation_id",
    "municipality_code",
    "assignee_id",
    "due",
    "attempts",
    "outcome",
    "recorded_on",
    "product_codes",
    "provider_ids",
    "form_id",
    "form_version",
    "answers",
    "created_at",
    "sent_at",
    "refused",
)


def _columns(*, synchronised: bool) -> list[sa.Column]:
    columns = [
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("case_id", sa.String(36), nullable=False),
        sa.Column("conversation_id", sa.String(36), nullable=False),
        sa.Column("municipality_code", sa.String(4), nullable=False),
        sa.Column("assignee_id", sa.String(36), nullable=False),
        sa.Column("due", sa.Date(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("outcome", sa.String(30), nullable=True),
        sa.Column("recorded_on", sa.Date(), nullable=True),
    ]
    if synchronised:
        columns += [
            sa.Column("client_name", sa.String(300), nullable=False),
            sa.Column("phone", sa.String(30), nullable=False),
        ]
    columns += [
        sa.Column("product_codes", sa.Text(), nullable=False),
        sa.Column("provider_ids", sa.Text(), nullable=False),
        sa.Column("form_id", sa.String(100), nullable=False),
        sa.Column("form_version", sa.String(40), nullable=False),
        sa.Column("answers", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("refused", sa.Text(), nullable=False),
    ]
    if synchronised:
        columns += [
            sa.Column("report_id", sa.String(36), nullable=True),
            sa.Column("report_product_codes", sa.Text(), nullable=False),
            sa.Column("report_provider_ids", sa.Text(), nullable=False),
            sa.Column("modified_at", sa.DateTime(timezone=True), nullable=False),
            sa.Column("pending", sa.Boolean(), nullable=False),
            sa.Column("deleted", sa.Boolean(), nullable=False),
            sa.Column("server_revision", sa.Integer(), nullable=True),
        ]
    return columns


def _rebuild(*, synchronised: bool, copy: str) -> None:
    op.drop_index("ix_evaluations_assignee_id", table_name="evaluations")
    op.drop_index("ix_evaluations_case_id", table_name="evaluations")
    op.rename_table("evaluations", "evaluations_before")
    constraints: list[sa.Constraint] = [
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("conversation_id"),
    ]
    if not synchronised:
        constraints.append(sa.ForeignKeyConstraint(["case_id"], ["cases.id"]))
    op.create_table("evaluations", *_columns(synchronised=synchronised), *constraints)
    op.execute(copy)
    op.drop_table("evaluations_before")
    op.create_index("ix_evaluations_case_id", "evaluations", ["case_id"])
    op.create_index("ix_evaluations_assignee_id", "evaluations", ["assignee_id"])


def _name(initials: str, prefix: str, surname: str) -> str:
    # as the task list has always shown it (storage.repositories.evaluations)
    return " ".join(p for p in (initials, prefix, surname) if p)


def upgrade() -> None:
    kept = ", ".join(_KEPT)
    _rebuild(
        synchronised=True,
        copy=(
            f"INSERT INTO evaluations (id, {kept}, client_name, phone, report_id, "
            "report_product_codes, report_provider_ids, modified_at, pending, deleted, "
            f"server_revision) SELECT id, {kept}, '', '', NULL, '[]', '[]', created_at, 1, 0, "
            "NULL FROM evaluations_before"
        ),
    )
    bind = op.get_bind()
    contacts = bind.execute(
        sa.text(
            "SELECT e.id, c.initials, c.prefix, c.surname, c.phone FROM evaluations e "
            "JOIN cases k ON k.id = e.case_id JOIN clients c ON c.id = k.client_id "
            "WHERE e.outcome IS NULL"
        )
    ).all()
    for evaluation_id, initials, prefix, surname, phone in contacts:
        bind.execute(
            sa.text("UPDATE evaluations SET client_name = :name, phone = :phone WHERE id = :id"),
            {
                "id": evaluation_id,
                "name": _name(initials or "", prefix or "", surname or "")[:300],
                "phone": (phone or "")[:30],
            },
        )
    recorded = bind.execute(
        sa.text("SELECT id, sent_at FROM evaluations WHERE outcome IS NOT NULL")
    ).all()
    for old_id, sent_at in recorded:
        bind.execute(
            sa.text(
                "UPDATE evaluations SET id = :new, report_id = :report, "
                "report_product_codes = product_codes, report_provider_ids = provider_ids, "
                "product_codes = '[]', provider_ids = '[]' WHERE id = :old"
            ),
            {
                "old": old_id,
                "new": str(uuid.uuid4()),
                "report": old_id if sent_at is not None else str(uuid.uuid4()),
            },
        )
    # the calls of cases taken from this desktop: not this user's any more
    bind.execute(
        sa.text(
            "UPDATE evaluations SET deleted = 1, pending = 0, client_name = '', phone = '' "
            "WHERE case_id NOT IN (SELECT id FROM cases WHERE deleted = 0)"
        )
    )


def downgrade() -> None:
    # the report's id becomes the row's id again (as before 0016), its products and
    # providers the row's. Left out: a task pulled from a colleague, whose case is not on this
    # desktop (the foreign key), and a call recorded on another desktop (before 0016 it would
    # be reported from here, a second time)
    kept = ", ".join(k for k in _KEPT if k not in ("product_codes", "provider_ids"))
    _rebuild(
        synchronised=False,
        copy=(
            f"INSERT INTO evaluations (id, {kept}, product_codes, provider_ids) "
            f"SELECT coalesce(report_id, id), {kept}, "
            "CASE WHEN outcome IS NULL THEN product_codes ELSE report_product_codes END, "
            "CASE WHEN outcome IS NULL THEN provider_ids ELSE report_provider_ids END "
            "FROM evaluations_before WHERE deleted = 0 AND case_id IN (SELECT id FROM cases) "
            "AND (outcome IS NULL OR report_id IS NOT NULL)"
        ),
    )
