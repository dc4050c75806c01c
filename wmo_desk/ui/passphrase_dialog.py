"""Asking for the profile's passphrase at start, where the computer has no keyring."""

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

from wmo_desk.services.profile_key import PassphraseRequest, passphrase_problem


class PassphraseDialog(QDialog):
    """A new passphrase (typed twice, checked for strength) or the existing one."""

    def __init__(self, request: PassphraseRequest, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.request = request
        self.setWindowTitle(self.tr("wmo_desk – wachtwoordzin"))
        if request.new:
            text = self.tr(
                "Deze computer heeft geen sleutelbos waarin wmo_desk de sleutel van uw gegevens kan "
                "bewaren. Kies een wachtwoordzin van minstens 12 tekens; u typt hem bij elke start. "
                "Zonder de wachtwoordzin zijn de gegevens niet te openen, ook niet door de "
                "functioneel beheerder."
            )
        elif request.attempt > 1:
            text = self.tr(
                "De wachtwoordzin klopt niet. Probeer het opnieuw (poging %d van 3)."
            ) % (request.attempt)
        else:
            text = self.tr("Typ de wachtwoordzin van uw wmo_desk-profiel.")
        self.explanation = QLabel(text, wordWrap=True)
        self.passphrase = QLineEdit(echoMode=QLineEdit.EchoMode.Password)
        self.passphrase.setAccessibleName(self.tr("Wachtwoordzin"))
        self.repeat = QLineEdit(echoMode=QLineEdit.EchoMode.Password)
        self.repeat.setAccessibleName(self.tr("Wachtwoordzin herhalen"))
        self.error = QLabel(wordWrap=True)
        self.error.setObjectName("passphrase_error")
        self.error.setStyleSheet("color: #a00000")
        self.error.setAccessibleName(self.tr("Melding bij de wachtwoordzin"))
        form = QFormLayout()
        form.addRow(self.tr("&Wachtwoordzin"), self.passphrase)
        if request.new:
            form.addRow(self.tr("&Herhaal"), self.repeat)
        else:
            self.repeat.hide()
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(
            self.tr("Instellen") if request.new else self.tr("Openen")
        )
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("Annuleren"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.explanation)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.setMinimumWidth(460)
        self.passphrase.setFocus()

    def accept(self) -> None:
        value = self.passphrase.text()
        if self.request.new:
            problem = passphrase_problem(value)
            if problem is None and value != self.repeat.text():
                problem = self.tr("De twee wachtwoordzinnen zijn niet gelijk.")
            if problem:
                self.error.setText(problem)
                self.passphrase.setFocus()
                return
        elif not value:
            self.error.setText(self.tr("Typ de wachtwoordzin."))
            return
        super().accept()


def ask_passphrase(request: PassphraseRequest) -> str | None:
    """Shows :class:`PassphraseDialog`; None when the consultant cancels."""
    from wmo_desk.ui.app import make_application

    make_application()
    dialog = PassphraseDialog(request)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    return dialog.passphrase.text()
