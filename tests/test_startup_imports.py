"""The main window of an existing profile opens without what its first screen does not need.

The sync protocol, pydantic and reportlab are slow to import (pydantic builds its models at
import): they load with the first sync, catalogue import or document. The case view loads with
the first opened case, the approvals (with the decision view) for a team lead only, the team
overviews and the dialogs when opened, keyring and Argon2 with the profile key that needs
them, the form loader (and yaml) with the first form (issue 14)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.fakes import FixedKeys
from wmo_desk.domain.users import Role
from wmo_desk.services.context import AppContext
from wmo_desk.services.demo import fill_demo

LATER = (
    "wmo_desk.sync.records",
    "wmo_desk.sync.protocol",
    "pydantic",
    "reportlab",
    # the screens and dialogs a consultant opens later
    "wmo_desk.ui.case_view",
    "wmo_desk.ui.approval_view",
    "wmo_desk.ui.decision_view",
    "wmo_desk.ui.team_view",
    "wmo_desk.ui.herindicatie_view",
    "wmo_desk.ui.melding_dialog",
    "wmo_desk.ui.signin_dialog",
    "wmo_desk.ui.setup_dialog",
    # a profile with a fixed key needs neither keyring nor Argon2; no form is read at start
    "keyring",
    "argon2",
    "wmo_desk.formdefs.loader",
    "yaml",
)

PROBE = """
import sys
from pathlib import Path
from tests.fakes import FixedKeys
from wmo_desk.domain.users import Role
from wmo_desk.services.context import AppContext
from wmo_desk.ui.app import make_application
from wmo_desk.ui.main_window import MainWindow

app = make_application([])
ctx = AppContext.open(Path(sys.argv[1]), keys=FixedKeys(), backup=False)
window = MainWindow(ctx)
window.show()
app.processEvents()
print(ctx.profile.user.role.value)
print(window.caseload.model.rowCount())
print(",".join(name for name in sys.argv[2:] if name in sys.modules))
window.close()
ctx.close()
"""


def test_a_consultants_main_window_opens_without_what_it_shows_later(tmp_path):
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
    role, rows, loaded = done.stdout.splitlines()[-3:]
    assert role == Role.CONSULENT.value  # a team lead's window shows the approvals at once
    assert int(rows) > 0  # the caseload was really read
    assert loaded == ""


QUICK_PROBE = """
import sys
from pathlib import Path
from tests.fakes import FixedKeys
from wmo_desk.services.first_screen import QuickScreen
from wmo_desk.ui.app import make_application
from wmo_desk.ui.main_window import MainWindow
from wmo_desk.ui.tasks import run_task
from PySide6.QtCore import QEventLoop

app = make_application([])
quick = QuickScreen.open(Path(sys.argv[1]), FixedKeys())
window = MainWindow(data=quick)
window.show()
app.processEvents()
window.grab()
print(window.caseload.model.rowCount())
print(",".join(n for n in ("sqlalchemy", "alembic", "wmo_desk.services.context") if n in sys.modules))
run_task(window, "laden", quick.open_context(), window.attach)
while not window.ready:
    app.processEvents(QEventLoop.ProcessEventsFlag.WaitForMoreEvents)
print(window.caseload.model.rowCount(), window.tabs.count())
window.close()
quick.close()
"""


def test_a_set_up_profile_shows_its_caseload_before_sqlalchemy_and_the_services_load(tmp_path):
    folder = tmp_path / "profile"
    ctx = AppContext.open(folder, keys=FixedKeys())
    fill_demo(ctx)
    ctx.close()
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run(
        [sys.executable, "-c", QUICK_PROBE, str(folder)],
        capture_output=True,
        text=True,
        check=True,
        env=env,
        cwd=Path(__file__).resolve().parents[1],
    )
    rows, loaded, after = done.stdout.splitlines()[-3:]
    assert int(rows) == 27  # painted with its caseload
    assert loaded == ""  # before SQLAlchemy, alembic and the services were imported
    assert after == "27 2"  # then the services took over: the same list, and the Evaluaties tab
