"""Signing in to the regional server: server address, username and password, with Dutch messages."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from wmo_desk.domain.errors import UserError
from wmo_desk.services.context import AppContext
from wmo_desk.ui.fields import ErrorRows


class SignInDialog(QDialog):
    """Asks once; the token is then kept in the OS keyring (or in memory without one)."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self.setWindowTitle(self.tr("Aanmelden bij de regionale server"))
        self.rows = ErrorRows()
        self.server = QLineEdit(ctx.settings_value("server_url", "http://127.0.0.1:8750"))
        self.username = QLineEdit()
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        form = QFormLayout()
        self.rows.add(form, "server", self.tr("&Server"), self.server)
        self.rows.add(form, "username", self.tr("&Gebruikersnaam"), self.username)
        self.rows.add(form, "password", self.tr("&Wachtwoord"), self.password)
        intro = QLabel(
            self.tr(
                "Aanmelden is nodig om te synchroniseren. Zonder verbinding werkt u gewoon door."
            )
        )
        intro.setWordWrap(True)
        buttons = QDialogButtonBox()
        self.ok_button = buttons.addButton(
            self.tr("&Aanmelden"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.ok_button.setDefault(True)
        buttons.addButton(self.tr("Annuleren"), QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.submit)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(buttons)
        self.setMinimumWidth(460)

    def submit(self) -> None:
        if not self.username.text().strip():
            self.rows.show({"username": self.tr("Vul uw gebruikersnaam in.")})
            return
        url = self.server.text().strip()
        from wmo_desk.sync.client import ServerError  # with the first request, not at start

        try:
            self._ctx.sign_in_service(url).sign_in(self.username.text(), self.password.text())
        except ServerError as exc:
            field = {"unreachable": "server", "bad_credentials": "password"}.get(
                exc.code, "username"
            )
            self.rows.show({field: exc.message})
            self.password.clear()
            return
        finally:
            self.password.clear()
        try:
            self._ctx.signed_in()
        except UserError as exc:
            self._ctx.signin.sign_out()
            self.rows.show({"username": exc.message})
            return
        self._ctx.remember_server(url)
        self.accept()
