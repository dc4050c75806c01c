"""Annuleren on long work: the catalogue import and the sync stop, nothing is half-stored."""

from __future__ import annotations

import json
import os
import threading
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from tests.fakes import GatedHttp
from tests.ui.test_sync_panel import open_window, signed_in
from wmo_desk.paths import resources_dir
from wmo_desk.ui.main_window import MainWindow
from wmo_desk.ui.tasks import STATUS_BUSY_NAME, BusyBar, Cancelled, run_task

pytestmark = pytest.mark.usefixtures("quiet_sync")

#: where the picture of the busy line with Annuleren goes (for the issue; not compared)
SCREENSHOT = os.environ.get("WMO_SCREENSHOT_DIR")


def new_version(tmp_path: Path) -> Path:
    data = json.loads((resources_dir() / "catalogues" / "bno-o.json").read_text(encoding="utf-8"))
    data["version"] = "2027.1"
    path = tmp_path / "bno-o-2027.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def busy_of(window: MainWindow) -> BusyBar:
    bar = window.statusBar().findChild(BusyBar, STATUS_BUSY_NAME)
    assert bar is not None
    return bar


def occupy_the_worker(window: MainWindow):
    """A task that holds the one worker until the test lets it go (so the next one waits)."""
    release = threading.Event()
    task = run_task(window, "Iets anders loopt…", lambda: release.wait(30), lambda _r: None)
    return task, release


def test_cancelling_a_catalogue_import_keeps_the_old_catalogue(qtbot, demo_ctx, tmp_path):
    window = open_window(qtbot, demo_ctx)
    window.show()
    qtbot.waitExposed(window)
    before, release = occupy_the_worker(window)
    task = window.import_catalogue(str(new_version(tmp_path)))
    assert task is not None
    bar = busy_of(window)
    assert bar.text() == "Catalogus wordt ingelezen…"
    assert bar.cancel_button.isVisible() and bar.cancel_button.text() == "&Annuleren"
    assert not window.import_action.isEnabled()
    if SCREENSHOT:
        window.grab().save(str(Path(SCREENSHOT) / "busy-annuleren.png"))
    qtbot.mouseClick(bar.cancel_button, Qt.MouseButton.LeftButton)
    assert not bar.cancel_button.isEnabled()
    with qtbot.waitSignal(task.finished, timeout=30_000):
        release.set()
    assert task.cancelled
    assert demo_ctx.catalogues.current().version == "2026.1"
    assert "2026.1" in window.statusBar().currentMessage()
    assert bar.isVisible() and bar.text() == "Geannuleerd"
    assert not bar.cancel_button.isVisible()
    assert window.import_action.isEnabled()
    assert not before.running


def test_a_catalogue_import_cancelled_before_the_commit_stores_nothing(demo_ctx, tmp_path):
    calls = []

    def check() -> None:
        calls.append(1)
        if len(calls) == 2:  # inside the transaction, the new catalogue written but not committed
            raise Cancelled

    with pytest.raises(Cancelled):
        demo_ctx.catalogues.import_file(new_version(tmp_path), check=check)
    assert len(calls) == 2
    assert demo_ctx.catalogues.current().version == "2026.1"
    demo_ctx.catalogues.set_region("BNO-O")  # read again from the database, not the cache
    assert demo_ctx.catalogues.current().version == "2026.1"


def test_an_uncancelled_import_goes_through(qtbot, demo_ctx, tmp_path, answer_modal):
    window = open_window(qtbot, demo_ctx)
    seen = answer_modal(lambda box: box.accept())
    task = window.import_catalogue(str(new_version(tmp_path)))
    with qtbot.waitSignal(task.finished, timeout=30_000):
        pass
    assert not task.cancelled and seen == ["Catalogus ingelezen"]
    assert demo_ctx.catalogues.current().version == "2027.1"
    assert "catalogus 2027.1" in window.statusBar().currentMessage()


def test_annuleren_stops_a_running_sync(qtbot, desktops, server):
    ctx = desktops.open("sanne", demo=True)
    gated = GatedHttp(server.http)
    ctx.http = gated
    signed_in(desktops, ctx, "sanne")
    window = open_window(qtbot, ctx)
    panel = window.sync_panel
    gated.gate.clear()
    window.sync_action.trigger()
    assert panel.cancel_button.isVisibleTo(window) and panel.cancel_button.text() == "Annuleren"
    qtbot.waitUntil(gated.waiting.is_set)
    qtbot.mouseClick(panel.cancel_button, Qt.MouseButton.LeftButton)
    assert panel.message.text() == "Synchronisatie wordt geannuleerd…"
    with qtbot.waitSignal(
        panel.running_changed, timeout=60_000, check_params_cb=lambda r: r is False
    ):
        gated.gate.set()
    assert panel.message.text() == "Synchronisatie geannuleerd"
    assert not panel.cancel_button.isVisibleTo(window)
    # stopped after the batch on its way (the server confirmed it), before the pull
    assert panel.last_sync.text() == "Nog niet gesynchroniseerd"
    assert window.sync_action.isEnabled()
