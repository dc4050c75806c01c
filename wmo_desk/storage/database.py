"""Opening a wmo_desk database: SQLite pragmas, backup before upgrade, alembic migrations."""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from wmo_desk.storage.engine import alembic_config as engine_config
from wmo_desk.storage.engine import make_engine

__all__ = ["Database", "alembic_config", "make_engine", "upgrade"]

log = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
BACKUPS_KEPT = 5


def alembic_config(url: str) -> Config:
    """An alembic configuration of the desktop schema for ``url``."""
    return engine_config(MIGRATIONS_DIR, url)


def upgrade(engine: Engine) -> None:
    """Bring the database schema to the newest migration."""
    config = alembic_config(engine.url.render_as_string(hide_password=False))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


def backup_file(path: Path, backups_dir: Path, keep: int = BACKUPS_KEPT) -> Path | None:
    """Copy the SQLite file at ``path`` consistently (WAL included) into ``backups_dir``.

    Keeps the newest ``keep`` backups. Returns the new backup, or None when there was
    nothing to back up yet.
    """
    if not path.exists() or path.stat().st_size == 0:
        return None
    backups_dir.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    target = backups_dir / f"{path.stem}-{stamp}.sqlite"
    source = sqlite3.connect(path)
    try:
        dest = sqlite3.connect(target)
        try:
            source.backup(dest)
        finally:
            dest.close()
    finally:
        source.close()
    old = sorted(backups_dir.glob(f"{path.stem}-*.sqlite"))
    for stale in old[:-keep]:
        stale.unlink()
    return target


class Database:
    """One database and its sessions; use :meth:`session` once per use case."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._sessions = sessionmaker(engine, expire_on_commit=False)

    @classmethod
    def open_file(cls, path: Path, *, backup: bool = True) -> Database:
        """Open (creating if needed) the SQLite file at ``path``, back it up, then migrate it."""
        path.parent.mkdir(parents=True, exist_ok=True)
        if backup:
            made = backup_file(path, path.parent / "backups")
            if made:
                log.info("database backed up to %s", made.name)
        engine = make_engine(f"sqlite:///{path}")
        upgrade(engine)
        return cls(engine)

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A transaction: committed when the block ends, rolled back on any exception."""
        session = self._sessions()
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    def close(self) -> None:
        self.engine.dispose()
