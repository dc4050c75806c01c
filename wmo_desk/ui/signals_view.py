"""Mijn signalen: the signals this consultant reported to the meldpunt, with their status."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from wmo_desk.domain.signals import Signal
from wmo_desk.services.context import AppContext
from wmo_desk.ui.display import long_date, short_date
from wmo_desk.ui.table_model import RowsModel


class SignalsModel(RowsModel):
    """One's own signals, newest first."""

    headers = ("Gemeld op", "Aanbieder", "Soort", "Status", "Cliënt")

    def text(self, s: Signal, column: int) -> str:
        status = s.status_text
        if s.status_at is not None and not s.refused:
            status += f" (sinds {short_date(s.status_at.astimezone().date())})"
        client = "Gekoppeld, met toestemming" if s.client_id else "Geen"
        return (
            short_date(s.created_at.astimezone().date()),
            s.provider_name,
            s.kind.label,
            status,
            client,
        )[column]


class SignalsDialog(QDialog):
    """The list of one's signals; the selected one is shown in full below (a read is logged
    when it names a client)."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self.setWindowTitle(self.tr("Mijn signalen aan het meldpunt"))
        intro = QLabel(
            self.tr(
                "De status komt van het Regionaal Meldpunt en wordt bij elke synchronisatie "
                "bijgewerkt. Een signaal dat nog niet is verzonden, gaat mee met de volgende "
                "synchronisatie."
            )
        )
        intro.setWordWrap(True)
        self.model = SignalsModel(ctx.signals.mine(), self)
        self.table = QTableView()
        self.table.setObjectName("signals_table")
        self.table.setAccessibleName(self.tr("Mijn signalen"))
        self.table.setModel(self.model)
        self.table.verticalHeader().hide()
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QTableView.EditTrigger.NoEditTriggers)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.empty = QLabel(self.tr("U heeft nog geen signalen gemeld."))
        self.empty.setObjectName("signals_empty")
        self.empty.setVisible(not self.model.rows)
        self.detail = QLabel()
        self.detail.setObjectName("signal_detail")
        self.detail.setAccessibleName(self.tr("Het gekozen signaal"))
        self.detail.setWordWrap(True)
        self.detail.setTextFormat(Qt.TextFormat.PlainText)
        self.detail.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.detail.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.detail.setMinimumHeight(90)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText(self.tr("Sluiten"))
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.empty)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.detail)
        layout.addWidget(buttons)
        self.table.selectionModel().currentRowChanged.connect(
            lambda current, _: self._show(current.row())
        )
        self.resize(820, 460)

    def _show(self, row: int) -> None:
        if not 0 <= row < len(self.model.rows):
            self.detail.clear()
            return
        signal = self._ctx.signals.view(self.model.rows[row].id)
        lines = [
            f"{signal.kind.label} · {signal.provider_name} · gebeurd op {long_date(signal.occurred_on)}",
            f"Status: {signal.status_text}",
        ]
        if signal.refused:
            lines.append(f"Reden: {signal.refused}")
        if signal.consent_on:
            lines.append(f"Cliënt gekoppeld met toestemming van {long_date(signal.consent_on)}.")
        lines += ["", signal.what_happened]
        self.detail.setText("\n".join(lines))
