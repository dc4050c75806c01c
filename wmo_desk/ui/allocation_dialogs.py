"""Changing an issued toewijzing: a new end date or volume, or another provider (iWmo rules)."""

from __future__ import annotations

from datetime import date

from PySide6.QtWidgets import (
    QComboBox,
    QLineEdit,
    QWidget,
)

from wmo_desk.domain.decisions import Allocation
from wmo_desk.domain.errors import UserError
from wmo_desk.ui.case_dialogs import StepDialog
from wmo_desk.ui.fields import date_edit, date_value


class _ChangeDialog(StepDialog):
    """The shared dialog frame; a refused change is shown under the first field."""

    def __init__(self, title: str, intro: str, parent: QWidget | None) -> None:
        super().__init__(title, intro, self.tr("Wijzigen"), parent)
        self.setMinimumWidth(480)

    def _error_field(self) -> str:
        return "main"


class PeriodDialog(_ChangeDialog):
    """New end date and/or volume: a new version of the same toewijzing."""

    def __init__(self, allocation: Allocation, parent: QWidget | None = None) -> None:
        super().__init__(
            self.tr("Toewijzing %d wijzigen") % allocation.number,
            self.tr(
                "Verlengen, verkorten of de omvang wijzigen maakt een nieuwe versie van dezelfde toewijzing."
            ),
            parent,
        )
        self.end = date_edit(allocation.end, allow_blank=True)
        self.volume = QLineEdit("" if allocation.volume is None else str(allocation.volume))
        self.volume.setAccessibleName(self.tr("Nieuwe omvang"))
        self.rows.add(self.form, "main", self.tr("Nieuwe &einddatum"), self.end)
        self.form.addRow(self.tr("Nieuwe &omvang"), self.volume)

    def values(self) -> tuple[date | None, int | None]:
        text = self.volume.text().strip()
        if text and not text.isdigit():
            raise UserError("Ongeldige omvang", "De omvang is een geheel getal.")
        return date_value(self.end), int(text) if text else None


class ProviderDialog(_ChangeDialog):
    """Another provider: the current toewijzing ends (09), a new one gets a new number."""

    def __init__(
        self,
        allocation: Allocation,
        providers: list[tuple[str, str]],
        today: date,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(
            self.tr("Andere aanbieder"),
            self.tr(
                "De huidige toewijzing %d eindigt de dag vóór de overstap (reden 09, overstap andere aanbieder); "
                "de nieuwe aanbieder krijgt een nieuwe toewijzing met een nieuw nummer."
            )
            % allocation.number,
            parent,
        )
        self.provider = QComboBox()
        for provider_id, name in providers:
            if provider_id != allocation.provider_id:
                self.provider.addItem(name, provider_id)
        self.switch_on = date_edit(today, allow_blank=False)
        self.switch_on.setAccessibleName(self.tr("Overstap per"))
        self.rows.add(self.form, "main", self.tr("Nieuwe &aanbieder"), self.provider)
        self.form.addRow(self.tr("&Overstap per"), self.switch_on)
