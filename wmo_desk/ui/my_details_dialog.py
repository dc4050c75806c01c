"""*Gebruiker > Mijn gegevens…*: the consultant's own work telefoon and e-mailadres for the letters."""

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

from wmo_desk.domain.errors import FieldErrors
from wmo_desk.services.context import AppContext
from wmo_desk.ui.fields import ErrorRows


class MyDetailsDialog(QDialog):
    """Edits how residents reach the signed-in user; wrong input stays at its field, unsaved.

    Attributes:
        phone: the Telefoon field.
        email: the E-mailadres field.
    """

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        assert ctx.profile is not None
        self._ctx = ctx
        self._user_id = ctx.profile.user.id
        self.setWindowTitle(self.tr("Mijn gegevens"))
        self.setMinimumWidth(520)
        layout = QVBoxLayout(self)
        text = QLabel(
            self.tr(
                "Uw telefoonnummer en e-mailadres voor uw werk komen in de brieven naast uw naam "
                "(beschikking, toewijzing en verslag). Laat een veld leeg om het algemene "
                "nummer of adres van de gemeente te gebruiken."
            )
        )
        text.setWordWrap(True)
        layout.addWidget(text)
        form = QFormLayout()
        name = QLabel(ctx.profile.user.name)
        name.setObjectName("user_name")
        form.addRow(self.tr("Naam"), name)
        contact = ctx.work_contact.get(self._user_id)
        self.rows = ErrorRows()
        self.phone = QLineEdit(contact.phone)
        self.phone.setPlaceholderText("0412 123 456")
        self.phone.setAccessibleName(self.tr("Telefoonnummer voor uw werk"))
        self.rows.add(form, "phone", self.tr("&Telefoon"), self.phone)
        self.email = QLineEdit(contact.email)
        self.email.setPlaceholderText("j.devries@gemeente.nl")
        self.email.setAccessibleName(self.tr("E-mailadres voor uw werk"))
        self.rows.add(form, "email", self.tr("&E-mailadres"), self.email)
        self.phone.textEdited.connect(lambda _t: self.rows.clear("phone"))
        self.email.textEdited.connect(lambda _t: self.rows.clear("email"))
        layout.addLayout(form)
        box = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.save_button = box.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setText(self.tr("Op&slaan"))
        box.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("Annuleren"))
        box.accepted.connect(self.save)
        box.rejected.connect(self.reject)
        layout.addWidget(box)
        self.phone.setFocus()

    def save(self) -> None:
        try:
            self._ctx.work_contact.save(self._user_id, self.phone.text(), self.email.text())
        except FieldErrors as exc:
            self.rows.show(exc.errors)
            self.adjustSize()  # room for the messages under the fields
            return
        self.accept()
