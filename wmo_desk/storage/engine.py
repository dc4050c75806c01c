"""Engines and alembic set-up written once, for the desktop's database and the server's."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, MetaData, create_engine, engine_from_config, event, pool

if TYPE_CHECKING:
    from alembic.config import Config


def sqlite_pragmas(dbapi_connection: sqlite3.Connection, _record: object) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    # WAL + NORMAL never corrupts; a power cut loses at most the last commit or so.
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


def make_engine(url: str, **options: Any) -> Engine:
    """An engine for ``url``: SQLite gets WAL, foreign keys and a busy timeout; PostgreSQL
    checks a pooled connection first (the database may have restarted). ``options`` go to
    ``create_engine`` over these (the server checks its connections its own way)."""
    # hide_parameters: an error's text (a log line, uvicorn's traceback of a 500) never holds the
    # values of a statement, which may be a BSN or a name
    settings = {"pool_pre_ping": url.startswith("postgresql"), "hide_parameters": True}
    engine = create_engine(url, **{**settings, **options})
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", sqlite_pragmas)
    return engine


def alembic_config(migrations_dir: Path, url: str) -> Config:
    """An alembic configuration for ``url`` that needs no alembic.ini on disk."""
    from alembic.config import Config  # alembic loads only when a migration runs

    config = Config()
    config.set_main_option("script_location", str(migrations_dir))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def run_migrations(metadata: MetaData, include_name=None) -> None:
    """The body of a migrations ``env.py``: on the connection the caller passed in
    ``config.attributes["connection"]`` (or one made from the URL), batch mode on SQLite."""
    from alembic import context

    config = context.config

    def _run(connection) -> None:
        context.configure(
            connection=connection,
            target_metadata=metadata,
            render_as_batch=connection.dialect.name == "sqlite",
            compare_type=True,
            # objects made in SQL only (FTS tables, expression indexes) stay out of autogenerate
            include_name=include_name,
        )
        with context.begin_transaction():
            context.run_migrations()

    if context.is_offline_mode():
        context.configure(url=config.get_main_option("sqlalchemy.url"), target_metadata=metadata)
        with context.begin_transaction():
            context.run_migrations()
        return
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = engine_from_config(
        config.get_section(config.config_ini_section, {}),
        prefix="sqlalchemy.",
        poolclass=pool.NullPool,
    )
    with engine.connect() as conn:
        _run(conn)
