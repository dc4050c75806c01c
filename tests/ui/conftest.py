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
def memory_keyring():
    """Sign-in tokens in memory (the OS keyring is never touched by tests)."""
    import keyring

    from tests.fakes import memory_keyring_backend

    previous = keyring.get_keyring()
    keyring.set_keyring(memory_keyring_backend())
    yield
    keyring.set_keyring(previous)


@pytest.fixture
def server(tmp_path, memory_keyring):
    """The regional server in-process (tests/synckit.py), with the accounts of ACCOUNTS."""
    from tests.synckit import SERVER_URL, Server, TestClient, make_server

    app = make_server(f"sqlite:///{tmp_path / 'server.sqlite'}")
    with TestClient(app, base_url=SERVER_URL) as http:
        yield Server(app, http)


@pytest.fixture
def desktops(tmp_path, server):
    """Desktop profiles beside each other, all talking to ``server``."""
    from tests.conftest import TODAY
    from tests.synckit import Desktops

    opened = Desktops(tmp_path, server, TODAY)
    yield opened
    opened.close()


@pytest.fixture
def quiet_sync(monkeypatch):
    """No sync starts by itself (the tests start them); a test may set the timers again."""
    from wmo_desk.ui import sync_panel

    monkeypatch.setattr(sync_panel, "AUTO_SYNC_MS", 3_600_000)
    monkeypatch.setattr(sync_panel, "FIRST_SYNC_MS", 3_600_000)
    monkeypatch.setattr(sync_panel, "STATUS_POLL_MS", 3_600_000)
    monkeypatch.setattr(sync_panel, "DONE_MESSAGE_MS", 3_600_000)
