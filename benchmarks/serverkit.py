"""Shared by the sync and server-load benchmarks: server processes, free ports, CPU counters.

Every server here is a real process on 127.0.0.1: ``wmo-desk-server serve`` (uvicorn, as
deployed) or a floor app from a benchmark file run by ``python -m uvicorn`` the same way (one
worker, asyncio loop, h11, no access log from uvicorn itself).
"""

from __future__ import annotations

import os
import platform
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

import httpx

PASSWORD = "correct horse battery"
_TICKS = os.sysconf("SC_CLK_TCK")


def machine() -> str:
    """One line about where the figures come from."""
    model = "unknown CPU"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            model = line.split(":", 1)[1].strip()
            break
    return (
        f"{platform.platform(terse=True)}, {os.cpu_count()} x {model}, "
        f"Python {platform.python_version()}, load average {os.getloadavg()[0]:.1f}"
    )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def server_command(db_url: str, port: int, workers: int = 1) -> list[str]:
    """The real server, started as an administrator would: ``wmo-desk-server serve``."""
    script = Path(sys.executable).with_name("wmo-desk-server")
    command = [str(script), "serve", "--db", db_url, "--host", "127.0.0.1", "--port", str(port)]
    return command + (["--workers", str(workers)] if workers > 1 else [])


def app_command(app: str, port: int) -> list[str]:
    """A floor app (``module:attribute``) under uvicorn, one worker, like the real server."""
    return [
        sys.executable, "-m", "uvicorn", app,
        "--host", "127.0.0.1", "--port", str(port),
        "--no-access-log", "--log-level", "warning",
    ]  # fmt: skip


class ServerProcess:
    """A server process that answers ``health`` before the ``with`` block starts."""

    def __init__(
        self,
        command: list[str],
        port: int,
        log: Path,
        health: str = "/api/v1/health",
        env: dict[str, str] | None = None,
    ) -> None:
        self.command = command
        self.url = f"http://127.0.0.1:{port}"
        self.log = log
        self.health = health
        self.env = {**os.environ, **(env or {})}
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> ServerProcess:
        with self.log.open("ab") as out:
            self.process = subprocess.Popen(
                self.command, stdout=out, stderr=subprocess.STDOUT, env=self.env
            )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.command[0]} stopped; see {self.log}")
            try:
                if httpx.get(self.url + self.health, timeout=2).status_code == 200:
                    return self
            except httpx.TransportError:
                pass
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"{self.command} did not answer within 60 s; see {self.log}")

    def __exit__(self, *_exc: object) -> None:
        self.stop()

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def cpu_seconds(self) -> float:
        """The process's CPU time and its worker processes' (``serve --workers N``)."""
        return cpu_seconds(self.pid) + sum(cpu_seconds(child) for child in _children(self.pid))


def _children(pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    return [int(child) for child in text.split()]


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of one process so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / _TICKS


def cluster_cpu_seconds(datadir: Path) -> float:
    """CPU time of a PostgreSQL cluster: the postmaster and every backend it started.

    Backends that ended are counted by the kernel in the postmaster's children fields."""
    postmaster = int((datadir / "postmaster.pid").read_text().split()[0])
    total = 0.0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        pid, ppid = int(entry.name), int(fields[1])
        if pid == postmaster:
            total += sum(int(f) for f in fields[11:15]) / _TICKS  # own + reaped children
        elif ppid == postmaster:
            total += (int(fields[11]) + int(fields[12])) / _TICKS
    return total


def median(samples: list[float]) -> float:
    return statistics.median(samples)


def percentile(samples: list[float], fraction: float) -> float:
    """The value below which ``fraction`` of the samples lie (nearest rank)."""
    ordered = sorted(samples)
    if not ordered:
        return float("nan")
    rank = max(0, min(len(ordered) - 1, round(fraction * len(ordered)) - 1))
    return ordered[rank]


def create_accounts(db_url: str, accounts: list[tuple[str, str, str, str]]) -> dict[str, str]:
    """Accounts (username, display name, role, municipality) in the server database at
    ``db_url`` (migrated first); returns username -> user id."""
    from wmo_desk.server.auth import create_user
    from wmo_desk.server.db import ServerDatabase

    db = ServerDatabase.open(db_url)
    ids = {}
    try:
        with db.session_scope() as session:
            for username, name, role, municipality in accounts:
                user = create_user(
                    session,
                    username=username,
                    password=PASSWORD,
                    display_name=name,
                    role=role,
                    municipality_code=municipality,
                )
                ids[username] = str(user.id)
    finally:
        db.close()
    return ids
