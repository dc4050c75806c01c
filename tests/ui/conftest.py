"""UI test helpers: answering modal dialogs the way a user would."""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QDialog, QWidget


@pytest.fixture
def answer_modal(qtbot):
    """Schedule ``action(dialog)`` for the next modal dialog; returns the titles seen."""

    def schedule(action: Callable[[QWidget], None]) -> list[str]:
        seen: list[str] = []

        def poll() -> None:
            dialog = QApplication.activeModalWidget()
            if dialog is None:
                QTimer.singleShot(20, poll)
                return
            seen.append(dialog.windowTitle())
            action(dialog)

        QTimer.singleShot(0, poll)
        return seen

    return schedule


def close_without_asking(dialog: QDialog) -> None:
    """For qtbot.addWidget(before_close_func=...): close a dialog that would ask to discard input."""
    QDialog.reject(dialog)


@pytest.fixture
def quiet_sync(monkeypatch):
    """No sync starts by itself (the tests start them); a test may set the timers again."""
    from wmo_desk.ui import sync_panel

    monkeypatch.setattr(sync_panel, "AUTO_SYNC_MS", 3_600_000)
    monkeypatch.setattr(sync_panel, "FIRST_SYNC_MS", 3_600_000)
    monkeypatch.setattr(sync_panel, "CLOCK_TICK_MS", 3_600_000)
    monkeypatch.setattr(sync_panel, "DONE_MESSAGE_MS", 3_600_000)


def press(text: str, seen: list[str] | None = None):
    """For ``answer_modal``: click the button labelled ``text`` (keeping the question in ``seen``)."""
    from PySide6.QtWidgets import QMessageBox

    def answer(box: QWidget) -> None:
        assert isinstance(box, QMessageBox), f"expected a confirmation, got {box!r}"
        if seen is not None:
            seen.append(f"{box.text()}\n{box.informativeText()}")
        [button] = [b for b in box.buttons() if b.text() == text]
        button.click()

    return answer


def escape(seen: list[str] | None = None):
    """For ``answer_modal``: check that Annuleren is the default, then cancel with Escape."""
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QMessageBox

    def answer(box: QWidget) -> None:
        assert isinstance(box, QMessageBox), f"expected a confirmation, got {box!r}"
        if seen is not None:
            seen.append(f"{box.text()}\n{box.informativeText()}")
        assert box.defaultButton().text() == "Annuleren"
        labels = [b.text() for b in box.buttons()]
        assert "Annuleren" in labels and not {"Yes", "No", "OK", "Ja", "Nee"} & set(labels)
        QTest.keyClick(box, Qt.Key.Key_Escape)

    return answer


def queue_read(qtbot, panel):
    """The approval queue ``panel`` once the proposals it reads in the background are shown
    (read now when the panel was never shown: it reads on its first look)."""
    if not panel.has_read and panel.list_task is None:
        panel.refresh()
    qtbot.waitUntil(lambda: panel.list_task is None and panel.has_read, timeout=10_000)
    return panel


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_call(item):
    """Background reads a test's screens started (a list refreshed after an approval) end
    before its fixtures close the profile: else they meet a closed database at teardown."""
    yield
    if "qtbot" in getattr(item, "fixturenames", ()):
        settle_tasks()


def settle_tasks(timeout_s: float = 5.0) -> None:
    """Let the running and waiting tasks (wmo_desk.ui.tasks) end, the GUI thread kept going."""
    from PySide6.QtTest import QTest

    from wmo_desk.ui import tasks

    def busy() -> bool:
        return getattr(tasks, "_current", None) is not None or bool(getattr(tasks, "_queue", ()))

    deadline = time.monotonic() + timeout_s
    while busy() and time.monotonic() < deadline:
        QTest.qWait(10)
