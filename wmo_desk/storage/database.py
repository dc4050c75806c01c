"""Opening a wmo_desk database: encrypted (SQLCipher), backed up before a migration and daily, migrated."""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine, event
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker

from wmo_desk.storage.cipher import (
    WrongKey,
    check_key,
    discard_staging,
    encrypt_in_place,
    encrypted_engine,
    export_encrypted,
    is_plaintext,
    shred,
)
from wmo_desk.storage.engine import alembic_config as engine_config
from wmo_desk.storage.engine import make_engine
from wmo_desk.storage.repositories.audit import DRAFTS, AuditWriter
from wmo_desk.storage.revision import MIGRATIONS_DIR, head_revision

if TYPE_CHECKING:
    from alembic.config import Config

__all__ = ["Database", "alembic_config", "head_revision", "make_engine", "upgrade"]

log = logging.getLogger(__name__)

BACKUPS_KEPT = 5
#: the name of a backup while it is written and checked
_PARTIAL = ".partial"


def alembic_config(url: str) -> Config:
    """An alembic configuration of the desktop schema for ``url``."""
    return engine_config(MIGRATIONS_DIR, url)


def upgrade(engine: Engine) -> None:
    """Bring the database schema to the newest migration."""
    from alembic import command  # only when there is something to migrate: alembic is slow to load

    # the connection is handed over: the URL (and the key in it) never goes into the config
    config = alembic_config(engine.url.render_as_string(hide_password=True))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


def at_head(engine: Engine) -> bool:
    """True when the schema is at the newest migration: one read of ``alembic_version``."""
    with engine.connect() as connection:
        try:
            current = {
                row[0]
                for row in connection.exec_driver_sql("SELECT version_num FROM alembic_version")
            }
        except DBAPIError:
            return False
    return current == {head_revision()}


def backups_of(path: Path, backups_dir: Path) -> list[Path]:
    """The backups of ``path``, oldest first."""
    return sorted(backups_dir.glob(f"{path.stem}-*.sqlite"))


def backup_file(
    path: Path, key: bytes, backups_dir: Path, keep: int = BACKUPS_KEPT, *, reason: str = ""
) -> Path | None:
    """An encrypted, consistent copy of the database at ``path`` (WAL included) in ``backups_dir``,
    with the same key; keeps the newest ``keep``. None when there is nothing to back up yet."""
    if not path.exists() or path.stat().st_size == 0:
        return None
    backups_dir.mkdir(parents=True, exist_ok=True)
    for partial in backups_dir.glob(f"{path.stem}-*{_PARTIAL}"):
        shred(partial)  # a copy a crash or kill interrupted: never taken for a backup
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    target = backups_dir / f"{path.stem}-{stamp}.sqlite"
    partial = target.with_name(target.name + _PARTIAL)
    export_encrypted(path, key, partial, key)
    os.replace(partial, target)  # only a checked, complete copy carries a backup's name
    for stale in backups_of(path, backups_dir)[:-keep]:
        shred(stale)
    log.info("database backed up (%s) to %s", reason or "daily", target.name)
    return target


def back_up_if_due(path: Path, key: bytes) -> Path | None:
    """The daily backup of ``path`` (in ``backups/`` beside it) when none was made today."""
    backups = path.parent / "backups"
    if _backed_up_today(path, backups):
        return None
    return backup_file(path, key, backups)


def _backed_up_today(path: Path, backups_dir: Path) -> bool:
    today = datetime.now(UTC).strftime("%Y%m%d")
    return any(b.name.startswith(f"{path.stem}-{today}") for b in backups_of(path, backups_dir))


def _shred_plaintext_backups(path: Path, backups_dir: Path) -> None:
    old = [b for b in backups_of(path, backups_dir) if is_plaintext(b)]
    for backup in old:
        shred(backup)
    if old:
        log.info("%d unencrypted backups overwritten and removed", len(old))


class DatabaseClosed(RuntimeError):
    """The database was closed (the app closes, or the profile was wiped)."""


def _drop_audit(session: Session, _transaction: object) -> None:
    session.info.pop(DRAFTS, None)  # the use case failed: it did not happen, so it is not logged


def _refuse_connect(*_args: object) -> None:
    raise DatabaseClosed("the database was closed")


class ForeignBackup(Exception):
    """The backup was made with another key: it belongs to another profile."""


def restore_backup(path: Path, key: bytes, backup: Path) -> Path | None:
    """Put ``backup`` in place of the database at ``path`` (wmo_desk must not be running).

    The backup must open with ``key`` (:class:`WrongKey` otherwise, nothing changed) and pass
    its integrity check; the current database is backed up first. Returns that backup.
    Raises :class:`WrongKey` when ``key`` does not open ``path``, :class:`ForeignBackup` when
    it opens ``path`` but not ``backup``."""
    check_key(path, key)
    try:
        check_key(backup, key)
    except WrongKey:
        raise ForeignBackup(backup.name) from None
    staging = path.with_name(path.name + ".restoring")
    export_encrypted(backup, key, staging, key)
    before = backup_file(path, key, path.parent / "backups", reason="before a restore")
    for suffix in ("-wal", "-shm"):
        path.with_name(path.name + suffix).unlink(missing_ok=True)
    os.replace(staging, path)
    log.info("database restored from %s", backup.name)
    return before


class Database:
    """One database and its sessions; use :meth:`session` once per use case."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._sessions = sessionmaker(engine, expire_on_commit=False)
        self._closed = False
        self.audit = AuditWriter(engine)
        self._depth = threading.local()
        event.listen(self._sessions, "after_commit", self._append_audit)
        event.listen(self._sessions, "after_soft_rollback", _drop_audit)

    def _append_audit(self, session: Session) -> None:
        drafts = session.info.pop(DRAFTS, None)
        if not drafts:
            return
        if getattr(self._depth, "value", 0) > 1:
            # an outer session of this thread may hold the write lock: append when it is done
            self.audit.defer(drafts)
        else:
            self.audit.append(drafts)

    @classmethod
    def open_file(cls, path: Path, key: bytes, *, backup: bool = True) -> Database:
        """Open (creating if needed) the encrypted database at ``path`` with ``key``, then migrate.

        An old plaintext database is encrypted with ``key`` first (and its plaintext backups
        removed). Backups (encrypted, the newest five) are made before a migration and at most
        once a day. Raises :class:`~wmo_desk.storage.cipher.WrongKey` when ``key`` does not
        open the database; nothing is changed then."""
        path.parent.mkdir(parents=True, exist_ok=True)
        backups = path.parent / "backups"
        discard_staging(path)
        if is_plaintext(path):
            encrypt_in_place(path, key)
            _shred_plaintext_backups(path, backups)
        exists = path.exists() and path.stat().st_size > 0
        if exists:
            check_key(path, key)
        engine = encrypted_engine(path, key)
        try:
            if not at_head(engine):
                if backup and exists:
                    backup_file(path, key, backups, reason="before a migration")
                upgrade(engine)
            elif backup and not _backed_up_today(path, backups):
                backup_file(path, key, backups)
        except BaseException:
            engine.dispose()
            raise
        return cls(engine)

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A transaction: committed when the block ends, rolled back on any exception."""
        if self._closed:
            raise DatabaseClosed("the database was closed")
        session = self._sessions()
        self._depth.value = getattr(self._depth, "value", 0) + 1
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()
            self._depth.value -= 1
            if self._depth.value == 0 and self.audit.deferred:
                # a use case inside another one: its entries go once the outer one is done
                self.audit.append([])

    def close(self) -> None:
        """Close every connection; afterwards no new one is made (a closed or wiped profile's
        file must not come back as a new empty database)."""
        if self._closed:
            return
        self.audit.flush()
        self._closed = True
        event.listen(self.engine, "do_connect", _refuse_connect)
        self.engine.dispose()
