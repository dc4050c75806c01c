"""Gebruiker > Mijn gegevens…: the consultant types their work telefoon and e-mail, is told at
the field what is wrong, and sees in the status bar that it is saved."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel

from tests.ui.test_dialog_access import CLEAN, walk
from wmo_desk.domain.contact import WorkContact
from wmo_desk.ui.main_window import MainWindow
from wmo_desk.ui.my_details_dialog import MyDetailsDialog

# invented demo values
PHONE = "0412 123 456"
EMAIL = "j.devries@oss.example"


def test_the_dialog_is_walked_by_keyboard(qtbot, demo_ctx):
    assert walk(qtbot, MyDetailsDialog(demo_ctx)) == CLEAN


def test_wrong_input_is_shown_at_the_field_and_nothing_is_saved(qtbot, demo_ctx, quiet_sync):
    window = MainWindow(demo_ctx)
    qtbot.addWidget(window)
    window.show()
    assert window.my_details_action in window.user_menu.actions()
    window.my_details_action.trigger()
    dialog = window.findChild(MyDetailsDialog)
    assert dialog is not None and dialog.isVisible()
    qtbot.waitExposed(dialog)
    qtbot.keyClicks(dialog.phone, "0412 12")
    qtbot.keyClicks(dialog.email, "j.devries@oss")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    phone_error = dialog.findChild(QLabel, "error_phone")
    email_error = dialog.findChild(QLabel, "error_email")
    assert phone_error.isVisible() and "10 cijfers" in phone_error.text()
    assert email_error.isVisible() and "geen geldig e-mailadres" in email_error.text()
    assert dialog.isVisible()
    assert dialog.focusWidget() is dialog.phone
    assert demo_ctx.work_contact.get(demo_ctx.profile.user.id) == WorkContact()
    assert window.statusBar().currentMessage() != "Uw gegevens voor de brieven zijn opgeslagen."

    # corrected by keyboard alone: Alt+E and Alt+T reach the fields, Enter saves
    with qtbot.waitActive(dialog):
        dialog.activateWindow()
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_E, Qt.KeyboardModifier.AltModifier)
    assert QApplication.focusWidget() is dialog.email
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_T, Qt.KeyboardModifier.AltModifier)
    assert QApplication.focusWidget() is dialog.phone
    dialog.phone.selectAll()
    qtbot.keyClicks(dialog.phone, PHONE)
    assert phone_error.isHidden()  # typing again takes the message away
    qtbot.keyClick(dialog.phone, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is dialog.email
    dialog.email.selectAll()
    qtbot.keyClicks(dialog.email, EMAIL)
    with qtbot.waitSignal(dialog.accepted):
        qtbot.keyClick(dialog.email, Qt.Key.Key_Return)
    assert demo_ctx.work_contact.get(demo_ctx.profile.user.id) == WorkContact(PHONE, EMAIL)
    assert window.statusBar().currentMessage() == "Uw gegevens voor de brieven zijn opgeslagen."


def test_the_dialog_shows_what_was_saved_and_cancel_keeps_it(qtbot, demo_ctx):
    me = demo_ctx.profile.user.id
    demo_ctx.work_contact.save(me, PHONE, EMAIL)
    dialog = MyDetailsDialog(demo_ctx)
    qtbot.addWidget(dialog)
    dialog.show()
    assert (dialog.phone.text(), dialog.email.text()) == (PHONE, EMAIL)
    dialog.phone.setText("")
    dialog.reject()
    assert demo_ctx.work_contact.get(me) == WorkContact(PHONE, EMAIL)


def test_the_profile_line_comes_back_after_the_confirmation(
    qtbot, demo_ctx, quiet_sync, monkeypatch
):
    from wmo_desk.ui import main_window

    monkeypatch.setattr(main_window, "SAVED_MESSAGE_MS", 50)
    window = MainWindow(demo_ctx)
    qtbot.addWidget(window)
    window.show()
    profile_line = window.statusBar().currentMessage()
    dialog = window.open_my_details()
    dialog.phone.setText(PHONE)
    dialog.save_button.click()
    assert window.statusBar().currentMessage() == "Uw gegevens voor de brieven zijn opgeslagen."
    qtbot.waitUntil(lambda: window.statusBar().currentMessage() == profile_line)
