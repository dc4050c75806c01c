"""The sign-in dialog against an in-process regional server: messages at the field, status bar after."""

from __future__ import annotations

import warnings

import keyring
import pytest
from PySide6.QtCore import Qt

from tests.fakes import memory_keyring_backend
from tests.services.test_signin import PASSWORD
from wmo_desk.server import auth
from wmo_desk.server.app import create_app
from wmo_desk.services.signin import SignInService
from wmo_desk.sync.client import ServerClient
from wmo_desk.ui.main_window import MainWindow
from wmo_desk.ui.signin_dialog import SignInDialog

with warnings.catch_warnings():
    warnings.filterwarnings("ignore", "Using `httpx` with `starlette.testclient`")
    from fastapi.testclient import TestClient


@pytest.fixture
def connected_ctx(demo_ctx, tmp_path):
    app = create_app(f"sqlite:///{tmp_path / 'server.sqlite'}")
    with app.state.db.session_scope() as session:
        auth.create_user(
            session,
            username="sanne",
            password=PASSWORD,
            display_name="Sanne de Wit",
            role="consulent",
            municipality_code="0828",
        )
    previous = keyring.get_keyring()
    keyring.set_keyring(memory_keyring_backend())
    with TestClient(app) as http:
        demo_ctx.signin = SignInService(
            ServerClient("http://testserver", http=http), demo_ctx.tokens
        )
        demo_ctx._signin_url = "http://testserver"
        yield demo_ctx
    keyring.set_keyring(previous)


def test_wrong_password_then_signed_in(qtbot, connected_ctx):
    window = MainWindow(connected_ctx)
    qtbot.addWidget(window)
    assert window.connection.text() == "Offline · niet aangemeld"
    dialog = SignInDialog(connected_ctx, window)
    qtbot.addWidget(dialog)
    dialog.server.setText("http://testserver")
    qtbot.keyClicks(dialog.username, "sanne")
    qtbot.keyClicks(dialog.password, "verkeerd")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert dialog.rows.visible_errors() == {"password": "Gebruikersnaam of wachtwoord klopt niet."}
    assert dialog.password.text() == ""
    qtbot.keyClicks(dialog.password, PASSWORD)
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert dialog.result() == SignInDialog.DialogCode.Accepted
    window._show_connection()
    assert window.connection.text() == "Online"
    assert window.connection.toolTip() == "Aangemeld als Sanne de Wit"
    assert connected_ctx.settings_value("server_url", "") == "http://testserver"


def test_unreachable_server_is_named_at_the_server_field(qtbot, demo_ctx):
    dialog = SignInDialog(demo_ctx)
    qtbot.addWidget(dialog)
    dialog.server.setText("http://127.0.0.1:9")
    qtbot.keyClicks(dialog.username, "sanne")
    qtbot.keyClicks(dialog.password, "x")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert "niet bereikbaar" in dialog.rows.visible_errors()["server"]
