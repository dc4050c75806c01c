"""A private, throwaway PostgreSQL cluster for the tests: initdb in a temp dir, one free port.

Never the distribution's cluster: its own data directory, listening on 127.0.0.1 only, its unix
socket inside the data directory. As root, initdb and the server run as the ``postgres`` user.
The binaries come from ``bash scripts/bootstrap --with-postgres`` (apt ``postgresql``); if they
are missing the tests fail with that advice, they are never skipped.
"""

from __future__ import annotations

import glob
import os
import pwd
import re
import shutil
import socket
import subprocess
import tempfile
import time
import uuid
from pathlib import Path

import psycopg
from psycopg import sql

_INSTALL_HINT = (
    "PostgreSQL server binaries (initdb, pg_ctl) not found in /usr/lib/postgresql/*/bin or on "
    "PATH. Install them with `bash scripts/bootstrap --with-postgres` (apt package postgresql)."
)
_SERVICE_USER = "postgres"
_PREFIX = "wmo-desk-pg-"
_OWNER_FILE = "owner.pid"  # the test process that started the cluster


class PostgresError(RuntimeError):
    """The private cluster could not be set up; the message says why and what to do."""


def find_bindir() -> Path:
    """The folder holding initdb and pg_ctl: the highest /usr/lib/postgresql version, else PATH."""

    def version(path: str) -> tuple[int, ...]:
        return tuple(int(n) for n in re.findall(r"\d+", Path(path).parent.parent.name))

    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"), key=version, reverse=True)
    for pg_ctl in candidates:
        bindir = Path(pg_ctl).parent
        if (bindir / "initdb").exists() and (bindir / "postgres").exists():
            return bindir
    on_path = shutil.which("pg_ctl")
    if on_path and shutil.which("initdb"):
        return Path(on_path).resolve().parent
    raise PostgresError(_INSTALL_HINT)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class PostgresCluster:
    """One running cluster; :meth:`create_database` gives each test its own empty database."""

    def __init__(self) -> None:
        self.bindir = find_bindir()
        self.root: Path | None = None
        self.port = 0
        self.startup_seconds = 0.0
        self._owner: pwd.struct_passwd | None = None
        if os.geteuid() == 0:
            try:
                self._owner = pwd.getpwnam(_SERVICE_USER)
            except KeyError:
                raise PostgresError(
                    f"Running as root, but there is no {_SERVICE_USER!r} user to run PostgreSQL "
                    "as (initdb refuses root). The apt package postgresql creates it: "
                    "`bash scripts/bootstrap --with-postgres`."
                ) from None

    @property
    def datadir(self) -> Path:
        assert self.root is not None
        return self.root / "data"

    def _run(
        self, program: str, *args: str, cwd: Path | None = None, timeout: float = 60
    ) -> subprocess.CompletedProcess:
        command = [str(self.bindir / program), *args]
        if self._owner is not None:
            command = ["runuser", "-u", _SERVICE_USER, "--", *command]
        return subprocess.run(
            command,
            cwd=cwd or self.root,  # the service user may not be able to enter the caller's folder
            capture_output=True,
            text=True,
            timeout=timeout,
            env={**os.environ, "LC_ALL": "C", "TZ": "UTC"},
        )

    def start(self) -> None:
        """initdb and start; raises :class:`PostgresError` with the server's own words."""
        self._reap_orphans()
        self.root = Path(tempfile.mkdtemp(prefix=_PREFIX))
        (self.root / _OWNER_FILE).write_text(str(os.getpid()), encoding="ascii")
        if self._owner is not None:
            os.chown(self.root, self._owner.pw_uid, self._owner.pw_gid)
        done = self._run(
            "initdb",
            "-D", str(self.datadir),
            "-A", "trust",
            "-U", "postgres",
            "-E", "UTF8",
            "--locale=C",
            "--no-sync",
            "--no-instructions",
        )  # fmt: skip
        if done.returncode != 0:
            raise PostgresError(f"initdb failed:\n{done.stdout}{done.stderr}")
        for _attempt in range(3):  # another process may take the free port before we bind it
            self.port = _free_port()
            settings = {
                "listen_addresses": "'127.0.0.1'",
                "port": str(self.port),
                "unix_socket_directories": f"'{self.datadir}'",
                "fsync": "off",
                "synchronous_commit": "off",
                "full_page_writes": "off",
                "max_connections": "200",
                "shared_buffers": "32MB",
                "timezone": "'UTC'",
            }
            (self.datadir / "postgresql.auto.conf").write_text(
                "".join(f"{key} = {value}\n" for key, value in settings.items()),
                encoding="utf-8",
            )
            if self._owner is not None:
                os.chown(
                    self.datadir / "postgresql.auto.conf", self._owner.pw_uid, self._owner.pw_gid
                )
            log = self.root / "server.log"
            done = self._run(
                "pg_ctl", "start", "-D", str(self.datadir), "-l", str(log), "-w", "-t", "30"
            )
            if done.returncode == 0:
                return
            text = log.read_text(encoding="utf-8", errors="replace") if log.exists() else ""
            if "could not bind" not in text and "already in use" not in text:
                break
        raise PostgresError(f"pg_ctl start failed:\n{done.stdout}{done.stderr}\n{text}")

    def _reap_orphans(self) -> None:
        """Stop and delete clusters whose test process was killed before it could stop them."""
        for root in Path(tempfile.gettempdir()).glob(f"{_PREFIX}*"):
            try:
                pid = int((root / _OWNER_FILE).read_text(encoding="ascii"))
                os.kill(pid, 0)
                continue  # its test run is still going
            except (OSError, ValueError) as exc:
                if not isinstance(exc, ProcessLookupError):
                    continue  # not ours to judge: no owner file (yet), or not our user's
            self._remove(root)

    def stop(self) -> None:
        """Stop at once (nothing here is worth a checkpoint) and delete the cluster's folder."""
        if self.root is not None:
            root, self.root = self.root, None
            self._remove(root)

    def _remove(self, root: Path) -> None:
        try:
            if (root / "data" / "postmaster.pid").exists():
                self._run(
                    "pg_ctl", "stop", "-D", str(root / "data"), "-m", "immediate", "-w", cwd=root
                )
        finally:
            shutil.rmtree(root, ignore_errors=True)

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"

    def _admin(self) -> psycopg.Connection:
        return psycopg.connect(
            host="127.0.0.1", port=self.port, user="postgres", dbname="postgres", autocommit=True
        )

    def create_database(self) -> str:
        """A new empty database with a unique name; returns the name."""
        name = f"test_{uuid.uuid4().hex[:16]}"
        with self._admin() as conn:
            statement = sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name))
            if conn.info.server_version >= 150000:
                # a plain file copy of the small template: ten times faster than WAL-logging it
                statement += sql.SQL(" STRATEGY FILE_COPY")
            conn.execute(statement)
        return name

    def drop_database(self, name: str) -> None:
        """Drop ``name``, ending any connection a test left open."""
        with self._admin() as conn:
            conn.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )


def start_cluster() -> PostgresCluster:
    """A started cluster; the caller must :meth:`PostgresCluster.stop` it."""
    cluster = PostgresCluster()
    started = time.monotonic()
    try:
        cluster.start()
    except BaseException:
        cluster.stop()
        raise
    cluster.startup_seconds = time.monotonic() - started
    return cluster
