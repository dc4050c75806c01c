"""The main window of an existing profile opens without the sync protocol, pydantic or reportlab.

They are slow to import (pydantic builds its models at import): they load with the first sync,
catalogue import or document, not at start (issue 14)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.fakes import FixedKeys
from wmo_desk.services.context import AppContext
from wmo_desk.services.demo import fill_demo

LATER = ("wmo_desk.sync.records", "wmo_desk.sync.protocol", "pydantic", "reportlab")

PROBE = """
import sys
from pathlib import Path
from tests.fakes import FixedKeys
from wmo_desk.services.context import AppContext
from wmo_desk.ui.app import make_application
from wmo_desk.ui.main_window import MainWindow

app = make_application([])
ctx = AppContext.open(Path(sys.argv[1]), keys=FixedKeys(), backup=False)
window = MainWindow(ctx)
window.show()
app.processEvents()
print(window.caseload.model.rowCount())
print(",".join(name for name in sys.argv[2:] if name in sys.modules))
window.close()
ctx.close()
"""


def test_the_main_window_opens_without_sync_protocol_pydantic_or_reportlab(tmp_path):
    folder = tmp_path / "profile"
    ctx = AppContext.open(folder, keys=FixedKeys())
    fill_demo(ctx)
    ctx.close()
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run(
        [sys.executable, "-c", PROBE, str(folder), *LATER],
        capture_output=True,
        text=True,
        check=True,
        env=env,
        cwd=Path(__file__).resolve().parents[1],
    )
    rows, loaded = done.stdout.splitlines()[-2:]
    assert int(rows) > 0  # the caseload was really read
    assert loaded == ""
