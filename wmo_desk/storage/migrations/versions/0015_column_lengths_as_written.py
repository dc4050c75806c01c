"""column lengths: clients.bsn and the decision-document ids as long as what the desktop writes

Issue 10: the server checks each text of a synchronised record against the length of its
desktop column (``sync.records``). Two columns were declared shorter than what the desktop
itself writes into them, harmless only because SQLite does not enforce a VARCHAR length:

- ``clients.bsn``, VARCHAR(9): a withdrawn twin carries ``=<kept id>/<own id>`` there
  (``sync.engine.withdrawn_bsn``, 74 characters);
- ``decision_documents.id``, VARCHAR(36): a decision document's id is ``<decision id>-<kind>``
  (``sync.engine.document_id``, up to 67), and so are the ``record_id`` of the outbox, inbox
  and conflicts that hold it.

No row changes; only the declared types do. On SQLite a column's type cannot be altered, and
batch mode would copy, drop and rename the tables: that drops the search and sort-name triggers
of ``clients`` and ``cases`` (0008, 0011) with them, and the DROP of ``clients`` with foreign
keys on (they cannot be switched off inside the migration's transaction) would run an implicit
DELETE that the cases' references refuse. So the declared type is rewritten in the table's SQL
in ``sqlite_schema``, the procedure SQLite documents for changes that do not touch the stored
rows (https://sqlite.org/lang_altertable.html, "the simpler procedure"), as the server's s0007
does for its CHECK: in the migration's one transaction, with the schema version bumped so every
connection rereads the schema, and an integrity check after it. The FTS5 index, triggers and
indexes are separate entries of ``sqlite_schema`` and stay as they are.

Plain SQL on the connection ``Database.open_file`` hands over: it runs the same on the
SQLCipher-encrypted profile database.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-10
"""

import re
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | Sequence[str] | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# (table, column, length before, length after); the numbers are this migration's own, not the
# models' (a later change of a model must not change what 0015 did)
CHANGES = (
    ("clients", "bsn", 9, 74),
    ("decision_documents", "id", 36, 67),
    ("sync_outbox", "record_id", 36, 67),
    ("sync_inbox", "record_id", 36, 67),
    ("sync_conflicts", "record_id", 36, 67),
)


def _declaration(column: str, length: int) -> re.Pattern[str]:
    # the column's declaration as a column of its own: "\tid VARCHAR(36)", not
    # "decision_id VARCHAR(36)"; a quoted name as well
    return re.compile(rf'(?<![\w"`\]])("?){re.escape(column)}\1 VARCHAR\({length}\)', re.I)


def _retype(to_new: bool) -> None:
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        for table, column, old, new in CHANGES:
            before, after = (old, new) if to_new else (new, old)
            op.alter_column(
                table,
                column,
                type_=sa.String(after),
                existing_type=sa.String(before),
                existing_nullable=False,
            )
        return
    rewritten: dict[str, str] = {}
    for table, column, old, new in CHANGES:
        before, after = (old, new) if to_new else (new, old)
        sql = rewritten.get(table) or bind.execute(
            sa.text("SELECT sql FROM sqlite_schema WHERE type = 'table' AND name = :name"),
            {"name": table},
        ).scalar_one()
        sql, found = _declaration(column, before).subn(
            lambda m: f"{m.group(1)}{column}{m.group(1)} VARCHAR({after})", sql
        )
        if found != 1:
            raise RuntimeError(f"{table}.{column}: not declared VARCHAR({before}) as expected")
        rewritten[table] = sql
    version = bind.exec_driver_sql("PRAGMA schema_version").scalar_one()
    bind.exec_driver_sql("PRAGMA writable_schema = ON")
    try:
        for table, sql in rewritten.items():
            bind.execute(
                sa.text("UPDATE sqlite_schema SET sql = :sql WHERE type = 'table' AND name = :name"),
                {"sql": sql, "name": table},
            )
        bind.exec_driver_sql(f"PRAGMA schema_version = {int(version) + 1}")
    finally:
        bind.exec_driver_sql("PRAGMA writable_schema = OFF")
    problems = bind.exec_driver_sql("PRAGMA integrity_check").scalar_one()
    if problems != "ok":
        raise RuntimeError(f"column lengths: integrity check after the change: {problems}")


def upgrade() -> None:
    _retype(to_new=True)


def downgrade() -> None:
    # the shorter declarations again; longer values stay as they are (SQLite keeps any length)
    _retype(to_new=False)
