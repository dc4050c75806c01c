"""Herindicaties: the provisions that end within the chosen months, soonest first; Enter opens
the case, so the consultant can start the re-assessment before the end date. A provision whose
re-assessment already runs in a newer case says so, and can be hidden."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from wmo_desk.domain.decisions import DeliveryForm
from wmo_desk.services.context import AppContext
from wmo_desk.services.team import DEFAULT_MONTHS, HORIZONS, EndingProvision, TeamService
from wmo_desk.ui.display import count, days_left_text, short_date
from wmo_desk.ui.table_model import (
    FooterProxy,
    RowsLoader,
    SortedRowsModel,
    closes_on_escape,
    list_table,
)
from wmo_desk.ui.tasks import BusyBar, Task

#: ending within this many days: shown amber (a re-assessment takes weeks)
SOON_DAYS = 28
_SOON = QColor("#fff1c2")


def months_text(months: int) -> str:
    return "1 maand" if months == 1 else f"{months} maanden"


class HerindicatieModel(SortedRowsModel):
    """Provisions ending soon: client, product, end date, days left, consultant."""

    headers = ("Cliënt", "Product", "Leveringsvorm", "Einddatum", "Resterend", "Consulent")

    def __init__(self, rows, today, parent=None) -> None:
        super().__init__(rows, parent)
        self.today = today

    def text(self, row, column: int) -> str:
        p: EndingProvision = row
        form = "Pgb" if p.delivery_form is DeliveryForm.PGB else "Zorg in natura"
        left = days_left_text((p.end - self.today).days)
        return (
            p.client_sort_name,
            f"{p.product_name} ({p.product_code})",
            form,
            short_date(p.end),
            f"{left}; {p.renewal_text}" if p.renewal_text else left,
            p.consultant_name,
        )[column]

    def sort_key(self, row, column: int) -> object:
        p: EndingProvision = row
        if column in (3, 4):
            return p.end.toordinal()
        return self.text(row, column).lower()

    def style(self, row, column: int, role: int) -> object:
        p: EndingProvision = row
        if (
            role == Qt.ItemDataRole.BackgroundRole
            and column in (3, 4)
            and (p.end - self.today).days <= SOON_DAYS
            and p.renewal_melding is None  # already being re-assessed: no call to act
        ):
            return _SOON
        return None


class HerindicatieView(QWidget):
    """Provisions that end within 1, 3 or 6 months (for a team lead: the whole municipality;
    for a consultant: the own cases). The list is read in the background when the view opens,
    when another period is chosen and at :meth:`refresh` (the window's Vernieuwen, after a sync).

    Signals:
        case_requested(str): open this case (Enter, double-click or the button).
        close_requested(): Esc was pressed.
        loaded(): the list read last is shown.
    """

    case_requested = Signal(str)
    close_requested = Signal()
    loaded = Signal()

    title = "Herindicaties"

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._team = TeamService.of(ctx)
        self.busy = BusyBar()
        self.busy.setObjectName("herindicatie_busy")
        self._loader = RowsLoader(
            self, self.tr("Aflopende voorzieningen worden gelezen…"), self.busy, self.loaded
        )
        self.horizon = QComboBox()
        self.horizon.setObjectName("horizon")
        self.horizon.setAccessibleName(self.tr("Periode"))
        for months in HORIZONS:
            self.horizon.addItem(self.tr("de komende %s") % months_text(months), months)
        self.horizon.setCurrentIndex(self.horizon.findData(DEFAULT_MONTHS))
        label = QLabel(self.tr("Voorzieningen die aflopen in &periode:"))
        label.setBuddy(self.horizon)
        self.count = QLabel()
        self.count.setObjectName("herindicatie_count")
        self.open_button = QPushButton(self.tr("Dossier &openen"))
        self.open_button.clicked.connect(self.open_selected)
        self.open_button.setEnabled(False)
        self.hide_running = QCheckBox(self.tr("Lopende herindicaties &verbergen"))
        self.hide_running.setObjectName("hide_running")
        self.hide_running.setToolTip(
            self.tr("Verberg voorzieningen waarvoor al een nieuwe melding van de cliënt loopt.")
        )
        self.hide_running.toggled.connect(lambda _on: self._filter())
        self._rows: list[EndingProvision] = []
        self._months = DEFAULT_MONTHS
        bar = QHBoxLayout()
        bar.addWidget(label)
        bar.addWidget(self.horizon)
        bar.addWidget(self.hide_running)
        bar.addWidget(self.count, 1)
        bar.addWidget(self.open_button)

        self.table = list_table("herindicaties", self.tr("Aflopende voorzieningen"))
        self.proxy = FooterProxy(self)
        self.model = HerindicatieModel((), ctx.clock.today(), self)
        self.proxy.setSourceModel(self.model)
        self.table.setModel(self.proxy)
        self.table.horizontalHeader().setSortIndicator(3, Qt.SortOrder.AscendingOrder)
        for column, width in enumerate((230, 330, 130, 110, 120)):
            self.table.setColumnWidth(column, width)
        self.table.activated.connect(lambda _i: self.open_selected())
        self.empty = QLabel()
        self.empty.setObjectName("herindicatie_empty")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setWordWrap(True)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.table)
        self.stack.addWidget(self.empty)
        scope = (
            self.tr("alle dossiers van de gemeente")
            if self._team.is_team_lead
            else self.tr("uw eigen dossiers")
        )
        note = QLabel(
            self.tr(
                "Voorzieningen uit definitieve besluiten in %s, met de einddatum van de laatste "
                "toewijzing. Plan de herindicatie ruim voor de einddatum; Enter opent het dossier."
            )
            % scope
        )
        note.setWordWrap(True)
        note.setObjectName("herindicatie_note")
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.busy)
        layout.addWidget(self.stack, 1)
        layout.addWidget(note)
        self.horizon.currentIndexChanged.connect(lambda _i: self.refresh())
        self.refresh()

    def months(self) -> int:
        return int(self.horizon.currentData())

    @property
    def task(self) -> Task | None:
        """The read that runs now, if any."""
        return self._loader.task

    def refresh(self) -> Task | None:
        """Read the list for the chosen period in the background; it is shown when read."""
        months = self.months()
        return self._loader.load(
            lambda: (months, self._team.herindicaties(months)), lambda r: self._show(*r)
        )

    def _show(self, months: int, rows: list[EndingProvision]) -> None:
        self._rows, self._months = rows, months
        self._filter()

    def _filter(self) -> None:
        """Show the rows read last, without those already re-assessed when asked (no new read)."""
        months, every = self._months, self._rows
        hide = self.hide_running.isChecked()
        rows = [r for r in every if not (hide and r.renewal_melding is not None)]
        chosen = self.selected()
        self.model.today = self._ctx.clock.today()
        self.model.set_rows(rows)
        header = self.table.horizontalHeader()
        self.proxy.sort(header.sortIndicatorSection(), header.sortIndicatorOrder())
        shown = count(len(rows), self.tr("voorziening"), self.tr("voorzieningen"))
        hidden = len(every) - len(rows)
        if hidden:
            shown += self.tr(" (%s met een lopende herindicatie verborgen)") % hidden
        self.count.setText(shown)
        # "herindicatie loopt (melding …)" is read whole, not cut off
        resterend = 4
        if any(r.renewal_melding is not None for r in rows):
            self.table.resizeColumnToContents(resterend)
        else:
            self.table.setColumnWidth(resterend, 120)
        self.empty.setText(self.tr("Geen herindicaties in de komende %s.") % months_text(months))
        self.stack.setCurrentWidget(self.table if rows else self.empty)
        self.open_button.setEnabled(bool(rows))
        # the provision chosen before stays chosen (else the first row)
        ids = [r.provision_id for r in rows]
        if chosen is not None and chosen.provision_id in ids:
            self.proxy.select_source_row(self.table, ids.index(chosen.provision_id))
        elif rows:
            self.table.selectRow(0)

    def keyPressEvent(self, event) -> None:
        if not closes_on_escape(event, self.close_requested.emit):
            super().keyPressEvent(event)

    def selected(self) -> EndingProvision | None:
        row = self.proxy.row_of(self.table)
        return self.model.rows[row] if row is not None and row < len(self.model.rows) else None

    def open_selected(self) -> None:
        row = self.selected()
        if row is not None:
            self.case_requested.emit(row.case_id)
