"""First start: choose region and municipality, and say who you are and in which role."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from wmo_desk.domain.errors import FieldErrors, UserError
from wmo_desk.domain.users import Role
from wmo_desk.services.context import AppContext
from wmo_desk.ui.fields import ErrorRows


class SetupDialog(QDialog):
    """Creates the profile: imports the region's catalogue and the user."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self.setWindowTitle(self.tr("wmo_desk instellen"))
        self._choices = ctx.region_choices()
        self.rows = ErrorRows()
        intro = QLabel(
            self.tr(
                "Welkom bij wmo_desk. Kies eenmalig voor welke gemeente u werkt. "
                "De gegevens blijven op deze computer."
            )
        )
        intro.setWordWrap(True)
        self.region = QComboBox()
        for choice in self._choices:
            self.region.addItem(choice.name, choice.code)
        self.municipality = QComboBox()
        self.name = QLineEdit()
        self.name.setPlaceholderText(self.tr("Voor- en achternaam"))
        self.role = QComboBox()
        for role in Role:
            self.role.addItem(role.label, role)
        form = QFormLayout()
        self.rows.add(form, "region", self.tr("&Regio"), self.region)
        self.rows.add(form, "municipality_code", self.tr("&Gemeente"), self.municipality)
        self.rows.add(form, "name", self.tr("Uw &naam"), self.name)
        self.rows.add(form, "role", self.tr("Uw &functie"), self.role)
        buttons = QDialogButtonBox()
        ok = buttons.addButton(self.tr("Beginnen"), QDialogButtonBox.ButtonRole.AcceptRole)
        ok.setDefault(True)
        buttons.addButton(self.tr("Annuleren"), QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.submit)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(buttons)
        self.region.currentIndexChanged.connect(self._fill_municipalities)
        self._fill_municipalities()
        self.setMinimumWidth(480)

    def _fill_municipalities(self) -> None:
        self.municipality.clear()
        choice = self._choices[self.region.currentIndex()] if self._choices else None
        if choice is None:
            return
        for code, name in choice.municipalities:
            self.municipality.addItem(name, code)
        index = self.municipality.findData(choice.centrumgemeente)
        if index >= 0:
            self.municipality.setCurrentIndex(index)

    def submit(self) -> None:
        choice = self._choices[self.region.currentIndex()]
        try:
            profile = self._ctx.profiles.set_up(
                choice,
                self.municipality.currentData(),
                self.name.text(),
                Role(self.role.currentData()),
            )
        except FieldErrors as exc:
            self.rows.show(exc.errors)
            return
        except UserError as exc:
            self.rows.show({"region": exc.message})
            return
        self._ctx.activate(profile)
        self.accept()
