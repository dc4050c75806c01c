"""Server alembic: one head, and an empty database upgraded to head equals the models."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory

from wmo_desk.server.db import ServerDatabase, alembic_config
from wmo_desk.server.models import ServerBase


def test_one_head():
    script = ScriptDirectory.from_config(alembic_config("sqlite://"))
    assert len(script.get_heads()) == 1


def test_upgraded_empty_database_matches_the_models(tmp_path):
    db = ServerDatabase.open(str(tmp_path / "server.sqlite"))
    with db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        assert compare_metadata(context, ServerBase.metadata) == []
        assert (
            context.get_current_revision()
            == ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()
        )
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    db.close()


def test_opening_twice_keeps_the_data(tmp_path):
    path = str(tmp_path / "server.sqlite")
    ServerDatabase.open(path).close()
    db = ServerDatabase.open(path)
    with db.engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM alembic_version").scalar() == 1
    db.close()
