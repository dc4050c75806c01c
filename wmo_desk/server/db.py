"""Opening the server database: an engine from a URL, SQLite pragmas, its own alembic migrations."""

from __future__ import annotations

import select
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, event, exc, text
from sqlalchemy.orm import Session, sessionmaker

from wmo_desk.storage.engine import alembic_config as engine_config
from wmo_desk.storage.engine import make_engine

__all__ = ["ServerDatabase", "alembic_config", "database_url", "make_engine", "upgrade"]

MIGRATIONS_DIR = Path(__file__).parent / "migrations"

# Keys of PostgreSQL advisory locks (any fixed bigint; these spell "wmo_sync" and "wmo_migr").
WRITER_LOCK_KEY = 0x776D6F5F73796E63
MIGRATION_LOCK_KEY = 0x776D6F5F6D696772
# A pooled PostgreSQL connection is replaced after this many seconds: one that a firewall or NAT
# dropped silently (no end seen on the socket, see _ended_by_the_server) is not kept for long.
POOL_RECYCLE_SECONDS = 1800


def database_url(value: str) -> str:
    """``value`` as a SQLAlchemy URL: a plain file path becomes an embedded SQLite database.

    A bare ``postgresql://`` (or ``postgres://``) URL gets the psycopg 3 driver, the one installed.
    """
    for prefix in ("postgresql://", "postgres://"):
        if value.startswith(prefix):
            return "postgresql+psycopg://" + value.removeprefix(prefix)
    if "://" in value:
        return value
    return f"sqlite:///{Path(value).expanduser().resolve()}"


def alembic_config(url: str) -> Config:
    """An alembic configuration of the server schema for ``url``."""
    return engine_config(MIGRATIONS_DIR, url)


def _ended_by_the_server(dbapi_connection: Any, _record: object, _proxy: object) -> None:
    """Pool checkout on PostgreSQL: refuse a connection the server has ended, so the pool opens
    a new one (``DisconnectionError``) before a request uses it.

    A PostgreSQL that stops or restarts, or ends a backend (``pg_terminate_backend``, an idle
    timeout), sends its error and closes the socket: an idle connection whose socket has
    something to read is ended. Looking costs one ``poll`` without waiting, where
    ``pool_pre_ping`` sent a ``SELECT 1`` and waited for it on every checkout (about 60 µs of
    this process's CPU, a round trip and the database's own work, per request). Should an idle
    connection have anything else to read (a notice), it is only replaced needlessly."""
    if dbapi_connection.closed:
        raise exc.DisconnectionError("connection closed")
    poller = select.poll()
    poller.register(dbapi_connection.fileno(), select.POLLIN)
    if poller.poll(0):
        raise exc.DisconnectionError("the database ended the connection")


def server_engine(url: str) -> Engine:
    """The server's engine for ``url``: :func:`make_engine`; on PostgreSQL each pooled
    connection is checked at checkout by :func:`_ended_by_the_server` instead of a round trip,
    and replaced after :data:`POOL_RECYCLE_SECONDS`."""
    if not url.startswith("postgresql") or not hasattr(select, "poll"):
        return make_engine(url)  # SQLite; or no poll() (Windows): make_engine's pre-ping
    engine = make_engine(url, pool_pre_ping=False, pool_recycle=POOL_RECYCLE_SECONDS)
    event.listen(engine, "checkout", _ended_by_the_server)
    return engine


def upgrade(engine: Engine) -> None:
    """Bring the server schema to the newest migration."""
    config = alembic_config(engine.url.render_as_string(hide_password=False))
    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            # Server processes started together on a new database: one migrates, the others
            # wait for its commit and then find the schema at head.
            connection.execute(
                text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK_KEY}
            )
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


def lock_revision_writers(session: Session) -> None:
    """:meth:`ServerDatabase.writer_lock` for code that has only the session (e.g. ``Revisions``)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": WRITER_LOCK_KEY})


class ServerDatabase:
    """The server database and its sessions; one :meth:`session_scope` per request or command."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._sessions = sessionmaker(engine, expire_on_commit=False)

    @classmethod
    def open(cls, url: str, *, migrate: bool = True) -> ServerDatabase:
        """Open the database at ``url`` (a URL or a file path), migrating it to head."""
        url = database_url(url)
        if url.startswith("sqlite:///"):
            Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
        engine = server_engine(url)
        if migrate:
            upgrade(engine)
        return cls(engine)

    @contextmanager
    def session_scope(self) -> Iterator[Session]:
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

    def writer_lock(self, session: Session) -> None:
        """Serialise writers of revisions across server processes, until ``session`` commits.

        Revisions are ``max + 1`` per change, and pull cursors rely on every committed revision
        being higher than every earlier-committed one, so writers are serialised across server
        processes; a plain sequence would let a reader skip a revision committed late (N+1
        visible and pulled past before N commits). On PostgreSQL this takes a transaction-scoped
        advisory lock, released at commit or rollback. Take it before the transaction reads the
        current maximum: under the default READ COMMITTED every later statement then sees each
        earlier writer's commit (under REPEATABLE READ it would have to be the first statement).
        Taking it again in the same transaction is harmless. On SQLite it does nothing: one
        server process per SQLite file, whose pushes the handler's process-wide lock serialises.
        """
        lock_revision_writers(session)

    def close(self) -> None:
        self.engine.dispose()
