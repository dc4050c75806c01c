"""caseload search: a trigram full-text index over clients, and covering indexes for the caseload

``client_search`` is an FTS5 table with ``tokenize='trigram'`` over exactly the three columns the
caseload search reads: ``clients.search_text`` (name words), ``bsn`` and ``postcode``. A phrase of
three or more characters finds every row holding it as a substring, case-insensitively, so it is
a superset of the present LIKE conditions; the caseload query keeps those conditions on the rows
it finds, so the results stay exactly what they were.

Contentless (``content=''``, ``contentless_delete=1``, SQLite 3.43+) rather than external
content: the index keeps no second copy of names and BSNs (the database holds personal data;
every copy is one more to reason about), and a contentless-delete table deletes and updates by
rowid alone, so the triggers need no old values. Its rowids are the INTEGER PRIMARY KEY of
``client_search_keys`` (one per client id), not the implicit rowid of ``clients``: that one has a
text primary key, so VACUUM or the ``sqlcipher_export`` of a plaintext profile (storage/cipher.py)
may renumber it; an INTEGER PRIMARY KEY is copied as is.

Triggers on ``clients`` keep both tables right for every writer (services, the sync's apply,
bulk inserts). The insert trigger also clears a previous entry of the same id, so INSERT OR
REPLACE (whose implicit delete fires no trigger without recursive_triggers) cannot leave one
behind. Cases are not indexed: no case field is searched. A later migration that rebuilds
``clients`` in batch mode drops its triggers with the old table and must create them again.

The covering indexes let the no-text reload read cases in deadline order from an index (the
consultant's own list and the team list), sorting only within one deadline, and fetch each
client's sort name without reading its row. They and the search tables are not in the models
(SQLAlchemy does not reflect expression indexes or FTS5); ``storage.repositories.caseload``
names them so autogenerate and the model comparison leave them alone.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-09
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0008"
down_revision: str | Sequence[str] | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ENTRY_OF_NEW = """
    INSERT OR IGNORE INTO client_search_keys (client_id) VALUES (new.id);
    INSERT INTO client_search (rowid, name, bsn, postcode)
        SELECT id, new.search_text, new.bsn, new.postcode
        FROM client_search_keys WHERE client_id = new.id;"""

TRIGGERS = (
    f"""CREATE TRIGGER client_search_insert AFTER INSERT ON clients BEGIN
    DELETE FROM client_search
        WHERE rowid = (SELECT id FROM client_search_keys WHERE client_id = new.id);{_ENTRY_OF_NEW}
    END""",
    f"""CREATE TRIGGER client_search_update
    AFTER UPDATE OF id, search_text, bsn, postcode ON clients BEGIN
    DELETE FROM client_search
        WHERE rowid = (SELECT id FROM client_search_keys WHERE client_id = old.id);
    DELETE FROM client_search_keys WHERE client_id = old.id AND old.id IS NOT new.id;{_ENTRY_OF_NEW}
    END""",
    """CREATE TRIGGER client_search_delete AFTER DELETE ON clients BEGIN
    DELETE FROM client_search
        WHERE rowid = (SELECT id FROM client_search_keys WHERE client_id = old.id);
    DELETE FROM client_search_keys WHERE client_id = old.id;
    END""",
)

INDEXES = (
    """CREATE INDEX ix_caseload_cases_mine ON cases (municipality_code, consultant_id,
    next_deadline IS NULL, next_deadline, deleted, stage, client_id, id)""",
    """CREATE INDEX ix_caseload_cases_team ON cases (municipality_code,
    next_deadline IS NULL, next_deadline, deleted, stage, consultant_id, client_id, id)""",
    "CREATE INDEX ix_caseload_clients_sort ON clients (id, sort_name)",
)


def upgrade() -> None:
    op.execute(
        "CREATE TABLE client_search_keys ("
        "id INTEGER PRIMARY KEY, client_id VARCHAR(36) NOT NULL UNIQUE)"
    )
    op.execute(
        "CREATE VIRTUAL TABLE client_search USING fts5(name, bsn, postcode,"
        " content='', contentless_delete=1, tokenize='trigram')"
    )
    op.execute("INSERT INTO client_search_keys (client_id) SELECT id FROM clients ORDER BY rowid")
    op.execute(
        "INSERT INTO client_search (rowid, name, bsn, postcode)"
        " SELECT k.id, c.search_text, c.bsn, c.postcode"
        " FROM client_search_keys AS k JOIN clients AS c ON c.id = k.client_id"
    )
    op.execute("INSERT INTO client_search (client_search) VALUES ('optimize')")
    for statement in (*TRIGGERS, *INDEXES):
        op.execute(statement)


def downgrade() -> None:
    for name in ("ix_caseload_cases_mine", "ix_caseload_cases_team", "ix_caseload_clients_sort"):
        op.execute(f"DROP INDEX IF EXISTS {name}")
    for name in ("client_search_insert", "client_search_update", "client_search_delete"):
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.execute("DROP TABLE IF EXISTS client_search")
    op.execute("DROP TABLE IF EXISTS client_search_keys")
