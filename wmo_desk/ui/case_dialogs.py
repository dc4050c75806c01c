"""Small dialogs for process steps: a new stage with its date, a hold, closing a case."""

from __future__ import annotations

from datetime import date, timedelta

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from wmo_desk.domain.cases import CloseReason, Stage
from wmo_desk.domain.deadlines import term_end
from wmo_desk.domain.decision_rules import bezwaar_last_day
from wmo_desk.domain.errors import UserError
from wmo_desk.ui.display import weekday_date
from wmo_desk.ui.fields import ErrorRows, date_edit, date_value

_DATE_LABELS = {
    Stage.AANVRAAG: "Datum waarop de cliënt het verslag ondertekende (aanvraag)",
    Stage.BESLUIT: "Verzenddatum van de beschikking",
}


class StepDialog(QDialog):
    """Shared frame: a form, an error line per field, OK/Annuleren; the action is a callback.

    With ``safe_default`` Annuleren is the default button: Enter does not take a step that
    starts a legal term or cannot be undone (Escape cancels in every case).
    """

    def __init__(
        self,
        title: str,
        intro: str,
        ok_text: str,
        parent: QWidget | None,
        safe_default: bool = False,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.rows = ErrorRows()
        self.form = QFormLayout()
        layout = QVBoxLayout(self)
        text = QLabel(intro)
        text.setWordWrap(True)
        layout.addWidget(text)
        layout.addLayout(self.form)
        buttons = QDialogButtonBox()
        self.ok_button = buttons.addButton(ok_text, QDialogButtonBox.ButtonRole.AcceptRole)
        self.cancel_button = buttons.addButton(
            self.tr("Annuleren"), QDialogButtonBox.ButtonRole.RejectRole
        )
        self.ok_button.setAutoDefault(not safe_default)
        self.cancel_button.setAutoDefault(safe_default)
        (self.cancel_button if safe_default else self.ok_button).setDefault(True)
        buttons.accepted.connect(self._ok)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.setMinimumWidth(460)
        self.action = None

    def _ok(self) -> None:
        try:
            self.action()
        except UserError as exc:
            self.rows.show({self._error_field(): exc.message})
            return
        self.accept()

    def _error_field(self) -> str:
        return "date"


class StageDialog(StepDialog):
    """Confirm a move to ``target`` and ask the date it happened; says which term that starts."""

    def __init__(
        self, current: Stage, target: Stage, today: date, parent: QWidget | None = None
    ) -> None:
        super().__init__(
            self.tr("Naar fase: %s") % target.label,
            self.tr("Het dossier gaat van '%s' naar '%s'.") % (current.label, target.label),
            self.tr("Fase wijzigen"),
            parent,
            safe_default=True,
        )
        self.target = target
        self.date_edit = date_edit(today, allow_blank=False)
        self.date_edit.setMaximumDate(self.date_edit.date())
        self.rows.add(self.form, "date", _DATE_LABELS.get(target, self.tr("Datum")), self.date_edit)
        self.consequence = QLabel()
        self.consequence.setObjectName("stage_consequence")
        self.consequence.setWordWrap(True)
        self.form.addRow(self.consequence)
        self.date_edit.dateChanged.connect(lambda _d: self._show_consequence())
        self._show_consequence()

    def consequence_text(self) -> str:
        """What the move starts, for the chosen date (empty when it starts no term)."""
        on = date_value(self.date_edit)
        if on is None:
            return ""
        if self.target is Stage.AANVRAAG:
            return self.tr(
                "Daarmee begint de beslistermijn van 2 weken. De beschikking moet dan uiterlijk "
                "%s zijn gegeven."
            ) % weekday_date(term_end(on, timedelta(weeks=2)))
        if self.target is Stage.BESLUIT:
            return self.tr("De cliënt kan dan tot en met %s bezwaar maken.") % weekday_date(
                bezwaar_last_day(on)
            )
        return ""

    def _show_consequence(self) -> None:
        text = self.consequence_text()
        self.consequence.setText(text)
        self.consequence.setVisible(bool(text))

    @property
    def chosen_date(self) -> date:
        value = date_value(self.date_edit)
        assert value is not None
        return value


class HoldDialog(StepDialog):
    """Put a case on hold (opschorten) with the client's consent and a reason."""

    def __init__(self, today: date, parent: QWidget | None = None) -> None:
        super().__init__(
            self.tr("Dossier opschorten"),
            self.tr(
                "Schort het dossier alleen op met instemming van de cliënt. De wettelijke "
                "termijnen staan stil zolang de opschorting duurt."
            ),
            self.tr("Opschorten"),
            parent,
        )
        self.date_edit = date_edit(today, allow_blank=False)
        self.reason = QLineEdit()
        self.reason.setPlaceholderText(self.tr("bijv. cliënt is opgenomen in het ziekenhuis"))
        self.rows.add(self.form, "date", self.tr("Ingangsdatum"), self.date_edit)
        self.rows.add(self.form, "reason", self.tr("&Reden *"), self.reason)

    def _error_field(self) -> str:
        return "reason" if not self.reason.text().strip() else "date"


class CloseDialog(StepDialog):
    """Close a case with a reason; asks for explicit confirmation since it cannot be undone."""

    def __init__(self, today: date, parent: QWidget | None = None) -> None:
        super().__init__(
            self.tr("Dossier afsluiten"),
            self.tr(
                "Een afgesloten dossier kan niet meer worden gewijzigd; dit kan niet ongedaan "
                "worden gemaakt. Een nieuwe hulpvraag wordt een nieuwe melding."
            ),
            self.tr("Dossier afsluiten"),
            parent,
            safe_default=True,
        )
        self.reason = QComboBox()
        for reason in CloseReason:
            self.reason.addItem(reason.label, reason)
        self.date_edit = date_edit(today, allow_blank=False)
        self.note = QPlainTextEdit()
        self.note.setTabChangesFocus(True)
        self.note.setFixedHeight(70)
        self.rows.add(self.form, "reason", self.tr("&Reden"), self.reason)
        self.rows.add(self.form, "date", self.tr("Datum"), self.date_edit)
        self.rows.add(self.form, "note", self.tr("&Toelichting"), self.note)

    @property
    def chosen_reason(self) -> CloseReason:
        return CloseReason(self.reason.currentData())
