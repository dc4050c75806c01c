"""Alembic: one head, and an empty database upgraded to head equals the models."""

import warnings

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory

from tests.conftest import TEST_KEY
from wmo_desk.storage.database import Database, alembic_config
from wmo_desk.storage.repositories.caseload import is_sql_only
from wmo_desk.storage.tables import Base


def test_one_head():
    script = ScriptDirectory.from_config(alembic_config("sqlite://"))
    assert len(script.get_heads()) == 1


def test_upgraded_empty_database_matches_the_models(tmp_path):
    db = Database.open_file(tmp_path / "x.sqlite", TEST_KEY)
    with db.engine.connect() as conn:
        # the caseload search tables and expression indexes of migration 0008 are SQL only
        opts = {
            "compare_type": True,
            "include_name": lambda name, type_, parent: not is_sql_only(name),
        }
        context = MigrationContext.configure(conn, opts=opts)
        with warnings.catch_warnings():
            warnings.filterwarnings(
                "ignore", "Skipped unsupported reflection of expression-based index ix_caseload_"
            )
            assert compare_metadata(context, Base.metadata) == []
        assert (
            context.get_current_revision()
            == ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()
        )
    db.close()


def test_sqlite_runs_in_wal_mode_with_foreign_keys(db):
    with db.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


def test_backups_are_made_once_a_day_and_the_newest_five_kept(tmp_path):
    from wmo_desk.storage.database import backup_file

    path = tmp_path / "wmo_desk.sqlite"
    for _ in range(4):
        Database.open_file(path, TEST_KEY).close()
    backups = sorted((tmp_path / "backups").glob("wmo_desk-*.sqlite"))
    assert len(backups) == 1, "the first start makes the database, the second backs it up"
    for _ in range(6):
        backup_file(path, TEST_KEY, tmp_path / "backups")
    backups = sorted((tmp_path / "backups").glob("wmo_desk-*.sqlite"))
    assert len(backups) == 5
    # a backup is itself a complete, migrated database, encrypted with the same key
    assert backups[-1].read_bytes()[:16] != b"SQLite format 3\x00"
    restored = Database.open_file(backups[-1], TEST_KEY, backup=False)
    with restored.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
        assert conn.exec_driver_sql("SELECT count(*) FROM alembic_version").scalar() == 1
    restored.close()


def test_a_database_from_the_first_release_upgrades_with_its_data(tmp_path):
    from alembic import command
    from sqlalchemy import text

    from wmo_desk.storage.database import make_engine

    path = tmp_path / "old.sqlite"
    url = f"sqlite:///{path}"
    command.upgrade(alembic_config(url), "0001")
    engine = make_engine(url)
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO settings (key, value) VALUES ('region_code', 'BNO-O')"))
        conn.execute(
            text(
                "INSERT INTO users (id, name, role, municipality_code, created_at, modified_at, pending, deleted)"
                " VALUES ('u1', 'Sanne de Wit', 'consulent', '0828', '2026-01-01', '2026-01-01', 1, 0)"
            )
        )
    engine.dispose()
    db = Database.open_file(path, TEST_KEY)
    with db.engine.connect() as conn:
        assert (
            conn.execute(text("SELECT value FROM settings WHERE key = 'region_code'")).scalar()
            == "BNO-O"
        )
        assert conn.execute(text("SELECT name FROM users")).scalar() == "Sanne de Wit"
        columns = [r[1] for r in conn.exec_driver_sql("PRAGMA table_info(conversations)")]
        assert "current_section" in columns and "verslag_signed_on" in columns
    db.close()
    backups = list((tmp_path / "backups").glob("old-*.sqlite"))
    assert len(backups) == 1, "the old file was backed up (encrypted) before the migration"
    assert backups[0].read_bytes()[:16] != b"SQLite format 3\x00"


def _at_0010_with_cases(path):
    """An encrypted database at migration 0010 with two clients and three cases in it."""
    from datetime import UTC, date, datetime

    from alembic import command
    from sqlalchemy import insert

    from wmo_desk.storage.cipher import encrypted_engine
    from wmo_desk.storage.tables import CaseRow, ClientRow, UserRow

    engine = encrypted_engine(path, TEST_KEY)
    now = datetime(2026, 12, 1, tzinfo=UTC)
    sync = {"created_at": now, "modified_at": now, "pending": False, "deleted": False}
    with engine.begin() as connection:
        config = alembic_config("sqlite://")
        config.attributes["connection"] = connection
        command.upgrade(config, "0010")
        connection.execute(
            insert(UserRow),
            [
                {
                    "id": "u1",
                    "name": "Sanne",
                    "role": "consulent",
                    "municipality_code": "0828",
                    **sync,
                }
            ],
        )
        person = {
            "initials": "J.",
            "birth_date": date(1950, 1, 1),
            "street": "Kerkstraat",
            "house_number": 1,
            "postcode": "5341AB",
            "place": "Oss",
            "municipality_code": "0828",
            **sync,
        }
        connection.execute(
            insert(ClientRow),
            [
                {
                    "id": "c1",
                    "bsn": "111222333",
                    "surname": "Vries",
                    "sort_name": "Vries, J. de",
                    "search_text": "vries de j",
                    **person,
                },
                {
                    "id": "c2",
                    "bsn": "123456782",
                    "surname": "Bakker",
                    "sort_name": "Bakker, J.",
                    "search_text": "bakker j",
                    **person,
                },
            ],
        )
        case = {
            "municipality_code": "0828",
            "consultant_id": "u1",
            "stage": "melding",
            "melding_date": date(2026, 11, 1),
            "reported_by": "client",
            "channel": "telefoon",
            "request_text": "Hulpvraag",
            "holds": "[]",
            "on_hold": False,
            "close_note": "",
            **sync,
        }
        columns = {c.key for c in CaseRow.__table__.columns} - {"sort_name"}  # as at 0010
        connection.execute(
            insert(CaseRow.__table__).values(
                [
                    {k: v for k, v in {"id": i, "client_id": c, **case}.items() if k in columns}
                    for i, c in (("k1", "c1"), ("k2", "c2"), ("k3", "c1"))
                ]
            )
        )
    engine.dispose()


def _sort_names(connection) -> dict[str, str]:
    return dict(connection.exec_driver_sql("SELECT id, sort_name FROM cases").all())


def test_0011_copies_the_sort_names_onto_the_cases_of_an_encrypted_database(tmp_path):
    from alembic import command

    path = tmp_path / "wmo_desk.sqlite"
    _at_0010_with_cases(path)
    assert path.read_bytes()[:16] != b"SQLite format 3\x00"
    db = Database.open_file(path, TEST_KEY)  # migrates to head, as a start does
    with db.engine.begin() as conn:
        assert _sort_names(conn) == {"k1": "Vries, J. de", "k2": "Bakker, J.", "k3": "Vries, J. de"}
        index = [r[2] for r in conn.exec_driver_sql("PRAGMA index_info(ix_caseload_cases_mine)")]
        assert index[4:6] == ["sort_name", "id"]  # after the deadline, so the index is in order
        # the triggers keep the copy: a renamed client, a new case, a case given another client
        conn.exec_driver_sql("UPDATE clients SET sort_name = 'Vries-Jansen, J.' WHERE id = 'c1'")
        copied = ", ".join(
            r[1]
            for r in conn.exec_driver_sql("PRAGMA table_info(cases)")
            if r[1] not in ("id", "client_id", "sort_name")
        )
        conn.exec_driver_sql(
            f"INSERT INTO cases (id, client_id, {copied})"
            f" SELECT 'k4', 'c2', {copied} FROM cases WHERE id = 'k1'"
        )
        conn.exec_driver_sql("UPDATE cases SET client_id = 'c2' WHERE id = 'k3'")
        assert _sort_names(conn) == {
            "k1": "Vries-Jansen, J.",
            "k2": "Bakker, J.",
            "k3": "Bakker, J.",
            "k4": "Bakker, J.",
        }
    # and back: 0010's columns and indexes, the data kept
    with db.engine.begin() as connection:
        config = alembic_config("sqlite://")
        config.attributes["connection"] = connection
        command.downgrade(config, "0010")
        assert "sort_name" not in [
            r[1] for r in connection.exec_driver_sql("PRAGMA table_info(cases)")
        ]
        index = [
            r[2] for r in connection.exec_driver_sql("PRAGMA index_info(ix_caseload_cases_mine)")
        ]
        assert index[-1] == "id" and "sort_name" not in index
        assert connection.exec_driver_sql("SELECT count(*) FROM cases").scalar() == 4
    db.close()


_DECISION = "5f0c2d1e-7a31-4c1e-9a3e-0b6f0f528a49"
_KEPT, _TWIN = "0b6f0f52-8a49-4c1e-9a3e-5f0c2d1e7a31", "9f1c2d3e-4b5a-4c6d-8e7f-0a1b2c3d4e5f"


def _at_0014_with_documents(path):
    """An encrypted database at migration 0014: two clients (one a withdrawn twin, whose mark
    is longer than VARCHAR(9) said), cases, and a final decision with a document (an id longer
    than VARCHAR(36) said)."""
    from datetime import UTC, date, datetime

    from alembic import command
    from sqlalchemy import insert

    from wmo_desk.storage.cipher import encrypted_engine
    from wmo_desk.storage.tables import (
        CaseRow,
        ClientRow,
        DecisionDocumentRow,
        DecisionRow,
        UserRow,
    )
    from wmo_desk.sync.engine import document_id, withdrawn_bsn

    engine = encrypted_engine(path, TEST_KEY)
    now = datetime(2026, 12, 1, tzinfo=UTC)
    sync = {"created_at": now, "modified_at": now, "pending": False, "deleted": False}
    with engine.begin() as connection:
        config = alembic_config("sqlite://")
        config.attributes["connection"] = connection
        command.upgrade(config, "0014")
        connection.execute(
            insert(UserRow),
            [
                {
                    "id": "u1",
                    "name": "Sanne",
                    "role": "consulent",
                    "municipality_code": "0828",
                    **sync,
                }
            ],
        )
        person = {
            "initials": "J.",
            "birth_date": date(1950, 1, 1),
            "street": "Kerkstraat",
            "house_number": 1,
            "postcode": "5341AB",
            "place": "Oss",
            "municipality_code": "0828",
            **sync,
        }
        connection.execute(
            insert(ClientRow),
            [
                {
                    "id": _KEPT,
                    "bsn": "111222333",
                    "surname": "Vries",
                    "sort_name": "Vries, J. de",
                    "search_text": "vries de j",
                    **person,
                },
                {
                    "id": _TWIN,
                    "bsn": withdrawn_bsn(_KEPT, _TWIN),
                    "surname": "Bakker",
                    "sort_name": "Bakker, J.",
                    "search_text": "bakker j",
                    **person,
                },
            ],
        )
        case = {
            "municipality_code": "0828",
            "consultant_id": "u1",
            "stage": "besluit",
            "melding_date": date(2026, 11, 1),
            "reported_by": "client",
            "channel": "telefoon",
            "request_text": "Hulpvraag",
            "holds": [],
            "on_hold": False,
            "close_note": "",
            **sync,
        }
        connection.execute(
            insert(CaseRow),
            [{"id": i, "client_id": c, **case} for i, c in (("k1", _KEPT), ("k2", _TWIN))],
        )
        connection.execute(
            insert(DecisionRow),
            [
                {
                    "id": _DECISION,
                    "case_id": "k1",
                    "outcome": "toegekend",
                    "motivation": "Zie verslag.",
                    "status": "definitief",
                    "proposed_by": "u1",
                    "kenmerk": "2026-0001",
                    **sync,
                }
            ],
        )
        connection.execute(
            insert(DecisionDocumentRow),
            [
                {
                    "id": document_id(_DECISION, kind),
                    "decision_id": _DECISION,
                    "kind": kind,
                    "filename": f"{kind}.pdf",
                    "sha256": "0" * 64,
                    "content": b"%PDF-",
                    **sync,
                }
                for kind in ("beschikking", "toewijzing-999999999-v12345678")
            ],
        )
    engine.dispose()


def _declared(connection, table: str, column: str) -> str:
    from sqlalchemy import inspect

    found = {c["name"]: c["type"] for c in inspect(connection).get_columns(table)}
    return str(found[column])


def _contents(connection) -> dict[str, list[tuple]]:
    return {
        table: connection.exec_driver_sql(f"SELECT * FROM {table} ORDER BY id").all()
        for table in ("users", "clients", "cases", "decisions", "decision_documents")
    }


def _found(connection, text: str) -> list[str]:
    from sqlalchemy.orm import Session

    from wmo_desk.domain.caseload import CaseloadFilter
    from wmo_desk.storage.repositories.caseload import CaseloadRepository

    repo = CaseloadRepository(Session(bind=connection))
    return repo.case_ids(CaseloadFilter("0828", text=text))


def test_0015_declares_the_lengths_the_desktop_writes_and_keeps_rows_search_and_triggers(
    tmp_path,
):
    from alembic import command

    from wmo_desk.storage.cipher import encrypted_engine

    path = tmp_path / "wmo_desk.sqlite"
    _at_0014_with_documents(path)
    engine = encrypted_engine(path, TEST_KEY)
    schema = "SELECT type, name, sql FROM sqlite_schema WHERE type != 'table' ORDER BY name"
    with engine.begin() as connection:
        before = _contents(connection)
        others = connection.exec_driver_sql(schema).all()
        assert _found(connection, "vries") == ["k1"]
        assert _declared(connection, "clients", "bsn") == "VARCHAR(9)"
        config = alembic_config("sqlite://")
        config.attributes["connection"] = connection
        command.upgrade(config, "0015")
    with engine.begin() as connection:
        assert _declared(connection, "clients", "bsn") == "VARCHAR(74)"
        for table, column in (
            ("decision_documents", "id"),
            ("sync_outbox", "record_id"),
            ("sync_inbox", "record_id"),
            ("sync_conflicts", "record_id"),
        ):
            assert _declared(connection, table, column) == "VARCHAR(67)", table
        # decision_id stays as it was: only the id column itself is another length
        assert _declared(connection, "decision_documents", "decision_id") == "VARCHAR(36)"
        assert _contents(connection) == before
        # the FTS5 index, its triggers, the sort-name triggers and the expression indexes
        assert connection.exec_driver_sql(schema).all() == others
        assert connection.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
        assert connection.exec_driver_sql("PRAGMA foreign_key_check").all() == []
        assert _found(connection, "vries") == ["k1"]
        assert _found(connection, "111222") == ["k1"]
        # the triggers still fire: a renamed client is found by its new name, on its case
        connection.exec_driver_sql(
            "UPDATE clients SET search_text = 'vries-jansen de j', sort_name = 'Vries-Jansen, J.'"
            f" WHERE id = '{_KEPT}'"
        )
        assert _found(connection, "jansen") == ["k1"]
        assert (
            connection.exec_driver_sql("SELECT sort_name FROM cases WHERE id = 'k1'").scalar()
            == "Vries-Jansen, J."
        )
    # and back: the old declarations, the rows kept
    with engine.begin() as connection:
        config = alembic_config("sqlite://")
        config.attributes["connection"] = connection
        command.downgrade(config, "0014")
        assert _declared(connection, "clients", "bsn") == "VARCHAR(9)"
        assert _declared(connection, "decision_documents", "id") == "VARCHAR(36)"
        assert _declared(connection, "sync_outbox", "record_id") == "VARCHAR(36)"
        assert connection.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
        assert connection.exec_driver_sql("SELECT count(*) FROM decision_documents").scalar() == 2
        assert _found(connection, "jansen") == ["k1"]
    engine.dispose()
    # a start migrates it to head again
    Database.open_file(path, TEST_KEY, backup=False).close()


def test_0015_refuses_a_schema_it_does_not_recognise_and_changes_nothing(tmp_path):
    from alembic import command

    from wmo_desk.storage.cipher import encrypted_engine

    path = tmp_path / "wmo_desk.sqlite"
    _at_0014_with_documents(path)
    engine = encrypted_engine(path, TEST_KEY)
    with engine.begin() as connection:
        connection.exec_driver_sql("ALTER TABLE sync_inbox RENAME COLUMN record_id TO record_key")
    with pytest.raises(RuntimeError, match=r"sync_inbox\.record_id"), engine.begin() as connection:
        config = alembic_config("sqlite://")
        config.attributes["connection"] = connection
        command.upgrade(config, "0015")
    with engine.connect() as connection:
        assert connection.exec_driver_sql("SELECT version_num FROM alembic_version").scalar() == (
            "0014"
        )
        assert _declared(connection, "clients", "bsn") == "VARCHAR(9)"
    engine.dispose()


def test_0016_makes_the_evaluations_records_that_travel(tmp_path):
    """An open call gets whom to call; a recorded one gets a new id of its own and keeps its
    report's id only when the region has it (an unsent report gets a fresh one); a call of a
    case taken away becomes a tombstone; the rest go to the server."""
    from alembic import command
    from sqlalchemy import text

    from wmo_desk.storage.cipher import encrypted_engine

    path = tmp_path / "wmo_desk.sqlite"
    _at_0014_with_documents(path)
    engine = encrypted_engine(path, TEST_KEY)
    columns = (
        "id, case_id, conversation_id, municipality_code, assignee_id, due, attempts, outcome, "
        "form_id, form_version, answers, product_codes, provider_ids, recorded_on, created_at, "
        "sent_at, refused"
    )
    with engine.begin() as connection:
        config = alembic_config("sqlite://")
        config.attributes["connection"] = connection
        command.upgrade(config, "0015")
        connection.exec_driver_sql(
            f"UPDATE clients SET prefix = 'de', phone = '0412 123 456' WHERE id = '{_KEPT}'"
        )
        # k3: a case taken from this desktop (a tombstone) before 0016
        names = [r[1] for r in connection.exec_driver_sql("PRAGMA table_info(cases)")]
        copied = ", ".join({"id": "'k3'", "deleted": "1"}.get(n, n) for n in names)
        connection.exec_driver_sql(
            f"INSERT INTO cases ({', '.join(names)}) SELECT {copied} FROM cases WHERE id = 'k1'"
        )
        connection.exec_driver_sql(
            f"INSERT INTO evaluations ({columns}) VALUES "
            "('e-open', 'k1', 'g1', '0828', 'u1', '2027-01-12', 1, NULL, 'clientervaring', '', "
            "'{}', '[]', '[]', NULL, '2026-12-01 10:00:00.000000', NULL, ''), "
            "('e-done', 'k2', 'g2', '0828', 'u1', '2027-01-05', 1, 'afgerond', 'clientervaring', "
            "'1.0', '{\"ceo.1\": \"eens\"}', '[\"14\"]', '[]', '2027-01-05', "
            "'2026-12-01 10:00:00.000000', '2027-01-05 12:00:00.000000', ''), "
            "('e-unsent', 'k2', 'g3', '0828', 'u1', '2027-01-04', 1, 'wil_niet_meewerken', "
            "'clientervaring', '1.0', '{}', '[\"14\"]', '[]', '2027-01-04', "
            "'2026-12-01 10:00:00.000000', NULL, ''), "
            "('e-gone', 'k3', 'g4', '0828', 'u1', '2027-01-03', 0, NULL, 'clientervaring', '', "
            "'{}', '[]', '[]', NULL, '2026-12-01 10:00:00.000000', NULL, '')"
        )
        config = alembic_config("sqlite://")
        config.attributes["connection"] = connection
        command.upgrade(config, "0016")
    query = text(
        "SELECT id, case_id, client_name, phone, report_id, pending, deleted, server_revision, "
        "modified_at, answers, sent_at, product_codes, report_product_codes FROM evaluations "
        "ORDER BY due DESC"
    )
    with engine.begin() as connection:
        open_call, done, unsent, gone = connection.execute(query).all()
        assert open_call[:8] == ("e-open", "k1", "J. de Vries", "0412 123 456", None, 1, 0, None)
        assert open_call.modified_at.startswith("2026-12-01 10:00")
        # sent: the region has the report under the old id; the task gets a new one
        assert done.id != "e-done" and done.report_id == "e-done"
        assert (done.client_name, done.phone, done.pending) == ("", "", 1)
        assert done.answers == '{"ceo.1": "eens"}' and done.sent_at.startswith("2027-01-05")
        assert (done.product_codes, done.report_product_codes) == ("[]", '["14"]')
        # not sent yet: neither id is the one the access log names
        assert unsent.id != "e-unsent" and unsent.report_id not in ("e-unsent", unsent.id)
        # a call of a case this desktop no longer holds (no such case): a tombstone, not sent
        assert (gone.id, gone.deleted, gone.pending, gone.client_name) == ("e-gone", 1, 0, "")
        indexes = {
            row[1]: row[2] for row in connection.exec_driver_sql("PRAGMA index_list(evaluations)")
        }
        assert indexes["ix_evaluations_case_id"] == 0
        assert indexes["ix_evaluations_assignee_id"] == 0
        assert 1 in indexes.values()  # conversation_id: one call per conversation
        # no foreign key: a colleague's call of a case this laptop does not hold can be kept
        keys = connection.exec_driver_sql("PRAGMA foreign_key_list(evaluations)").all()
        assert keys == []
        assert connection.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
    with engine.begin() as connection:
        config = alembic_config("sqlite://")
        config.attributes["connection"] = connection
        command.downgrade(config, "0015")
        rows = connection.exec_driver_sql(
            "SELECT id, product_codes FROM evaluations ORDER BY id"
        ).all()
        # the report's id is the row's again; the tombstone of a case not held is left out
        assert {tuple(r) for r in rows} == {
            ("e-done", '["14"]'),
            ("e-open", "[]"),
            (unsent.report_id, '["14"]'),
        }
    engine.dispose()
    Database.open_file(path, TEST_KEY, backup=False).close()
