"""The passphrase prompt where the computer has no keyring: a new one is typed twice and must be
long enough; the message stands at the field."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox

from wmo_desk.services.profile_key import PassphraseRequest
from wmo_desk.ui.passphrase_dialog import PassphraseDialog


def press_ok(qtbot, dialog):
    button = dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok)
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    return button


def test_a_new_passphrase_must_be_long_and_typed_twice_alike(qtbot):
    dialog = PassphraseDialog(PassphraseRequest(new=True))
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClicks(dialog.passphrase, "kort")
    assert press_ok(qtbot, dialog).text() == "Instellen"
    assert dialog.error.text() == "Kies een wachtwoordzin van minstens 12 tekens."
    assert dialog.result() == 0 and dialog.isVisible()

    dialog.passphrase.clear()
    qtbot.keyClicks(dialog.passphrase, "een lange wachtwoordzin")
    qtbot.keyClicks(dialog.repeat, "een lange wachtwoordzim")
    press_ok(qtbot, dialog)
    assert dialog.error.text() == "De twee wachtwoordzinnen zijn niet gelijk."

    dialog.repeat.clear()
    qtbot.keyClicks(dialog.repeat, "een lange wachtwoordzin")
    press_ok(qtbot, dialog)
    assert dialog.result() == PassphraseDialog.DialogCode.Accepted


def test_the_existing_passphrase_is_asked_once_and_a_retry_says_why(qtbot):
    dialog = PassphraseDialog(PassphraseRequest(new=False, attempt=2))
    qtbot.addWidget(dialog)
    dialog.show()
    assert not dialog.repeat.isVisible()
    assert (
        "klopt niet" in dialog.explanation.text() and "poging 2 van 3" in dialog.explanation.text()
    )
    assert press_ok(qtbot, dialog).text() == "Openen"
    assert dialog.error.text() == "Typ de wachtwoordzin."
    qtbot.keyClicks(dialog.passphrase, "wat dan ook")
    press_ok(qtbot, dialog)
    assert dialog.result() == PassphraseDialog.DialogCode.Accepted
    assert dialog.passphrase.accessibleName() == "Wachtwoordzin"
