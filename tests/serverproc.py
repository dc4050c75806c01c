"""The real ``wmo-desk-server`` as a process on 127.0.0.1 (tests only)."""

from __future__ import annotations

import contextlib
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx


def server_cli(*args: str) -> list[str]:
    """The command line of ``wmo-desk-server`` in this venv (or the module, uninstalled)."""
    script = Path(sys.executable).with_name("wmo-desk-server")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "wmo_desk.server.cli"]
    return command + list(args)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def serving(
    url: str, log: Path, timeout: float = 20, *, extra: tuple[str, ...] = ()
) -> Iterator[str]:
    """``wmo-desk-server serve`` on database ``url`` (with ``extra`` options); yields its root
    URL once /health answers."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with log.open("wb") as out:
        server = subprocess.Popen(
            server_cli("serve", "--db", url, "--host", "127.0.0.1", "--port", str(port), *extra),
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                if httpx.get(f"{base}/api/v1/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert server.poll() is None, "the server stopped:\n" + log.read_text("utf-8")
            assert time.monotonic() < deadline, f"the server did not answer within {timeout} s"
            time.sleep(0.1)
        yield base
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
