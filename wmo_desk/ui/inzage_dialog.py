"""The inzage dialog (AVG art. 15): fetch who looked at a client's file, preview it, save PDF/CSV."""

from __future__ import annotations

from html import escape
from pathlib import Path
from typing import TYPE_CHECKING

import shiboken6
from PySide6.QtCore import QStandardPaths, Qt, QThread, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from wmo_desk.domain.errors import UserError
from wmo_desk.services.context import AppContext
from wmo_desk.services.inzage import InzageReport, when_text
from wmo_desk.ui.table_model import RowsModel
from wmo_desk.ui.tasks import run_and_wait

if TYPE_CHECKING:
    from wmo_desk.documents.inzage import InzageRow

_FILTERS = {"pdf": "PDF-document (*.pdf)", "csv": "CSV-bestand voor Excel (*.csv)"}


class InzageRowsModel(RowsModel):
    """The lines of the report: when, who, what."""

    headers = ("Wanneer", "Wie", "Wat")

    def text(self, row: InzageRow, column: int) -> str:
        who = f"{row.who} ({row.role})" if row.role else row.who
        what = f"{row.what} ({row.detail})" if row.detail else row.what
        return (when_text(row), who, what)[column]


class ReportThread(QThread):
    """Fetches and renders the report off the GUI thread; the outcome is read after ``finished``."""

    def __init__(self, ctx: AppContext, client_id: str, case_id: str | None) -> None:
        super().__init__()
        self._ctx = ctx
        self._client_id = client_id
        self._case_id = case_id
        self.report: InzageReport | None = None
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            self.report = self._ctx.inzage.report(self._client_id, self._case_id)
        except Exception as exc:  # handed to the GUI thread, which shows or re-raises it
            self.error = exc


class InzageDialog(QDialog):
    """Shows the inzage report of one client and saves it as PDF or CSV.

    Signals:
        loaded(): the report arrived (or the server's refusal is shown).
        saved(str): the report was saved to this path.
    """

    loaded = Signal()
    saved = Signal(str)

    def __init__(
        self, ctx: AppContext, client_id: str, case_id: str | None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self.report: InzageReport | None = None
        self.setWindowTitle(self.tr("Inzageoverzicht (AVG art. 15)"))
        self.setObjectName("inzage_dialog")
        intro = QLabel(
            self.tr(
                "Wie het dossier van deze cliënt heeft ingezien of gewijzigd, en wanneer: uit het "
                "toegangslog (NEN 7513) van de hele gemeente op de regionale server. Het overzicht "
                "is voor de cliënt; het maken en het opslaan ervan worden ook vastgelegd."
            )
        )
        intro.setWordWrap(True)
        self.status = QLabel(self.tr("Het toegangslog wordt opgehaald bij de server…"))
        self.status.setObjectName("inzage_status")
        self.status.setWordWrap(True)
        self.status.setTextFormat(Qt.TextFormat.RichText)
        self.model = InzageRowsModel(())
        self.table = QTableView()
        self.table.setObjectName("inzage_table")
        self.table.setAccessibleName(self.tr("Regels van het inzageoverzicht"))
        self.table.setModel(self.model)
        self.table.verticalHeader().hide()
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QTableView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.pdf_button = QPushButton(self.tr("&PDF opslaan…"))
        self.pdf_button.setObjectName("inzage_pdf")
        self.pdf_button.setAccessibleName(self.tr("Inzageoverzicht opslaan als PDF"))
        self.pdf_button.clicked.connect(lambda: self.save("pdf"))
        self.csv_button = QPushButton(self.tr("&CSV opslaan…"))
        self.csv_button.setObjectName("inzage_csv")
        self.csv_button.setAccessibleName(self.tr("Inzageoverzicht opslaan als CSV voor Excel"))
        self.csv_button.clicked.connect(lambda: self.save("csv"))
        for button in (self.pdf_button, self.csv_button):
            button.setEnabled(False)
        self.feedback = QLabel()
        self.feedback.setObjectName("inzage_feedback")
        self.feedback.setWordWrap(True)
        self.feedback.setTextFormat(Qt.TextFormat.RichText)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.button(QDialogButtonBox.StandardButton.Close).setText(self.tr("Sl&uiten"))
        close.rejected.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addWidget(self.pdf_button)
        buttons.addWidget(self.csv_button)
        buttons.addStretch(1)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.status)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.feedback)
        layout.addLayout(buttons)
        self.resize(760, 460)
        #: the fetch under way (None once the report or the refusal is shown)
        self.pending: ReportThread | None = ReportThread(ctx, client_id, case_id)
        self.pending.finished.connect(self._arrived)
        self.pending.start()

    def _arrived(self) -> None:
        thread, self.pending = self.pending, None
        assert thread is not None
        if thread.error is not None:
            if not isinstance(thread.error, UserError):
                raise thread.error
            error = thread.error
            self.status.setText(f"<b>{escape(error.title)}</b><br>{escape(error.message)}")
            self.table.hide()
            self.loaded.emit()
            return
        report = thread.report
        assert report is not None
        self.report = report
        self.model = InzageRowsModel(report.data.rows)
        self.table.setModel(self.model)
        if report.count:
            lines = self.tr("1 regel") if report.count == 1 else self.tr("%d regels") % report.count
            self.status.setText(
                escape(self.tr("%s in het toegangslog over %s.") % (lines, report.data.client_name))
            )
            self.table.scrollToBottom()
        else:
            self.status.setText(escape(self.tr("Het toegangslog heeft niets over deze cliënt.")))
        for button in (self.pdf_button, self.csv_button):
            button.setEnabled(True)
        self.loaded.emit()

    def save(self, kind: str) -> Path | None:
        """Ask where, then write the PDF or CSV there; None when cancelled or failed."""
        if self.report is None:
            return None
        folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
        name = self._ctx.inzage.default_filename(kind)
        chosen, _filter = QFileDialog.getSaveFileName(
            self,
            self.tr("Inzageoverzicht opslaan als %s") % kind.upper(),
            str(Path(folder) / name) if folder else name,
            _FILTERS[kind],
        )
        if not chosen:
            return None
        target = Path(chosen)
        if not target.suffix:
            target = target.with_suffix(f".{kind}")
        report = self.report
        self.feedback.setText(escape(self.tr("Bezig met opslaan…")))
        try:
            path = run_and_wait(
                self,
                self.tr("Inzageoverzicht wordt opgeslagen…"),
                lambda: self._ctx.inzage.save(report, kind, target),
                controls=(self.pdf_button, self.csv_button),
            )
        except UserError as exc:
            self.feedback.setText(f"<b>{escape(exc.title)}</b>: {escape(exc.message)}")
            return None
        if path is None or not shiboken6.isValid(self):  # a bug (already shown), or closed
            if shiboken6.isValid(self):
                self.feedback.clear()
            return None
        self.feedback.setText(escape(self.tr("Opgeslagen als %s") % path))
        self.saved.emit(str(path))
        return path

    def done(self, result: int) -> None:
        # the fetch cannot be interrupted; closing waits for it so the thread is never orphaned
        if self.pending is not None:
            self.pending.wait()
        super().done(result)
