"""The *Evaluaties* tab: the telephone evaluations (cliëntervaring) due, whom to call at which
number, the call itself, handing a call to a colleague, and the weeks-after setting."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from wmo_desk.domain.dates import nl_date
from wmo_desk.domain.errors import UserError
from wmo_desk.domain.evaluations import DEFAULT_WEEKS, MAX_TRIES, MAX_WEEKS
from wmo_desk.services.context import AppContext
from wmo_desk.services.evaluations import EvaluationTask
from wmo_desk.ui.table_model import RowsModel, list_table

_OVERDUE = QColor("#fde7e9")
_TODAY = QColor("#fff4ce")


def due_text(due: date, today: date) -> str:
    """``Te laat, sinds 03-12-2026``, ``Vandaag`` or the date, as the list shows it."""
    if due < today:
        return f"Te laat, sinds {nl_date(due)}"
    if due == today:
        return "Vandaag"
    return nl_date(due)


class EvaluationsModel(RowsModel):
    """The open evaluations of the current user, the earliest due first."""

    headers = ("Bellen op", "Cliënt", "Telefoon", "Poging", "Keukentafelgesprek afgerond")
    #: the team lead's overview names who is to call
    team_headers = (*headers, "Toegewezen aan")

    def __init__(self, today: date, parent=None) -> None:
        super().__init__([], parent)
        self.today = today

    def show_assignee(self, shown: bool) -> None:
        self.beginResetModel()
        self.headers = self.team_headers if shown else type(self).headers
        self.endResetModel()

    def text(self, row: object, column: int) -> str:
        assert isinstance(row, EvaluationTask)
        e = row.evaluation
        if column == 0:
            return due_text(e.due, self.today)
        if column == 1:
            return row.client_name
        if column == 2:
            return row.phone or "geen nummer bekend"
        if column == 3:
            return f"{e.attempts + 1} van {MAX_TRIES}"
        if column == 5:
            return row.assignee_name or "onbekende medewerker"
        return nl_date(e.created_at.date())

    def style(self, row: object, column: int, role: int) -> object:
        assert isinstance(row, EvaluationTask)
        if role == Qt.ItemDataRole.BackgroundRole:
            if row.evaluation.due < self.today:
                return QBrush(_OVERDUE)
            if row.evaluation.due == self.today:
                return QBrush(_TODAY)
        return None


class EvaluationsPanel(QWidget):
    """The task list of evaluation calls.

    Signals:
        recorded(str): the outcome of this evaluation was recorded, or it was handed on.
    """

    recorded = Signal(str)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self.setObjectName("evaluations")
        layout = QVBoxLayout(self)
        intro = QLabel(
            self.tr(
                "<b>Telefonische evaluatie na het keukentafelgesprek</b> (cliëntervaring). "
                "Bel de cliënt op of na de datum en stel de vragen van de vragenlijst; de antwoorden "
                "gaan anoniem naar de regio. Niet bereikt: probeer het na twee werkdagen opnieuw, "
                "hoogstens drie keer."
            )
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.everyone = QCheckBox(self.tr("&Alle open evaluaties van de gemeente"))
        self.everyone.setObjectName("evaluations_everyone")
        self.everyone.setToolTip(
            self.tr("Alle evaluaties die nog gebeld moeten worden, en aan wie ze zijn toegewezen")
        )
        self.everyone.setVisible(ctx.evaluations.may_see_all())
        self.everyone.toggled.connect(lambda _on: self.refresh())
        layout.addWidget(self.everyone)
        self.model = EvaluationsModel(ctx.clock.today(), self)
        self.table = list_table("evaluation_tasks", self.tr("Te bellen evaluaties"))
        self.table.setModel(self.model)
        self.table.setSortingEnabled(False)
        self.table.doubleClicked.connect(lambda _i: self.call())
        self.table.activated.connect(lambda _i: self.call())
        layout.addWidget(self.table, 1)
        self.empty = QLabel(self.tr("Er zijn nu geen evaluaties te bellen."))
        self.empty.setObjectName("evaluations_empty")
        layout.addWidget(self.empty)
        buttons = QHBoxLayout()
        self.call_button = QPushButton(self.tr("Nu b&ellen…"))
        self.call_button.setObjectName("call")
        self.call_button.clicked.connect(lambda: self.call())
        self.reassign_button = QPushButton(self.tr("&Toewijzen aan collega…"))
        self.reassign_button.setObjectName("reassign_evaluation")
        self.reassign_button.clicked.connect(lambda: self.reassign())
        buttons.addWidget(self.call_button)
        buttons.addWidget(self.reassign_button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        self.refresh()

    def refresh(self) -> None:
        """Read the list again (after a call, a completed conversation or a sync)."""
        selected = self.current()
        self.model.today = self._ctx.clock.today()
        everyone = self.everyone.isChecked() and self._ctx.evaluations.may_see_all()
        self.model.show_assignee(everyone)
        try:
            tasks = self._ctx.evaluations.tasks(everyone=everyone)
        except UserError as exc:
            tasks = []
            self.empty.setText(exc.message)
        else:
            self.empty.setText(self.tr("Er zijn nu geen evaluaties te bellen."))
        self.model.set_rows(tasks)
        self.table.resizeColumnsToContents()
        self.empty.setVisible(not tasks)
        for button in (self.call_button, self.reassign_button):
            button.setEnabled(bool(tasks))
        ids = [t.evaluation.id for t in tasks]
        row = ids.index(selected.evaluation.id) if selected and selected.evaluation.id in ids else 0
        if tasks:
            self.table.selectRow(row)

    def current(self) -> EvaluationTask | None:
        index: QModelIndex = self.table.currentIndex()
        if not index.isValid() or index.row() >= len(self.model.rows):
            return None
        row = self.model.rows[index.row()]
        assert isinstance(row, EvaluationTask)
        return row

    def call(self):
        """Open the call of the selected evaluation; returns the dialog (None without one)."""
        from wmo_desk.ui.evaluation_dialog import EvaluationDialog

        task = self.current()
        if task is None:
            return None
        try:
            dialog = EvaluationDialog(self._ctx, task, self)
        except UserError as exc:
            QMessageBox.warning(self, exc.title, exc.message)
            return None
        dialog.recorded.connect(self._recorded)
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()
        return dialog

    def _recorded(self, evaluation_id: str) -> None:
        self.refresh()
        self.recorded.emit(evaluation_id)

    def reassign(self, choose=None) -> bool:
        """Hand the selected call to a colleague of the municipality (``choose`` picks in tests)."""
        task = self.current()
        if task is None:
            return False
        others = [
            u for u in self._ctx.evaluations.colleagues() if u.id != self._ctx.profile.user.id
        ]
        if not others:
            QMessageBox.information(
                self,
                self.tr("Geen collega's"),
                self.tr("Er zijn geen collega's van uw gemeente bekend op deze laptop."),
            )
            return False
        names = [f"{u.name} ({u.role.label})" for u in others]
        if choose is None:
            picked, ok = QInputDialog.getItem(
                self,
                self.tr("Toewijzen aan collega"),
                self.tr("Wie belt %s?") % task.client_name,
                names,
                0,
                False,
            )
        else:
            picked, ok = choose(names)
        if not ok or picked not in names:
            return False
        try:
            self._ctx.evaluations.reassign(task.evaluation.id, others[names.index(picked)].id)
        except UserError as exc:
            QMessageBox.warning(self, exc.title, exc.message)
            return False
        self._recorded(task.evaluation.id)
        return True


class WeeksDialog(QDialog):
    """*Instellingen > Cliëntervaring…*: how many weeks after the conversation the call is due."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self.setWindowTitle(self.tr("Instellingen cliëntervaring"))
        self.setMinimumWidth(440)
        layout = QVBoxLayout(self)
        text = QLabel(
            self.tr(
                "Na het afronden van het keukentafelgesprek komt een telefonische evaluatie in de "
                "takenlijst van de consulent. Geldt voor gesprekken die vanaf nu worden afgerond."
            )
        )
        text.setWordWrap(True)
        layout.addWidget(text)
        form = QFormLayout()
        self.weeks = QSpinBox()
        self.weeks.setObjectName("evaluation_weeks")
        self.weeks.setRange(1, MAX_WEEKS)
        self.weeks.setSuffix(self.tr(" weken"))
        self.weeks.setValue(ctx.evaluations.weeks())
        self.weeks.setAccessibleName(self.tr("Bellen na aantal weken"))
        label = QLabel(self.tr("&Bellen na"))
        label.setBuddy(self.weeks)
        form.addRow(label, self.weeks)
        layout.addLayout(form)
        hint = QLabel(self.tr("Standaard %d weken.") % DEFAULT_WEEKS)
        hint.setStyleSheet("color: #555;")
        layout.addWidget(hint)
        box = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        box.button(QDialogButtonBox.StandardButton.Save).setText(self.tr("Op&slaan"))
        box.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("Annuleren"))
        box.accepted.connect(self.save)
        box.rejected.connect(self.reject)
        layout.addWidget(box)

    def save(self) -> None:
        try:
            self._ctx.evaluations.set_weeks(self.weeks.value())
        except UserError as exc:
            QMessageBox.warning(self, exc.title, exc.message)
            return
        self.accept()
