"""A start on a database at head reads one row and never loads alembic (it is slow to import)."""

from __future__ import annotations

import subprocess
import sys

from alembic.script import ScriptDirectory

from tests.conftest import TEST_KEY
from wmo_desk.storage.database import Database, alembic_config, head_revision


def test_the_head_read_from_the_files_is_alembics_head():
    script = ScriptDirectory.from_config(alembic_config("sqlite://"))
    assert head_revision() == script.get_current_head()


def test_opening_a_database_at_head_does_not_import_alembic(tmp_path):
    path = tmp_path / "wmo_desk.sqlite"
    Database.open_file(path, TEST_KEY).close()
    probe = (
        "import sys; from pathlib import Path; from wmo_desk.storage.database import Database; "
        f"Database.open_file(Path({str(path)!r}), bytes(range(32)), backup=False).close(); "
        "print('alembic' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"
