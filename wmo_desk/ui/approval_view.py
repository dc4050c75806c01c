"""The team lead's approval queue: proposals oldest first, read, then approve or return with a comment."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from wmo_desk.domain.decisions import Decision
from wmo_desk.domain.errors import FieldErrors, UserError
from wmo_desk.services.context import AppContext
from wmo_desk.ui.confirm import confirm, feedback_label, tell_done
from wmo_desk.ui.decision_view import OUTCOME_LABELS, ProvisionsModel
from wmo_desk.ui.display import days_left_text, short_date
from wmo_desk.ui.table_model import RowsModel
from wmo_desk.ui.tasks import BusyBar, Task, run_task


class QueueModel(RowsModel):
    """Submitted proposals with the client and the decision deadline."""

    headers = ("Cliënt", "Besluit", "Ingediend", "Beschikking uiterlijk")

    def __init__(self, rows: list[tuple[Decision, str, object]], today, parent=None) -> None:
        super().__init__(rows, parent)
        self._today = today

    def text(self, row, column: int) -> str:
        decision, client, deadline = row
        due = (
            f"{short_date(deadline.due)} ({days_left_text((deadline.due - self._today).days)})"
            if deadline
            else ""
        )
        submitted = decision.modified_at.astimezone()
        return (client, OUTCOME_LABELS[decision.outcome], short_date(submitted.date()), due)[column]


class ApprovalPanel(QWidget):
    """Approve or return proposals; only for team leads.

    Approving asks the regional server and renders the documents: it runs as a :class:`Task`
    (``self.task`` while it runs).

    Signals:
        decided(str): the case id of a proposal that was approved or returned.
    """

    decided = Signal(str)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self.task: Task | None = None
        self.table = QTableView()
        self.table.setObjectName("approval_queue")
        self.table.verticalHeader().hide()
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QTableView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.detail = QLabel()
        self.detail.setObjectName("proposal")
        self.detail.setWordWrap(True)
        self.detail.setTextFormat(Qt.TextFormat.RichText)
        self.provisions = QTableView()
        self.provisions.verticalHeader().hide()
        self.provisions.horizontalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.ResizeToContents
        )
        self.provisions.horizontalHeader().setStretchLastSection(True)
        self.approve_button = QPushButton(self.tr("&Goedkeuren"))
        self.return_button = QPushButton(self.tr("&Terugsturen…"))
        self.approve_button.clicked.connect(self.approve)
        self.return_button.clicked.connect(self.send_back)
        right = QWidget()
        rl = QVBoxLayout(right)
        rl.addWidget(self.detail)
        rl.addWidget(self.provisions, 1)
        self.busy = BusyBar()
        self.busy.setObjectName("approval_busy")
        buttons = QHBoxLayout()
        buttons.addWidget(self.busy, 1)
        buttons.addWidget(self.return_button)
        buttons.addWidget(self.approve_button)
        rl.addLayout(buttons)
        self.feedback = feedback_label("approval_feedback")
        rl.addWidget(self.feedback)
        splitter = QSplitter()
        splitter.addWidget(self.table)
        splitter.addWidget(right)
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 3)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(self.tr("Voorstellen die op goedkeuring wachten, oudste eerst.")))
        layout.addWidget(splitter, 1)
        self.refresh()

    def refresh(self) -> None:
        rows = []
        for decision in self._ctx.decisions.queue():
            view = self._ctx.cases.view(decision.case_id)
            deadline = next((d for d in view.deadlines if d.kind.value == "beslissing"), None)
            rows.append((decision, view.client.display_name, deadline))
        self.table.setModel(QueueModel(rows, self._ctx.clock.today(), self))
        self.table.selectionModel().currentRowChanged.connect(lambda *_a: self._show())
        if rows:
            self.table.selectRow(0)
        self._show()

    def selected(self) -> Decision | None:
        index = self.table.currentIndex()
        model = self.table.model()
        return model.rows[index.row()][0] if index.isValid() else None

    def _show(self) -> None:
        d = self.selected()
        idle = self.task is None
        self.approve_button.setEnabled(d is not None and idle)
        self.return_button.setEnabled(d is not None and idle)
        if d is None:
            self.detail.setText(self.tr("Geen voorstellen om te beoordelen."))
            self.provisions.setModel(ProvisionsModel((), {}, self))
            return
        self.detail.setText(
            f"<b>{OUTCOME_LABELS[d.outcome]}</b><br><b>Motivering:</b> {escape(d.motivation)}"
        )
        names = {p.code: p.name for p in self._ctx.catalogues.current().products}
        self.provisions.setModel(ProvisionsModel(d.provisions, names, self))

    def approve(self) -> Task | None:
        """Approve the selected proposal in the background; ``decided`` follows when it is final."""
        d = self.selected()
        if d is None or self.task is not None:
            return None
        # the queue stays usable meanwhile: the busy line says whose proposal it is
        client = self.table.model().rows[self.table.currentIndex().row()][1]
        count = len(d.provisions)
        what = OUTCOME_LABELS[d.outcome].lower() + (
            (self.tr(", 1 voorziening") if count == 1 else self.tr(", %d voorzieningen") % count)
            if count
            else ""
        )
        if not confirm(
            self,
            self.tr("Besluit goedkeuren"),
            self.tr("Het besluit voor %s (%s) goedkeuren onder mandaat van het college?")
            % (client, what),
            self.tr("Besluit goedkeuren"),
            self.tr(
                "Het besluit wordt definitief: het krijgt een kenmerk en een datum, de toewijzingen "
                "krijgen hun nummers en de beschikking wordt gemaakt. Dit kan niet ongedaan worden "
                "gemaakt; een correctie is daarna een nieuw besluit."
            ),
            irreversible=True,
        ):
            return None
        self.feedback.clear()

        def done(final: Decision) -> None:
            self.task = None
            self.refresh()
            tell_done(
                self.feedback,
                self.tr("Besluit goedgekeurd: kenmerk %s (%s).") % (final.kenmerk, client),
            )
            self.decided.emit(final.case_id)

        def failed(error: UserError) -> None:
            self.task = None
            self._show()
            QMessageBox.warning(self, error.title, error.message)

        self.task = run_task(
            self,
            self.tr("Besluit van %s wordt goedgekeurd…") % client,
            lambda: self._ctx.decisions.approve(d),
            done,
            failed,
            controls=(self.approve_button, self.return_button),
            busy=self.busy,
        )
        # a bug ends the task too: the buttons come back with the next selection
        self.task.finished.connect(self._task_ended)
        return self.task

    def _task_ended(self) -> None:
        if self.task is not None and not self.task.running:
            self.task = None
            self._show()

    def send_back(self, comment: str | None = None) -> None:
        d = self.selected()
        if d is None or self.task is not None:
            return
        if comment is None:
            comment, ok = QInputDialog.getMultiLineText(
                self, self.tr("Terugsturen"), self.tr("Wat moet er veranderen?")
            )
            if not ok:
                return
        try:
            self._ctx.decisions.return_for_changes(d, comment)
        except FieldErrors as exc:
            QMessageBox.warning(self, self.tr("Toelichting ontbreekt"), exc.message)
            return
        client = self.table.model().rows[self.table.currentIndex().row()][1]
        self.refresh()
        tell_done(self.feedback, self.tr("Teruggestuurd naar de consulent (%s).") % client)
        self.decided.emit(d.case_id)
