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
from wmo_desk.services.team import DecisionCost, Proposal, TeamService
from wmo_desk.ui.confirm import confirm, feedback_label, tell_done
from wmo_desk.ui.decision_view import OUTCOME_LABELS, ProvisionsModel
from wmo_desk.ui.display import days_left_text, money, short_date
from wmo_desk.ui.document_actions import open_document, save_document_as, system_opener
from wmo_desk.ui.table_model import FooterProxy, RowsLoader, SortedRowsModel, list_table
from wmo_desk.ui.tasks import BusyBar, Task, run_task


def cost_text(cost: DecisionCost) -> str:
    """``€ 5.244,00`` a year; what is not priced is said, not hidden in the sum."""
    if not cost.provisions:
        return "geen voorziening"
    if cost.unpriced == cost.provisions:
        return "onbekend (geen tarief)"
    text = money(cost.cents)
    if cost.unpriced:
        text += f" + {cost.unpriced} zonder tarief"
    return text


class QueueModel(SortedRowsModel):
    """Submitted proposals (:class:`Proposal` rows) with the client, the proposer, the cost per
    year and the decision deadline."""

    headers = (
        "Cliënt",
        "Besluit",
        "Voorgesteld door",
        "Kosten per jaar",
        "Ingediend",
        "Beschikking uiterlijk",
    )

    def __init__(self, proposals: list[Proposal], today, parent=None) -> None:
        super().__init__(proposals, parent)
        self.today = today

    def text(self, row, column: int) -> str:
        p: Proposal = row
        due = (
            f"{short_date(p.deadline.due)} ({days_left_text((p.deadline.due - self.today).days)})"
            if p.deadline
            else ""
        )
        return (
            p.client_name,
            OUTCOME_LABELS[p.decision.outcome],
            p.proposer_name,
            cost_text(p.cost),
            # a proposal cannot change once submitted: its last change is the submission
            short_date(p.decision.modified_at.astimezone().date()),
            due,
        )[column]

    def sort_key(self, row, column: int) -> object:
        p: Proposal = row
        return (
            p.client_name.lower(),
            OUTCOME_LABELS[p.decision.outcome],
            p.proposer_name.lower(),
            p.cost.cents,
            p.decision.modified_at.timestamp(),
            p.deadline.due.toordinal() if p.deadline else 10**9,
        )[column]

    def style(self, row, column: int, role: int) -> object:
        p: Proposal = row
        if column == 3 and role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if column == 3 and role == Qt.ItemDataRole.ToolTipRole:
            tip = "Over een heel jaar, tegen het tarief uit de catalogus"
            return tip + (" (demotarieven, geen contractwaarden)." if p.cost.demo else ".")
        return None


class ApprovalPanel(QWidget):
    """Approve or return proposals; only for team leads.

    Approving asks the regional server and renders the documents: it runs as a :class:`Task`
    (``self.task`` while it runs). The queue is read in the background too (``list_task``
    while it runs): when the panel is first shown and at :meth:`refresh`. The list is logged as a
    count; a proposal's file counts as read when its details are on the screen (selected while
    the panel is visible).

    Signals:
        decided(str): the case id of a proposal that was approved or returned.
        loaded(): the queue read last is shown.
    """

    decided = Signal(str)
    loaded = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._team = TeamService.of(ctx)
        self.task: Task | None = None
        self.preview_task: Task | None = None
        #: shows a file in the system's viewer (tests put their own)
        self.opener = system_opener
        #: the decision whose file was logged as read since the panel was last shown
        self._read_id: str | None = None
        self.table = list_table("approval_queue", self.tr("Voorstellen ter goedkeuring"))
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.model = QueueModel([], ctx.clock.today(), self)
        self.proxy = FooterProxy(self)
        self.proxy.setSourceModel(self.model)
        self.table.setModel(self.proxy)
        # oldest first, as the heading says (a header click sorts on another column)
        self.table.horizontalHeader().setSortIndicator(4, Qt.SortOrder.AscendingOrder)
        self.table.selectionModel().currentRowChanged.connect(lambda *_a: self._show())
        self.detail = QLabel()
        self.detail.setObjectName("proposal")
        self.detail.setWordWrap(True)
        self.detail.setTextFormat(Qt.TextFormat.RichText)
        self.provisions = QTableView()
        self.provisions.setObjectName("proposal_provisions")
        self.provisions.setAccessibleName(self.tr("Voorzieningen van het voorstel"))
        self.provisions.verticalHeader().hide()
        self.provisions.horizontalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.ResizeToContents
        )
        self.provisions.horizontalHeader().setStretchLastSection(True)
        self.approve_button = QPushButton(self.tr("Goed&keuren"))
        self.return_button = QPushButton(self.tr("&Terugsturen…"))
        self.approve_button.clicked.connect(self.approve)
        self.return_button.clicked.connect(self.send_back)
        self.verslag_button = QPushButton(self.tr("&Verslag openen"))
        self.verslag_button.clicked.connect(self.open_verslag)
        self.preview_button = QPushButton(self.tr("Voo&rbeeld beschikking"))
        self.preview_button.setToolTip(
            self.tr("De brief zoals hij na goedkeuren wordt, met CONCEPT als kenmerk")
        )
        self.preview_button.clicked.connect(lambda: self.preview())
        documents = QHBoxLayout()
        documents.addWidget(self.verslag_button)
        documents.addWidget(self.preview_button)
        documents.addStretch(1)
        right = QWidget()
        rl = QVBoxLayout(right)
        rl.addWidget(self.detail)
        rl.addWidget(self.provisions, 1)
        rl.addLayout(documents)
        self.busy = BusyBar()
        self.busy.setObjectName("approval_busy")
        self.list_busy = BusyBar()
        self.list_busy.setObjectName("approval_list_busy")
        self._loader = RowsLoader(
            self, self.tr("Voorstellen worden gelezen…"), self.list_busy, self.loaded
        )
        buttons = QHBoxLayout()
        buttons.addWidget(self.busy, 1)
        buttons.addWidget(self.return_button)
        buttons.addWidget(self.approve_button)
        rl.addLayout(buttons)
        self.feedback = feedback_label("approval_feedback")
        rl.addWidget(self.feedback)
        # the queue above, the proposal below: both get the full width at 1280 px
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.setChildrenCollapsible(False)
        splitter.addWidget(self.table)
        splitter.addWidget(right)
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 3)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(self.tr("Voorstellen die op goedkeuring wachten, oudste eerst.")))
        layout.addWidget(self.list_busy)
        layout.addWidget(splitter, 1)
        #: the queue was read and shown at least once
        self.has_read = False
        self._show()

    @property
    def list_task(self) -> Task | None:
        """The read of the queue that runs now, if any."""
        return self._loader.task

    def refresh(self) -> Task | None:
        """Read the queue again in the background (one query); when it is shown, the proposal
        selected stays selected while it waits."""
        return self._loader.load(self._team.approval_queue, self._fill)

    def _drop(self, decision_id: str) -> None:
        """Take a decided proposal off the list at once; the read that follows confirms it."""
        self._fill([p for p in self.model.rows if p.decision.id != decision_id])

    def _fill(self, proposals: list[Proposal]) -> None:
        self.has_read = True
        chosen = self.selected()
        self.model.today = self._ctx.clock.today()
        self.model.set_rows(proposals)
        header = self.table.horizontalHeader()
        self.proxy.sort(header.sortIndicatorSection(), header.sortIndicatorOrder())
        ids = [p.decision.id for p in proposals]
        if chosen is not None and chosen.id in ids:
            self.proxy.select_source_row(self.table, ids.index(chosen.id))
        elif proposals:
            self.table.selectRow(0)
        self._show()

    def selected_proposal(self) -> Proposal | None:
        row = self.proxy.row_of(self.table)
        return self.model.rows[row] if row is not None and row < len(self.model.rows) else None

    def selected(self) -> Decision | None:
        proposal = self.selected_proposal()
        return proposal.decision if proposal is not None else None

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if not self.has_read and self.list_task is None:
            # the first look: read now, not at the window's start (a tab never opened is not read)
            self.refresh()
        # the tab comes to the front: the proposal's details are on the screen now
        self._note_read()

    def hideEvent(self, event) -> None:
        super().hideEvent(event)
        if not self.isVisible():  # not merely a minimised window
            self._read_id = None

    def _note_read(self) -> None:
        """Log the shown proposal's file as read, once while it stays on the screen."""
        proposal = self.selected_proposal()
        if proposal is None or not self.isVisible() or proposal.decision.id == self._read_id:
            return
        self._read_id = proposal.decision.id
        self._team.proposal_shown(proposal)

    def _show(self) -> None:
        proposal = self.selected_proposal()
        d = proposal.decision if proposal is not None else None
        idle = self.task is None
        self.approve_button.setEnabled(d is not None and idle)
        self.return_button.setEnabled(d is not None and idle)
        self.verslag_button.setEnabled(d is not None)
        self.preview_button.setEnabled(d is not None and self.preview_task is None)
        if d is None:
            self.detail.setText(self.tr("Geen voorstellen om te beoordelen."))
            self.provisions.setModel(ProvisionsModel((), {}, self))
            return
        assert proposal is not None
        cost = cost_text(proposal.cost)
        if proposal.cost.demo:
            cost += self.tr(" (demotarieven)")
        self.detail.setText(
            f"<b>{OUTCOME_LABELS[d.outcome]}</b> · "
            + self.tr("voorgesteld door %s · kosten per jaar: %s")
            % (escape(proposal.proposer_name), escape(cost))
            + f"<br><b>Motivering:</b> {escape(d.motivation)}"
        )
        names = {p.code: p.name for p in self._ctx.catalogues.current().products}
        self.provisions.setModel(ProvisionsModel(d.provisions, names, self))
        self._note_read()

    def approve(self) -> Task | None:
        """Approve the selected proposal in the background; ``decided`` follows when it is final."""
        proposal = self.selected_proposal()
        if proposal is None or self.task is not None:
            return None
        d = proposal.decision
        # the queue stays usable meanwhile: the busy line says whose proposal it is
        client = proposal.client_name
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
            self._drop(final.id)
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
        proposal = self.selected_proposal()
        if proposal is None or self.task is not None:
            return
        d, client = proposal.decision, proposal.client_name
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
        self._drop(d.id)
        self.refresh()
        tell_done(self.feedback, self.tr("Teruggestuurd naar de consulent (%s).") % client)
        self.decided.emit(d.case_id)

    def open_verslag(self) -> None:
        """The case's verslag as the consultant made it (the newest stored version)."""
        d = self.selected()
        if d is None:
            return
        documents = self._ctx.documents
        ref = documents.latest(d.case_id, "verslag")
        if ref is None:
            QMessageBox.information(
                self,
                self.tr("Geen verslag"),
                self.tr(
                    "Voor dit dossier is nog geen verslag gemaakt. De consulent maakt het op "
                    "het tabblad Verslag van het dossier."
                ),
            )
            return
        open_document(
            self,
            documents,
            ref,
            self.opener,
            lambda r: save_document_as(self, documents, r),
        )

    def preview(self) -> Task | None:
        """Render the beschikking as approving would (kenmerk CONCEPT) in the background and
        show it; nothing is stored."""
        proposal = self.selected_proposal()
        if proposal is None or self.preview_task is not None:
            return None
        d, client = proposal.decision, proposal.client_name

        def done(path) -> None:
            self.preview_task = None
            self._show()
            if self.opener(path) is False:
                QMessageBox.warning(
                    self,
                    self.tr("Voorbeeld niet geopend"),
                    self.tr(
                        "Er is geen programma gevonden dat een PDF kan tonen. Het voorbeeld "
                        "staat tot het sluiten van wmo_desk in:\n%s"
                    )
                    % path,
                )

        def failed(error: UserError) -> None:
            self.preview_task = None
            self._show()
            QMessageBox.warning(self, error.title, error.message)

        self.preview_task = run_task(
            self,
            self.tr("Voorbeeld van de beschikking voor %s wordt gemaakt…") % client,
            lambda: self._team.preview_letter(self._ctx, d),
            done,
            failed,
            controls=(self.preview_button,),
            busy=self.busy,
        )
        self.preview_task.finished.connect(self._preview_ended)
        return self.preview_task

    def _preview_ended(self) -> None:
        if self.preview_task is not None and not self.preview_task.running:
            self.preview_task = None
            self._show()
