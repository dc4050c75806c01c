"""A newcomer's first run: the server's commands work without --db, on an embedded SQLite file
in the platform's data folder."""

from __future__ import annotations

import os
import subprocess
import sys


def server(*args, data_home):
    env = {**os.environ, "XDG_DATA_HOME": str(data_home), "COLUMNS": "400"}
    return subprocess.run(
        [sys.executable, "-m", "wmo_desk.server.cli", *args],
        capture_output=True, text=True, timeout=120, env=env, stdin=subprocess.DEVNULL,
    )  # fmt: skip


def test_without_db_the_server_keeps_its_data_in_the_platform_data_folder(tmp_path):
    assert server("init", data_home=tmp_path).stdout.strip() == "Database klaar."
    database = tmp_path / "wmo_desk-server" / "server.sqlite"
    assert database.is_file()
    password = tmp_path / "wachtwoord"
    password.write_text("een goed wachtwoord\n", encoding="utf-8")
    made = server(
        "create-user", "--username", "sanne", "--name", "Sanne de Wit", "--role", "consulent",
        "--municipality", "0828", "--password-file", str(password), data_home=tmp_path,
    )  # fmt: skip
    assert made.returncode == 0 and "Gebruiker sanne aangemaakt" in made.stdout
    helped = server("serve", "--help", data_home=tmp_path)
    assert str(database) in " ".join(helped.stdout.split())
