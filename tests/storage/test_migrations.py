"""Alembic: one head, and an empty database upgraded to head equals the models."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory

from wmo_desk.storage.database import Database, alembic_config
from wmo_desk.storage.tables import Base


def test_one_head():
    script = ScriptDirectory.from_config(alembic_config("sqlite://"))
    assert len(script.get_heads()) == 1


def test_upgraded_empty_database_matches_the_models(tmp_path):
    db = Database.open_file(tmp_path / "x.sqlite")
    with db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
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


def test_reopening_backs_up_first_and_keeps_five(tmp_path):
    path = tmp_path / "wmo_desk.sqlite"
    for _ in range(7):
        Database.open_file(path).close()
    backups = sorted((tmp_path / "backups").glob("wmo_desk-*.sqlite"))
    assert len(backups) == 5
    # a backup is itself a complete, migrated database
    restored = Database.open_file(backups[-1], backup=False)
    with restored.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
        assert conn.exec_driver_sql("SELECT count(*) FROM alembic_version").scalar() == 1
    restored.close()
