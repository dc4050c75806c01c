"""The real server: init and create-user through the CLI, serve, then log in, push and pull."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import httpx

from tests.server.payloads import valid


def _cli(*args):
    script = Path(sys.executable).with_name("wmo-desk-server")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "wmo_desk.server.cli"]
    return command + list(args)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_serve_answers_login_push_and_pull_over_http(tmp_path):
    db = f"sqlite:///{tmp_path / 'server.sqlite'}"
    secret = tmp_path / "wachtwoord.txt"
    secret.write_text("correct horse battery\n", encoding="utf-8")
    done = subprocess.run(_cli("init", "--db", db), capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    done = subprocess.run(
        _cli(
            "create-user", "--db", db, "--username", "sanne", "--name", "Sanne de Wit",
            "--role", "consulent", "--municipality", "0828", "--password-file", str(secret),
        ),
        capture_output=True,
        text=True,
        timeout=60,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "sanne aangemaakt" in done.stdout and "correct horse" not in done.stdout

    port = _free_port()
    base = f"http://127.0.0.1:{port}/api/v1"
    server = subprocess.Popen(
        _cli("serve", "--db", db, "--host", "127.0.0.1", "--port", str(port)),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 15
        while True:
            try:
                if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert server.poll() is None, "the server stopped"
            assert time.monotonic() < deadline, "the server did not answer within 15 s"
            time.sleep(0.2)

        login = httpx.post(
            f"{base}/login", json={"username": "sanne", "password": "correct horse battery"}
        )
        assert login.status_code == 200
        headers = {"Authorization": f"Bearer {login.json()['token']}"}
        user_id = login.json()["user"]["id"]
        client_id, record_id = str(uuid.uuid4()), str(uuid.uuid4())
        payloads = {
            client_id: ("client", valid("client", surname="Jansen")),
            record_id: ("case", valid("case", consultant_id=user_id, client_id=client_id)),
        }
        changes = [
            {
                "change_id": str(uuid.uuid4()),
                "record_type": record_type,
                "record_id": key,
                "municipality_code": "0828",
                "base_revision": None,
                "deleted": False,
                "payload": payload,
            }
            for key, (record_type, payload) in payloads.items()
        ]
        push = httpx.post(f"{base}/sync/push", headers=headers, json={"changes": changes})
        assert push.status_code == 200
        assert [r["status"] for r in push.json()["results"]] == ["applied", "applied"]
        # the pushing profile has them: its pull passes over them
        own = httpx.get(f"{base}/sync/pull", params={"since": 0}, headers=headers)
        assert [r["record_type"] for r in own.json()["records"]] == ["user"]
        # another profile (device) of the same sign-in gets them
        other = {**headers, "Wmo-Desk-Device": str(uuid.uuid4())}
        pull = httpx.get(f"{base}/sync/pull", params={"since": 0}, headers=other)
        assert pull.status_code == 200
        records = pull.json()["records"]
        assert [(r["record_type"], r["record_id"]) for r in records] == [
            ("user", user_id),
            ("client", client_id),
            ("case", record_id),
        ]
        assert httpx.get(f"{base}/sync/pull").json()["code"] == "token_invalid"
    finally:
        server.terminate()
        try:
            output, _ = server.communicate(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            output, _ = server.communicate()
    log = output.decode("utf-8", "replace")
    assert "POST /api/v1/sync/push 200" in log
    assert (
        "melding" not in log
        and "Jansen" not in log
        and "since=" not in log
        and "correct horse" not in log
    )
