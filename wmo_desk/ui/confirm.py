"""Asking before a step that starts a legal term or cannot be undone, and saying it was done."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QLabel, QMessageBox, QWidget

# a confirmation is a sentence, not a banner: wide enough to read the informative text as a paragraph
_MIN_TEXT_WIDTH = 420


def confirm(
    parent: QWidget | None,
    title: str,
    text: str,
    accept_text: str,
    details: str = "",
    irreversible: bool = False,
) -> bool:
    """Ask ``text`` with a button that names the step and *Annuleren*; True when the step was chosen.

    The safe button is the default (Enter does not take the step) and Escape cancels.
    """
    box = QMessageBox(parent)
    box.setObjectName("confirmation")
    box.setWindowTitle(title)
    box.setIcon(QMessageBox.Icon.Warning if irreversible else QMessageBox.Icon.Question)
    box.setText(text)
    if details:
        box.setInformativeText(details)
    accept = box.addButton(accept_text, QMessageBox.ButtonRole.AcceptRole)
    cancel = box.addButton(
        QCoreApplication.translate("confirm", "Annuleren"), QMessageBox.ButtonRole.RejectRole
    )
    box.setDefaultButton(cancel)
    box.setEscapeButton(cancel)
    # QMessageBox sizes itself to its longest word run; a minimum keeps the paragraph readable
    box.setStyleSheet(
        f"QLabel#qt_msgbox_label, QLabel#qt_msgbox_informativelabel "
        f"{{ min-width: {_MIN_TEXT_WIDTH}px; }}"
    )
    box.exec()
    return box.clickedButton() is accept


def feedback_label(name: str) -> QLabel:
    """The line under a step's buttons that says what the step did."""
    label = QLabel()
    label.setObjectName(name)
    label.setWordWrap(True)
    return label


def tell_done(label: QLabel, text: str) -> None:
    """Show that a step was done (green, so it reads as done, not as a hint)."""
    label.setStyleSheet("color: #1b5e20; font-weight: bold;")
    label.setText(text)
