"""The Aanbieders tab: contracted providers for a care form, nearest first, a map, and the choice."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from wmo_desk.catalogue.geodata import pc4_areas
from wmo_desk.domain.errors import FieldErrors
from wmo_desk.domain.ranking import Suggestion, specialisms
from wmo_desk.paths import resources_dir
from wmo_desk.services.context import AppContext
from wmo_desk.services.suggestions import Suggestions
from wmo_desk.ui.fields import ErrorRows
from wmo_desk.ui.provider_map import ProviderMap
from wmo_desk.ui.table_model import RowsModel

#: first widths of #, Afstand, Aanbieder, Locatie, Telefoon, E-mail, Website; Specialismen stretches
COLUMN_WIDTHS = (32, 64, 160, 140, 100, 205, 170)


def _combo() -> QComboBox:
    """A combo box whose long items do not widen the window (the popup shows them whole)."""
    combo = QComboBox()
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    combo.setMinimumContentsLength(14)
    return combo


def km_text(km: float) -> str:
    return f"{km:.1f}".replace(".", ",") + " km"


class SuggestionsModel(RowsModel):
    """Ranked provider locations; the BW capacity column only for BW consultants."""

    def __init__(self, result: Suggestions | None = None, parent=None) -> None:
        super().__init__(result.ranked if result else [], parent)
        columns = [
            "#",
            "Afstand",
            "Aanbieder",
            "Locatie",
            "Telefoon",
            "E-mail",
            "Website",
            "Specialismen",
        ]
        if result and result.show_bw_capacity:
            columns.append("BW-plaatsen (bezet/max)")
        self.headers = tuple(columns)

    def text(self, s: Suggestion, column: int) -> str:
        loc, p = s.location, s.provider
        values = [
            str(s.rank),
            km_text(s.distance_km),
            p.name + ("" if p.accepting_new_clients else " (wachtlijst)"),
            f"{loc.street} {loc.house_number}, {loc.place}",
            p.phone,
            p.email,
            p.website,
            ", ".join(p.specialisms),
        ]
        if len(self.headers) > len(values):
            values.append(f"{loc.bw_clients}/{loc.bw_places}" if loc.bw_places is not None else "—")
        return values[column]

    def style(self, s: Suggestion, column: int, role: int):
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (0, 1):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ToolTipRole and column in (2, 3, 6, 7):
            return self.text(s, column)  # the whole text of a cell that may be elided
        return None


class SuggestionsPanel(QWidget):
    """Choose a care form and filters; the list and the map select together; record the choice.

    Signals:
        chosen(): a choice was recorded.
    """

    chosen = Signal()

    def __init__(self, ctx: AppContext, case_id: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self.case_id = case_id
        self._catalogue = catalogue = ctx.catalogues.current()
        self.result: Suggestions | None = None
        self.care_form = _combo()
        self.care_form.setAccessibleName(self.tr("Zorgvorm"))
        for c in catalogue.care_forms:
            self.care_form.addItem(c.name, c.code)
        self.product = _combo()
        self.product.setAccessibleName(self.tr("Product"))
        self.specialism = _combo()
        self.specialism.setAccessibleName(self.tr("Doelgroep"))
        self.specialism.addItem(self.tr("Alle doelgroepen"), "")
        for s in specialisms(catalogue):
            self.specialism.addItem(s, s)
        self.accepting = QCheckBox(self.tr("Alleen aanbieders die nieuwe cliënten aannemen"))
        self.warning = QLabel()
        self.warning.setObjectName("home_warning")
        self.warning.setWordWrap(True)
        self.warning.setStyleSheet("color: #8a5300;")
        self.area = QLabel()
        self.area.setObjectName("area_provider")
        self.area.setWordWrap(True)
        self.area.setTextFormat(Qt.TextFormat.RichText)
        self.area.setStyleSheet("background: #eef4fb; padding: 6px;")
        self.table = QTableView()
        self.table.setObjectName("suggestions")
        self.table.setAccessibleName(self.tr("Voorgestelde aanbieders"))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setWordWrap(False)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.map = ProviderMap(pc4_areas(resources_dir() / "geodata" / "nl_pc4.csv"))
        self.map.setObjectName("provider_map")
        self.map.picked.connect(self.table.selectRow)

        self.rows = ErrorRows()
        self.reason = QLineEdit()
        self.reason.setPlaceholderText(
            self.tr("nodig als de cliënt niet een van de drie dichtstbijzijnde kiest")
        )
        self.choose_button = QPushButton(self.tr("Keuze van de cliënt &vastleggen"))
        self.choose_button.clicked.connect(self.choose)
        self.current = QLabel()
        self.current.setObjectName("current_choice")
        self.current.setWordWrap(True)
        self.current.setTextFormat(Qt.TextFormat.RichText)

        # two rows, so that the filters fit a 1280-pixel screen beside nothing else
        filters = QGridLayout()
        care_label = QLabel(self.tr("&Zorgvorm"))
        care_label.setBuddy(self.care_form)
        filters.addWidget(care_label, 0, 0)
        filters.addWidget(self.care_form, 0, 1)
        filters.addWidget(self.product, 0, 2)
        specialism_label = QLabel(self.tr("&Doelgroep"))
        specialism_label.setBuddy(self.specialism)
        filters.addWidget(specialism_label, 1, 0)
        filters.addWidget(self.specialism, 1, 1)
        filters.addWidget(self.accepting, 1, 2)
        filters.setColumnStretch(1, 2)
        filters.setColumnStretch(2, 3)
        choice_box = QGroupBox(self.tr("Keuze van de cliënt (keuzevrijheid)"))
        form = QFormLayout(choice_box)
        self.rows.add(form, "reason", self.tr("&Reden van de keuze"), self.reason)
        button_row = QHBoxLayout()
        button_row.addWidget(self.choose_button)
        button_row.addStretch(1)
        form.addRow("", button_row)
        form.addRow(self.current)
        splitter = QSplitter()
        splitter.setObjectName("providers_splitter")
        splitter.setChildrenCollapsible(False)
        splitter.addWidget(self.table)
        splitter.addWidget(self.map)
        # the list gets the extra width of a wide screen (more columns), the map a fair share
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setSizes([740, 500])
        splitter.splitterMoved.connect(lambda _pos, _index: self._fit_columns())
        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addWidget(self.warning)
        layout.addWidget(self.area)
        layout.addWidget(splitter, 1)
        layout.addWidget(choice_box)

        self.care_form.currentIndexChanged.connect(self._care_form_changed)
        self.product.currentIndexChanged.connect(self.refresh)
        self.specialism.currentIndexChanged.connect(self.refresh)
        self.accepting.toggled.connect(self.refresh)
        self._care_form_changed()
        self._show_choices()

    def _care_form_changed(self) -> None:
        self.product.blockSignals(True)
        self.product.clear()
        self.product.addItem(self.tr("Alle producten van deze zorgvorm"), "")
        for p in self._catalogue.products:
            if p.care_form == self.care_form.currentData():
                self.product.addItem(f"{p.code} – {p.name}", p.code)
        self.product.blockSignals(False)
        self.refresh()

    def refresh(self) -> None:
        self.result = result = self._ctx.suggestions.suggestions(
            self.case_id,
            self.care_form.currentData(),
            self.product.currentData() or "",
            self.specialism.currentData() or "",
            self.accepting.isChecked(),
        )
        model = SuggestionsModel(result, self)
        self.table.setModel(model)
        for column, width in enumerate(COLUMN_WIDTHS):
            self.table.setColumnWidth(column, width)
        self._fit_columns()
        self.table.selectionModel().currentRowChanged.connect(
            lambda cur, _prev: self.map.select(cur.row() if cur.isValid() else None)
        )
        self.map.set_data(result.home, result.ranked)
        self.warning.setText(result.home.warning)
        self.warning.setVisible(bool(result.home.warning))
        if result.area:
            self.area.setText(
                f"<b>Aanbieder van dit gebied: {escape(result.area.provider.name)}</b><br>{escape(result.area.assignment.reason)}"
            )
        self.area.setVisible(result.area is not None)

    def _fit_columns(self) -> None:
        """Phone and e-mail whole; the provider's name and address share what the list has left
        (elided, the whole text as a tooltip), so all four are in view on a 1280-pixel screen."""
        table = self.table
        if table.model() is None or table.model().columnCount() < 6:
            return
        table.resizeColumnToContents(4)
        table.resizeColumnToContents(5)
        fixed = sum(table.columnWidth(c) for c in (0, 1, 4, 5))
        # as if the vertical scroll bar were there: it is, as soon as the list is long
        room = table.maximumViewportSize().width() - table.verticalScrollBar().sizeHint().width()
        spare = room - fixed - 2
        name = max(100, min(260, int(spare * 0.55)))
        table.setColumnWidth(2, name)
        table.setColumnWidth(3, max(90, min(240, spare - name)))

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._fit_columns()

    def selected(self) -> Suggestion | None:
        index = self.table.currentIndex()
        return self.result.ranked[index.row()] if self.result and index.isValid() else None

    def choose(self) -> None:
        suggestion = self.selected()
        if suggestion is None:
            self.rows.show(
                {"reason": self.tr("Kies eerst een aanbieder in de lijst of op de kaart.")}
            )
            return
        try:
            self._ctx.suggestions.choose(
                self.case_id,
                self.care_form.currentData(),
                self.product.currentData() or "",
                suggestion,
                self.reason.text(),
            )
        except FieldErrors as exc:
            self.rows.show(exc.errors)
            return
        self.rows.show({})
        self.reason.clear()
        self._show_choices()
        self.chosen.emit()

    def _show_choices(self) -> None:
        lines = []
        names = {c.code: c.name for c in self._catalogue.care_forms}
        for choice, warning in self._ctx.suggestions.choices(self.case_id):
            text = f"<b>{escape(names.get(choice.care_form, choice.care_form))}:</b> {escape(choice.provider_name)}, {escape(choice.location_label)}"
            if choice.distance_km is not None:
                text += f" ({km_text(choice.distance_km)}, nr. {choice.rank})"
            if choice.reason:
                text += f" — reden: {escape(choice.reason)}"
            if warning:
                text += f"<br><span style='color:#b00020'>⚠ {escape(warning)}</span>"
            lines.append(text)
        self.current.setText(
            "<br>".join(lines) if lines else self.tr("Nog geen aanbieder gekozen.")
        )
