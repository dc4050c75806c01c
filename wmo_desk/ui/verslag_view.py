"""The Verslag tab: make the PDF of the onderzoek, and record the day the client signed it."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from wmo_desk.domain.deadlines import DeadlineKind, term_end
from wmo_desk.domain.documents import DocumentRef
from wmo_desk.domain.errors import UserError
from wmo_desk.services.context import AppContext
from wmo_desk.ui.confirm import confirm, tell_done
from wmo_desk.ui.display import long_date, weekday_date
from wmo_desk.ui.document_actions import open_document, save_document_as, system_opener
from wmo_desk.ui.document_print import print_document
from wmo_desk.ui.fields import date_edit, date_value
from wmo_desk.ui.tasks import BusyBar, Task, run_task


class VerslagPanel(QWidget):
    """Render the verslag; the signature date is the aanvraag and starts the 2-week decision term.

    Rendering runs as a :class:`Task` (``self.task`` while it runs).

    Signals:
        changed(): the case moved on (signed) or a new PDF was made.
    """

    changed = Signal()

    def __init__(
        self, ctx: AppContext, case_id: str, parent: QWidget | None = None, opener=None
    ) -> None:
        super().__init__(parent)
        self._ctx = ctx
        # how a made PDF is shown: the system's PDF viewer, or what a test passes in
        self._open = opener or system_opener
        self.case_id = case_id
        self.task: Task | None = None
        # the verslag lives in the database; the viewer gets a temporary copy
        self.document: DocumentRef | None = None
        self.last_pdf: Path | None = None
        self.status = QLabel()
        self.status.setObjectName("verslag_status")
        self.status.setWordWrap(True)
        self.make_button = QPushButton(self.tr("Verslag &maken en openen (PDF)"))
        self.make_button.clicked.connect(self.make)
        self.open_button = QPushButton(self.tr("Laatste verslag o&penen"))
        self.open_button.setAccessibleName(self.tr("Laatst gemaakte verslag openen"))
        self.open_button.clicked.connect(self.open_last)
        self.save_as_button = QPushButton(self.tr("Op&slaan als…"))
        self.save_as_button.setAccessibleName(self.tr("Verslag opslaan als bestand"))
        self.save_as_button.clicked.connect(lambda: self.save_as())
        self.print_button = QPushButton(self.tr("A&fdrukken…"))
        self.print_button.setAccessibleName(self.tr("Laatst gemaakte verslag afdrukken"))
        self.print_button.clicked.connect(lambda: self.print_document())
        self.busy = BusyBar()
        self.busy.setObjectName("verslag_busy")
        self.feedback = QLabel()
        self.feedback.setObjectName("verslag_feedback")
        self.feedback.setWordWrap(True)
        self.signed_on = date_edit(ctx.clock.today(), allow_blank=False)
        self.signed_on.setMaximumDate(self.signed_on.date())
        self.sign_button = QPushButton(self.tr("Ondertekening &vastleggen"))
        self.sign_button.clicked.connect(self.record_signed)
        make_box = QGroupBox(self.tr("Verslag van het onderzoek"))
        ml = QVBoxLayout(make_box)
        ml.addWidget(
            QLabel(
                self.tr(
                    "Het verslag bevat het gesprek, de ZRM en de afgesproken resultaten. De cliënt krijgt het "
                    "verslag; onbeantwoorde, niet-verplichte vragen worden weggelaten."
                ),
                wordWrap=True,
            )
        )
        row = QHBoxLayout()
        row.addWidget(self.make_button)
        row.addWidget(self.open_button)
        row.addWidget(self.save_as_button)
        row.addWidget(self.print_button)
        row.addStretch(1)
        ml.addLayout(row)
        ml.addWidget(self.busy)
        ml.addWidget(self.feedback)
        sign_box = QGroupBox(self.tr("Ondertekend verslag = aanvraag"))
        sl = QFormLayout(sign_box)
        sl.addRow(
            QLabel(
                self.tr(
                    "De datum waarop de cliënt het verslag ondertekende, geldt als de aanvraag. "
                    "Daarna moet binnen 2 weken een beschikking volgen."
                ),
                wordWrap=True,
            )
        )
        sl.addRow(self.tr("&Ondertekend op"), self.signed_on)
        sign_row = QHBoxLayout()  # the button keeps its size on a wide screen
        sign_row.addWidget(self.sign_button)
        sign_row.addStretch(1)
        sl.addRow("", sign_row)
        self.sign_feedback = QLabel()
        self.sign_feedback.setObjectName("sign_feedback")
        self.sign_feedback.setWordWrap(True)
        sl.addRow(self.sign_feedback)
        layout = QVBoxLayout(self)
        layout.addWidget(self.status)
        layout.addWidget(make_box)
        layout.addWidget(sign_box)
        layout.addStretch(1)
        self.refresh()

    def refresh(self) -> None:
        self.document = self._ctx.documents.latest(self.case_id, "verslag")
        self.open_button.setEnabled(self.document is not None)
        self.save_as_button.setEnabled(self.document is not None)
        self.print_button.setEnabled(self.document is not None)
        found = self._ctx.conversation.for_case(self.case_id)
        if found is None:
            self.status.setText(self.tr("Er is nog geen gesprek gevoerd."))
            self.make_button.setEnabled(False)
            self.sign_button.setEnabled(False)
            return
        conversation, _form = found
        self.make_button.setEnabled(self.task is None)
        if conversation.verslag_signed_on:
            self.status.setText(
                self.tr("Verslag ondertekend op %s (aanvraag).")
                % long_date(conversation.verslag_signed_on)
            )
            self.sign_button.setEnabled(False)
        elif conversation.completed:
            self.status.setText(
                self.tr("Het gesprek is afgerond. Maak het verslag en leg de ondertekening vast.")
            )
            self.sign_button.setEnabled(True)
        else:
            self.status.setText(
                self.tr("Het gesprek is nog niet afgerond; een conceptverslag kan al wel.")
            )
            self.sign_button.setEnabled(False)

    def make(self) -> Task | None:
        """Render and store the verslag in the background, then open it."""
        if self.task is not None:
            return None
        self.feedback.clear()
        self.task = run_task(
            self,
            self.tr("Verslag wordt gemaakt…"),
            lambda: self._ctx.verslag.render(self.case_id),
            self._made,
            controls=(self.make_button,),
            busy=self.busy,
        )
        self.task.finished.connect(self._task_ended)
        return self.task

    def _made(self, document: DocumentRef) -> None:
        self.task = None
        self.document = document
        self.open_button.setEnabled(True)
        self.save_as_button.setEnabled(True)
        self.print_button.setEnabled(True)
        self.feedback.setText(self.tr("Verslag gemaakt en bewaard in wmo_desk."))
        self.open_last()
        self.changed.emit()

    def _task_ended(self) -> None:
        # after a refusal or a bug as well as after _made
        self.task = None

    def open_last(self) -> None:
        """Show the newest verslag in the system's PDF viewer (a temporary copy)."""
        if self.document is not None:
            self.last_pdf = open_document(
                self, self._ctx.documents, self.document, self._open, self.save_as
            )

    def save_as(self, document: DocumentRef | None = None) -> Path | None:
        """Save a copy of the verslag where the user chooses (it then leaves wmo_desk's care)."""
        document = document or self.document
        if document is None:
            return None
        saved = save_document_as(self, self._ctx.documents, document)
        if saved is not None:
            self.feedback.setText(self.tr("Opgeslagen als %s") % saved)
        return saved

    def print_document(self, ask=None) -> int:
        """Print the newest verslag (``ask(printer)`` stands in for the print dialog in tests)."""
        if self.document is None:
            return 0
        pages = print_document(self, self._ctx.documents, self.document, ask=ask)
        if pages:
            self.feedback.setText(self.tr("Verslag afgedrukt (%d blz.).") % pages)
        return pages

    def record_signed(self) -> None:
        """Record the signature date as the aanvraag, after the user confirms the term it starts."""
        found = self._ctx.conversation.for_case(self.case_id)
        signed_on = date_value(self.signed_on)
        if found is None or signed_on is None:
            return
        # the same count as the verslag's "Beschikking uiterlijk" line (services/verslag.py)
        due = term_end(signed_on, timedelta(weeks=2))
        if not confirm(
            self,
            self.tr("Ondertekening vastleggen"),
            self.tr("De cliënt heeft het verslag ondertekend op %s. Dit geldt als de aanvraag.")
            % long_date(signed_on),
            self.tr("Ondertekening vastleggen"),
            self.tr(
                "Daarmee begint de beslistermijn van 2 weken. De beschikking moet dan uiterlijk "
                "%s zijn gegeven."
            )
            % weekday_date(due),
        ):
            return
        try:
            self._ctx.conversation.record_signed(self.case_id, found[0].id, signed_on)
        except UserError as exc:
            QMessageBox.warning(self, exc.title, exc.message)
            return
        # the term as the case now runs it (a hold may have moved it)
        running = next(
            (
                d
                for d in self._ctx.cases.view(self.case_id).deadlines
                if d.kind is DeadlineKind.BESLISSING
            ),
            None,
        )
        tell_done(
            self.sign_feedback,
            self.tr("Ondertekening vastgelegd op %s; beschikking uiterlijk %s.")
            % (long_date(signed_on), weekday_date(running.due if running else due)),
        )
        self.refresh()
        self.changed.emit()
