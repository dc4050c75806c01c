"""caseload: the client's sort name copied onto cases, in the caseload's covering indexes

The caseload without search text (a reload after every change) read 44,000 cases in deadline
order from ``ix_caseload_cases_mine``/``_team``, then looked up each client's sort name in
``ix_caseload_clients_sort`` and sorted within each deadline on it: most of the 55-90 ms of a
reload at 50,000 cases. With ``cases.sort_name`` (a copy of ``clients.sort_name``) at the
right place in those indexes, the reload is one scan of one index, in the order shown.

The copy is kept by triggers, not by the storage layer: cases and clients are written by the
services through the ORM, by the sync's apply and pull in bulk through Core (in any order of
client and case within a batch), by INSERT OR REPLACE, by the benchmark's and the demo's data
builders, and by later migrations. A trigger sees every one of them, so no writer can forget the
copy and no code path (or future one) can make the caseload sort on a stale name; the storage
layer would have to repeat the rule at each of those places. What a trigger costs is one
indexed UPDATE of a client's cases when the client's sort name changes (rare: a correction of a
name) and one key lookup per inserted case.

- ``clients`` insert, and update of ``id`` or ``sort_name``: the client's cases take its sort
  name (an insert covers a case that arrived before its client, and INSERT OR REPLACE, whose
  implicit delete fires no trigger);
- ``cases`` insert, and update of ``client_id`` or ``sort_name``: the case takes its client's
  sort name (an update of ``sort_name`` itself, say by a writer that copies every column, is
  put right at once; triggers do not fire themselves again, recursive_triggers is off).

The column is in the model (``CaseRow.sort_name``, server default ``''``, nullable so that a
writer copying every model column with None is put right rather than refused) but local-only:
it never travels (``sync_payloads.LOCAL_ONLY``); the server keeps no copy. The caseload query
(``storage.repositories.caseload``) sorts on it and joins clients only when it searches.

A later migration that rebuilds ``cases`` or ``clients`` in batch mode drops these triggers
with the old table and must create them again (as for 0008's).

Plain SQL only (ALTER TABLE ADD COLUMN, UPDATE, CREATE INDEX/TRIGGER): it runs the same on the
SQLCipher-encrypted profile database, on the connection ``Database.open_file`` hands over.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0011"
down_revision: str | Sequence[str] | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_OF_CLIENT = "coalesce((SELECT sort_name FROM clients WHERE id = new.client_id), '')"

TRIGGERS = (
    """CREATE TRIGGER caseload_sort_client_insert AFTER INSERT ON clients BEGIN
    UPDATE cases SET sort_name = new.sort_name
        WHERE client_id = new.id AND sort_name IS NOT new.sort_name;
    END""",
    """CREATE TRIGGER caseload_sort_client_update AFTER UPDATE OF id, sort_name ON clients BEGIN
    UPDATE cases SET sort_name = new.sort_name
        WHERE client_id = new.id AND sort_name IS NOT new.sort_name;
    END""",
    f"""CREATE TRIGGER caseload_sort_case_insert AFTER INSERT ON cases BEGIN
    UPDATE cases SET sort_name = {_OF_CLIENT}
        WHERE rowid = new.rowid AND sort_name IS NOT {_OF_CLIENT};
    END""",
    f"""CREATE TRIGGER caseload_sort_case_update AFTER UPDATE OF client_id, sort_name ON cases
    BEGIN
    UPDATE cases SET sort_name = {_OF_CLIENT}
        WHERE rowid = new.rowid AND sort_name IS NOT {_OF_CLIENT};
    END""",
)

#: the caseload's covering indexes (0008) with the sort name after the deadline: the rows come
#: out of the index in the order the caseload shows them (deadline, then name, then id)
INDEXES = (
    """CREATE INDEX ix_caseload_cases_mine ON cases (municipality_code, consultant_id,
    next_deadline IS NULL, next_deadline, sort_name, id, deleted, stage, client_id)""",
    """CREATE INDEX ix_caseload_cases_team ON cases (municipality_code,
    next_deadline IS NULL, next_deadline, sort_name, id, deleted, stage, consultant_id,
    client_id)""",
)

#: 0008's versions, for the downgrade
OLD_INDEXES = (
    """CREATE INDEX ix_caseload_cases_mine ON cases (municipality_code, consultant_id,
    next_deadline IS NULL, next_deadline, deleted, stage, client_id, id)""",
    """CREATE INDEX ix_caseload_cases_team ON cases (municipality_code,
    next_deadline IS NULL, next_deadline, deleted, stage, consultant_id, client_id, id)""",
)

_TRIGGER_NAMES = (
    "caseload_sort_client_insert",
    "caseload_sort_client_update",
    "caseload_sort_case_insert",
    "caseload_sort_case_update",
)


def upgrade() -> None:
    # nullable: a writer that copies every column of the model (None for this one) is put
    # right by the insert trigger instead of refused
    op.execute("ALTER TABLE cases ADD COLUMN sort_name VARCHAR(300) DEFAULT ''")
    op.execute(
        "UPDATE cases SET sort_name = coalesce("
        "(SELECT sort_name FROM clients WHERE clients.id = cases.client_id), '')"
    )
    for name in ("ix_caseload_cases_mine", "ix_caseload_cases_team"):
        op.execute(f"DROP INDEX IF EXISTS {name}")
    for statement in (*INDEXES, *TRIGGERS):
        op.execute(statement)


def downgrade() -> None:
    for name in _TRIGGER_NAMES:
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    for name in ("ix_caseload_cases_mine", "ix_caseload_cases_team"):
        op.execute(f"DROP INDEX IF EXISTS {name}")
    op.execute("ALTER TABLE cases DROP COLUMN sort_name")
    for statement in OLD_INDEXES:
        op.execute(statement)
