"""The profile's database encrypted at rest with SQLCipher 4 (AES-256, an HMAC per page).

The key is 32 random bytes given to SQLCipher as a raw key (``x'…'``), so opening costs no key
derivation; where the key comes from (the OS keyring, or a passphrase through Argon2id) is
the services' concern. WAL and rollback journal pages are encrypted with the same key.

Also here: turning an old plaintext database into an encrypted one (verified before the
plaintext is overwritten), encrypted backups, and overwriting a file before removing it.
"""

from __future__ import annotations

import contextlib
import logging
import os
from pathlib import Path
from typing import TYPE_CHECKING

import sqlcipher3

if TYPE_CHECKING:  # SQLAlchemy loads with the engine: the first screen reads without it
    from sqlalchemy import Engine

log = logging.getLogger(__name__)

KEY_BYTES = 32
PLAINTEXT_HEADER = b"SQLite format 3\x00"
SIDE_FILES = ("-wal", "-shm", "-journal")


class WrongKey(Exception):
    """The key does not open this database (or the file is no database at all)."""


def _raw_key(key: bytes) -> str:
    if len(key) != KEY_BYTES:
        raise ValueError("a database key is 32 bytes")
    return f"x'{key.hex()}'"


def is_plaintext(path: Path) -> bool:
    """True when ``path`` is an unencrypted SQLite database (its header is readable)."""
    try:
        with path.open("rb") as handle:
            return handle.read(16) == PLAINTEXT_HEADER
    except FileNotFoundError:
        return False


#: SQLite's page cache per connection, in KiB. Each page read from disk is decrypted and its
#: HMAC checked; with SQLite's default 8 MB most of a 50,000-case profile (41 MB) was decrypted
#: again at every keystroke of a caseload search (docs/benchmarks.md, "Encrypted store"). The
#: cache only grows with the pages actually read.
CACHE_KIB = 32 * 1024


def _cache(dbapi_connection, _record: object) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
    cursor.close()


def encrypted_engine(path: Path, key: bytes) -> Engine:
    """An engine on the SQLCipher database at ``path`` (created when missing)."""
    from sqlalchemy import URL, create_engine, event, pool

    from wmo_desk.storage.engine import sqlite_pragmas

    url = URL.create("sqlite+pysqlcipher", password=_raw_key(key), database=str(path))
    # hide_parameters: an error's text (and so a log or traceback) never holds a BSN or a name
    engine = create_engine(url, poolclass=pool.QueuePool, hide_parameters=True)
    # after the dialect's own connect hook, which gives SQLCipher the key first
    event.listen(engine, "connect", sqlite_pragmas)
    event.listen(engine, "connect", _cache)
    return engine


def _connect(path: Path, key: bytes | None) -> sqlcipher3.Connection:
    connection = sqlcipher3.connect(str(path))
    # a wrong key is reported by the caller in Dutch; SQLCipher itself would write to stderr
    connection.execute("PRAGMA cipher_log_level = NONE")
    if key is not None:
        connection.execute(f'PRAGMA key="{_raw_key(key)}"')
    return connection


def check_key(path: Path, key: bytes) -> None:
    """Raises :class:`WrongKey` unless ``key`` opens the database at ``path``."""
    connection = _connect(path, key)
    try:
        connection.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlcipher3.DatabaseError as exc:
        raise WrongKey(str(exc)) from None
    finally:
        connection.close()


def _counts(connection: sqlcipher3.Connection) -> dict[str, int]:
    tables = [
        row[0]
        for row in connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        )
    ]
    return {
        table: connection.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]
        for table in tables
    }


def export_encrypted(source: Path, source_key: bytes | None, target: Path, key: bytes) -> None:
    """Write a consistent encrypted copy of ``source`` (plaintext when ``source_key`` is None)
    to ``target``, then check it opens with ``key`` and holds the same rows."""
    if target.exists():
        target.unlink()
    connection = _connect(source, source_key)
    try:
        if source_key is None:
            connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        version = connection.execute("PRAGMA user_version").fetchone()[0]
        before = _counts(connection)
        connection.execute("ATTACH DATABASE ? AS encrypted KEY ?", (str(target), _raw_key(key)))
        connection.execute("SELECT sqlcipher_export('encrypted')")
        connection.execute(f"PRAGMA encrypted.user_version = {int(version)}")
        connection.execute("DETACH DATABASE encrypted")
    finally:
        connection.close()
    check = _connect(target, key)
    try:
        if check.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
            raise WrongKey("the encrypted copy failed its integrity check")
        if _counts(check) != before:
            raise WrongKey("the encrypted copy does not hold the same rows")
    finally:
        check.close()


def shred(path: Path) -> None:
    """Overwrite ``path`` with zeros, flush it to disk, then remove it.

    On an SSD or a copy-on-write file system the old blocks may survive elsewhere on the
    disk; that is why the whole disk should be encrypted too (docs/security.md)."""
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        return
    with path.open("r+b") as handle:
        block = b"\x00" * 65536
        left = size
        while left > 0:
            handle.write(block[: min(left, len(block))])
            left -= len(block)
        handle.flush()
        os.fsync(handle.fileno())
    path.unlink()


def encrypt_in_place(path: Path, key: bytes) -> None:
    """Turn the plaintext database at ``path`` into an encrypted one with ``key``.

    The encrypted copy is written beside it and verified (same tables, same row counts,
    integrity check) before the plaintext file and its WAL are overwritten and removed;
    a failure leaves the plaintext database as it was."""
    staging = path.with_name(path.name + ".encrypting")
    try:
        export_encrypted(path, None, staging, key)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            staging.unlink()
        raise
    for suffix in SIDE_FILES:
        shred(path.with_name(path.name + suffix))
    plain = path.with_name(path.name + ".plaintext")
    os.replace(path, plain)
    os.replace(staging, path)
    shred(plain)
    log.info("database converted to an encrypted database")


def discard_staging(path: Path) -> None:
    """Remove what an interrupted conversion left beside ``path``.

    A killed conversion either had not yet moved the plaintext aside (the staging copy is
    incomplete and goes) or had (the plaintext copy is shredded once the database is in place)."""
    staging = path.with_name(path.name + ".encrypting")
    plain = path.with_name(path.name + ".plaintext")
    if plain.exists() and not path.exists():
        os.replace(plain, path)  # killed between the two renames: still plaintext, convert again
    if staging.exists():
        staging.unlink()
    if plain.exists():
        shred(plain)
