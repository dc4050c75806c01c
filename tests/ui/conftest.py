"""UI test helpers: answering modal dialogs the way a user would."""

from __future__ import annotations

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
