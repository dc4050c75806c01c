"""Mijn dossiers: search, filters and the caseload table; for team leads the team view."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from wmo_desk.domain.caseload import CaseloadFilter
from wmo_desk.domain.cases import Stage
from wmo_desk.domain.errors import UserError
from wmo_desk.domain.users import Role
from wmo_desk.ui.caseload_model import CaseloadModel

if TYPE_CHECKING:  # a start shows the caseload before the services are loaded (issue 14)
    from wmo_desk.services.context import AppContext
    from wmo_desk.services.first_screen import ScreenData

SEARCH_DELAY_MS = 250


class CaseloadPanel(QWidget):
    """Search, filters and the caseload table.

    Signals:
        changed(str): the case with this id changed here (a team lead reassigned it).
    """

    changed = Signal(str)

    def __init__(
        self,
        ctx: AppContext | None = None,
        parent: QWidget | None = None,
        *,
        data: ScreenData | None = None,
    ) -> None:
        """``ctx``: the services; or, while they load, ``data`` alone (then :meth:`attach`)."""
        super().__init__(parent)
        if data is None:
            assert ctx is not None
            data = ctx.screen_data()
        self._ctx = ctx
        self._data = data
        user = data.profile.user
        self.search = QLineEdit()
        self.search.setObjectName("search")
        self.search.setAccessibleName(self.tr("Zoeken in de dossiers"))
        self.search.setPlaceholderText(self.tr("Zoek op naam, BSN of postcode  (Ctrl+F)"))
        self.search.setClearButtonEnabled(True)
        self.scope = QComboBox()
        self.scope.setObjectName("scope")
        self.scope.setAccessibleName(self.tr("Welke dossiers"))
        self._consultants: list = []
        self.fill_scope()
        self.reassign_button: QPushButton | None = None
        if user.role is Role.TEAMLEIDER:
            self.scope.setCurrentIndex(1)
            self.reassign_button = QPushButton(self.tr("Toe&wijzen aan…"))
            self.reassign_button.clicked.connect(lambda: self.reassign())
            self.reassign_button.setEnabled(ctx is not None)
        self.stage = QComboBox()
        self.stage.setObjectName("stage_filter")
        self.stage.setAccessibleName(self.tr("Fase"))
        self.stage.addItem(self.tr("Alle fases"), None)
        for stage in Stage:
            if stage is not Stage.AFGESLOTEN:
                self.stage.addItem(stage.label, stage)
        self.stage.addItem(Stage.AFGESLOTEN.label, Stage.AFGESLOTEN)
        self.include_closed = QCheckBox(self.tr("Ook afgesloten"))
        self.count = QLabel()
        self.count.setObjectName("count")

        flt = CaseloadFilter(
            municipality_code=data.profile.municipality_code,
            consultant_id=self.scope.currentData(),
        )
        self.model = CaseloadModel(
            data.case_ids, data.summaries_for, data.today, flt, self, flagged=data.cases_in_conflict
        )
        self.table = QTableView()
        self.table.setObjectName("caseload")
        self.table.setAccessibleName(self.tr("Dossiers"))
        self.table.setModel(self.model)
        self.table.setSortingEnabled(True)
        self.table.horizontalHeader().setSortIndicator(4, Qt.SortOrder.AscendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(26)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        for col, width in enumerate((230, 105, 80, 250, 250, 120)):
            self.table.setColumnWidth(col, width)

        bar = QHBoxLayout()
        bar.addWidget(self.search, 3)
        bar.addWidget(self.scope, 1)
        bar.addWidget(self.stage, 1)
        bar.addWidget(self.include_closed)
        bar.addWidget(self.count)
        if self.reassign_button is not None:
            bar.addWidget(self.reassign_button)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.table)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SEARCH_DELAY_MS)
        self._timer.timeout.connect(lambda: self.apply_filter())
        self.search.textChanged.connect(lambda _t: self._typed())
        self.search.installEventFilter(self)
        # (lambdas: the signals' argument is not apply_filter's ``fresh``)
        self.scope.currentIndexChanged.connect(lambda _i: self.apply_filter())
        self.stage.currentIndexChanged.connect(lambda _i: self.apply_filter())
        self.include_closed.toggled.connect(lambda _on: self.apply_filter())
        self.model.modelReset.connect(self._update_count)
        self.model.reload()

    @property
    def attached(self) -> bool:
        """Whether the caseload is read through the services (not the first screen's reads)."""
        return self._ctx is not None

    def attach(self, ctx: AppContext) -> None:
        """The services are loaded: read the caseload through them from now on, with whatever
        was typed or chosen meanwhile (this read also goes into the access log)."""
        self._ctx = ctx
        self._data = data = ctx.screen_data()
        if self.reassign_button is not None:
            self.reassign_button.setEnabled(True)
        self.model.set_source(data.case_ids, data.summaries_for, flagged=data.cases_in_conflict)
        self.reload()

    def _typed(self) -> None:
        # what the search reads is loaded in the background while the search waits its delay
        self._data.prepare_search(self.model.filter)
        self._timer.start()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.search and event.type() == QEvent.Type.FocusIn:
            self._data.prepare_search(self.model.filter)  # typing is about to start
        return super().eventFilter(watched, event)

    def fill_scope(self) -> None:
        """Mijn dossiers, the municipality, and for team leads each consultant (the team view).

        Read again after a sync (new colleagues) or a sign-in (the user's id becomes the
        server's); the choice made stays."""
        user = self._data.profile.user
        current = self.scope.currentIndex()
        chosen = self.scope.currentData()
        self.scope.blockSignals(True)
        self.scope.clear()
        self.scope.addItem(self.tr("Mijn dossiers"), user.id)
        self.scope.addItem(self.tr("Alle dossiers van de gemeente"), None)
        if user.role is Role.TEAMLEIDER:
            # the team view: every consultant's cases, one consultant at a time, and reassigning
            self._consultants = [u for u in self._data.users() if u.role is not Role.TEAMLEIDER]
            for consultant in self._consultants:
                self.scope.addItem(self.tr("Dossiers van %s") % consultant.name, consultant.id)
        if current in (0, 1):
            self.scope.setCurrentIndex(current)
        elif current > 1:
            self.scope.setCurrentIndex(max(self.scope.findData(chosen), 0))
        self.scope.blockSignals(False)

    def reload(self) -> None:
        """Read the cases again (after a sync), keeping the selected case selected."""
        selected = self.selected_case_id()
        self.fill_scope()
        self.apply_filter(fresh=True)
        row = self.model.row_of(selected) if selected else None
        if row is not None:
            self.table.selectRow(row)

    def apply_filter(self, fresh: bool = False) -> None:
        """Show the cases the search text and filters select; ``fresh`` reads them again.

        A search typed before the services are loaded waits for them (:meth:`attach`)."""
        self._timer.stop()
        if self._ctx is None and self.search.text().strip():
            return
        self.model.set_filter(
            replace(
                self.model.filter,
                text=self.search.text(),
                consultant_id=self.scope.currentData(),
                stage=Stage(self.stage.currentData()) if self.stage.currentData() else None,
                include_closed=self.include_closed.isChecked(),
            ),
            fresh=fresh,
        )

    def _update_count(self) -> None:
        n = self.model.rowCount()
        self.count.setText(
            self.tr("1 dossier") if n == 1 else self.tr("%s dossiers") % f"{n:n}".replace(",", ".")
        )
        if n and not self.table.selectionModel().hasSelection():
            self.table.selectRow(0)

    def reassign(self, consultant_id: str | None = None) -> None:
        """Give the selected case to another consultant (team leads)."""
        case_id = self.selected_case_id()
        if case_id is None or self._ctx is None:
            return
        if consultant_id is None:
            names = [c.name for c in self._consultants]
            name, ok = QInputDialog.getItem(
                self, self.tr("Dossier toewijzen"), self.tr("Aan welke consulent?"), names, 0, False
            )
            if not ok:
                return
            consultant_id = self._consultants[names.index(name)].id
        try:
            self._ctx.cases.reassign(case_id, consultant_id)
        except UserError as exc:
            QMessageBox.warning(self, exc.title, exc.message)
            return
        self.model.reload()
        self.changed.emit(case_id)

    def selected_case_id(self) -> str | None:
        index = self.table.currentIndex()
        return self.model.summary(index.row()).case_id if index.isValid() else None
