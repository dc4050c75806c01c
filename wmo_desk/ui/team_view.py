"""Werkvoorraad team: per consultant the open cases, the terms passed and due this week, with a
bar per consultant; Enter shows that consultant's cases in Mijn dossiers."""

from __future__ import annotations

from PySide6.QtCore import QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QPainter
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMainWindow,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from wmo_desk.services.context import AppContext
from wmo_desk.services.team import ConsultantLoad, TeamService, Workload
from wmo_desk.ui.display import short_date, weekday_date
from wmo_desk.ui.table_model import (
    FooterProxy,
    RowsLoader,
    SortedRowsModel,
    closes_on_escape,
    list_table,
)
from wmo_desk.ui.tasks import BusyBar, Task

OVERDUE_COLOR = QColor("#c62828")
DUE_COLOR = QColor("#f9a825")
OPEN_COLOR = QColor("#90a4ae")
MAX_ROWS_SHOWN = 12
_OVERDUE_TEXT = QColor("#9b1c1c")


class WorkloadModel(SortedRowsModel):
    """One row per consultant and a total row."""

    headers = (
        "Consulent",
        "Open dossiers",
        "Termijn verstreken",
        "Termijn deze week",
        "Opgeschort",
    )

    def text(self, row, column: int) -> str:
        r: ConsultantLoad = row
        return (r.name, str(r.open), str(r.overdue), str(r.due_this_week), str(r.on_hold))[column]

    def sort_key(self, row, column: int) -> object:
        r: ConsultantLoad = row
        return (r.name.lower(), r.open, r.overdue, r.due_this_week, r.on_hold)[column]

    def style(self, row, column: int, role: int) -> object:
        r: ConsultantLoad = row
        if role == Qt.ItemDataRole.TextAlignmentRole and column > 0:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.FontRole and not r.user_id:
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.ForegroundRole and column == 2 and r.overdue:
            return _OVERDUE_TEXT
        return None


class WorkloadBars(QWidget):
    """Per consultant a bar of the open cases: terms passed (red), due this week (amber), the
    rest (grey), with the numbers beside it; the same figures as the table, at a glance."""

    ROW = 22

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("workload_bars")
        self._rows: tuple[ConsultantLoad, ...] = ()
        self.setMinimumHeight(self.ROW * 2)

    def set_rows(self, rows: tuple[ConsultantLoad, ...]) -> None:
        self._rows = rows
        self.setMinimumHeight(max(2, len(rows) + 1) * self.ROW + 8)
        self.updateGeometry()
        self.update()

    def sizeHint(self) -> QSize:
        return QSize(600, (len(self._rows) + 1) * self.ROW + 8)

    def paintEvent(self, _event) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        metrics = painter.fontMetrics()
        names = [r.name for r in self._rows]
        name_w = max((metrics.horizontalAdvance(n) for n in names), default=0) + 12
        figures_w = (
            metrics.horizontalAdvance(self.tr("999 open · 999 te laat · 999 deze week")) + 12
        )
        bar_w = max(40, self.width() - name_w - figures_w - 8)
        most = max((r.open for r in self._rows), default=0) or 1
        y = 4
        for r in self._rows:
            painter.setPen(self.palette().text().color())
            painter.drawText(
                QRectF(0, y, name_w - 8, self.ROW),
                Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                r.name,
            )
            x = float(name_w)
            rest = max(0, r.open - r.overdue - r.due_this_week)
            painter.setPen(Qt.PenStyle.NoPen)
            for n, color in (
                (r.overdue, OVERDUE_COLOR),
                (r.due_this_week, DUE_COLOR),
                (rest, OPEN_COLOR),
            ):
                w = bar_w * n / most
                painter.setBrush(color)
                painter.drawRect(QRectF(x, y + 4, w, self.ROW - 8))
                x += w
            painter.setPen(self.palette().text().color())
            painter.drawText(
                QRectF(name_w + bar_w + 8, y, figures_w, self.ROW),
                Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                self.tr("%d open · %d te laat · %d deze week")
                % (r.open, r.overdue, r.due_this_week),
            )
            y += self.ROW
        # the legend
        x = float(name_w)
        for text, color in (
            (self.tr("termijn verstreken"), OVERDUE_COLOR),
            (self.tr("termijn deze week"), DUE_COLOR),
            (self.tr("overig open"), OPEN_COLOR),
        ):
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(color)
            painter.drawRect(QRectF(x, y + 6, 12, 10))
            painter.setPen(self.palette().text().color())
            painter.drawText(QRectF(x + 16, y, 200, self.ROW), Qt.AlignmentFlag.AlignVCenter, text)
            x += 24 + metrics.horizontalAdvance(text)
        painter.end()


class WorkloadView(QWidget):
    """The team's workload; only for team leads. The figures are read in the background when
    the view opens and again at :meth:`refresh` (the window's Vernieuwen, after a sync).

    Signals:
        consultant_requested(str): show this consultant's cases (Enter or double-click).
        close_requested(): Esc was pressed.
        loaded(): the figures read last are shown.
    """

    consultant_requested = Signal(str)
    close_requested = Signal()
    loaded = Signal()

    title = "Werkvoorraad team"

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._team = TeamService.of(ctx)
        self.busy = BusyBar()
        self.busy.setObjectName("workload_busy")
        self._loader = RowsLoader(
            self, self.tr("Werkvoorraad van het team wordt gelezen…"), self.busy, self.loaded
        )
        self.heading = QLabel()
        self.heading.setObjectName("workload_heading")
        self.heading.setWordWrap(True)
        self.table = list_table("workload", self.tr("Werkvoorraad per consulent"))
        self.proxy = FooterProxy(self)
        self.proxy.footer = True
        self.model = WorkloadModel((), self)
        self.proxy.setSourceModel(self.model)
        self.table.setModel(self.proxy)
        self.table.horizontalHeader().setSortIndicator(0, Qt.SortOrder.AscendingOrder)
        header = self.table.horizontalHeader()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column, width in enumerate((260, 140, 170, 170, 130)):
            self.table.setColumnWidth(column, width)
        self.table.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        self.table.activated.connect(lambda _i: self.show_cases())
        self.show_button = QPushButton(self.tr("&Dossiers van deze consulent"))
        self.show_button.clicked.connect(self.show_cases)
        self.show_button.setEnabled(False)
        self.bars = WorkloadBars()
        note = QLabel(
            self.tr(
                "Alleen de wettelijke termijnen tellen mee: het onderzoek (6 weken na de melding) "
                "en de beschikking (2 weken na de aanvraag). Enter of dubbelklik toont de dossiers "
                "van de gekozen consulent in Mijn dossiers."
            )
        )
        note.setWordWrap(True)
        note.setObjectName("workload_note")
        buttons = QHBoxLayout()
        buttons.addWidget(note, 1)
        buttons.addWidget(self.show_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.busy)
        layout.addWidget(self.table)
        layout.addLayout(buttons)
        layout.addSpacing(8)
        layout.addWidget(self.bars)
        layout.addStretch(1)
        self._fit_rows(0)
        self.refresh()

    @property
    def task(self) -> Task | None:
        """The read that runs now, if any."""
        return self._loader.task

    def refresh(self) -> Task | None:
        """Read the figures of now in the background; they are shown when read."""
        return self._loader.load(self._team.workload, self._show)

    def _fit_rows(self, count: int) -> None:
        # as high as its rows (a team is a handful of people), up to a dozen; then it scrolls
        shown = max(1, min(count, MAX_ROWS_SHOWN))
        self.table.setFixedHeight(
            self.table.horizontalHeader().sizeHint().height()
            + shown * self.table.verticalHeader().defaultSectionSize()
            + 2 * self.table.frameWidth()
        )

    def _show(self, work: Workload) -> None:
        today = self._ctx.clock.today()
        self.heading.setText(
            self.tr("<b>Werkvoorraad van het team</b> op %s · deze week: t/m zondag %s")
            % (weekday_date(today), short_date(work.week_end))
        )
        chosen = self.selected()
        self.model.set_rows([*work.consultants, work.total])
        header = self.table.horizontalHeader()
        self.proxy.sort(header.sortIndicatorSection(), header.sortIndicatorOrder())
        self.bars.set_rows(work.consultants)
        self._fit_rows(len(self.model.rows))
        # the consultant chosen before stays chosen (else the first row)
        ids = [c.user_id for c in work.consultants]
        if chosen is not None and chosen.user_id in ids:
            self.proxy.select_source_row(self.table, ids.index(chosen.user_id))
        elif work.consultants:
            self.table.selectRow(0)
        self.show_button.setEnabled(bool(work.consultants))

    def keyPressEvent(self, event) -> None:
        if not closes_on_escape(event, self.close_requested.emit):
            super().keyPressEvent(event)

    def selected(self) -> ConsultantLoad | None:
        row = self.proxy.row_of(self.table)
        if row is None or row >= len(self.model.rows):
            return None
        load = self.model.rows[row]
        return load if load.user_id else None

    def show_cases(self) -> None:
        row = self.selected()
        if row is not None:
            self.consultant_requested.emit(row.user_id)


def open_team_tab(window: QMainWindow, ctx: AppContext, kind: type[QWidget]) -> QWidget:
    """Show the team view ``kind`` in a tab of the main window (the one already open, or a
    new one), wired to the window: open a case, show a consultant's cases, close on Esc."""
    tabs = window.tabs  # type: ignore[attr-defined]
    for i in range(tabs.count()):
        if isinstance(tabs.widget(i), kind):
            tabs.setCurrentIndex(i)
            return tabs.widget(i)
    view = kind(ctx)
    if hasattr(view, "case_requested"):
        view.case_requested.connect(window.open_case)  # type: ignore[attr-defined]
    if hasattr(view, "consultant_requested"):

        def show_consultant(user_id: str) -> None:
            caseload = window.caseload  # type: ignore[attr-defined]
            caseload.fill_scope()
            caseload.scope.setCurrentIndex(max(0, caseload.scope.findData(user_id)))
            tabs.setCurrentIndex(0)
            caseload.table.setFocus()

        view.consultant_requested.connect(show_consultant)
    view.close_requested.connect(  # type: ignore[attr-defined]
        lambda: window.close_tab(tabs.indexOf(view))  # type: ignore[attr-defined]
    )
    tabs.addTab(view, view.tr(view.title))  # type: ignore[attr-defined]
    tabs.setCurrentWidget(view)
    view.table.setFocus()  # type: ignore[attr-defined]
    return view
