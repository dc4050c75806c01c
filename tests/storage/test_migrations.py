"""Alembic: one head, and an empty database upgraded to head equals the models."""

import warnings

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
