"""Agreed results in a case, in the region's own product model (matrix or product per care form)."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from wmo_desk.domain.catalogue import Catalogue
from wmo_desk.domain.codes import omvang_text
from wmo_desk.domain.errors import FieldErrors
from wmo_desk.domain.identifiers import utcnow
from wmo_desk.domain.results import (
    HVB_LEVELS,
    CaseResult,
    matrix_product,
    result_areas,
    uses_result_matrix,
)
from wmo_desk.services.context import AppContext
from wmo_desk.ui.case_dialogs import StepDialog
from wmo_desk.ui.confirm import feedback_label, tell_done
from wmo_desk.ui.display import long_date
from wmo_desk.ui.fields import ErrorRows, OmvangFields, date_edit, date_value, set_date
from wmo_desk.ui.table_model import RowsModel


class ResultsModel(RowsModel):
    """The results of one case."""

    headers = ("Voor", "Zorgvorm", "Resultaat / product", "Beschrijving", "Omvang", "Termijn")

    def __init__(
        self,
        results: list[CaseResult],
        names: dict[str, str],
        products: dict[str, str],
        parent=None,
    ) -> None:
        super().__init__(results, parent)
        self._names = names
        self._products = products

    def text(self, r, column: int) -> str:
        product = self._products.get(r.product_code, r.product_code)
        cell = f"{r.result_area} {r.level}: {product}" if r.result_area else product
        return (
            r.household_member or "cliënt",
            self._names.get(r.care_form, r.care_form),
            cell,
            r.description,
            omvang_text(r.volume, r.unit, r.frequency) if r.volume is not None else "",
            f"tot {long_date(r.term_end)}" if r.term_end else "",
        )[column]


class ResultForm(QWidget):
    """The fields of one result, in the region's model: matrix cell or product per care form."""

    def __init__(
        self, catalogue: Catalogue, rows: ErrorRows, term_end, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._catalogue = catalogue
        self.rows = rows
        self.care_form = QComboBox()
        for c in catalogue.care_forms:
            self.care_form.addItem(c.name, c.code)
        self.result_area = QComboBox()
        self.level = QComboBox()
        for level in HVB_LEVELS:
            self.level.addItem(level, level)
        self.product = QComboBox()
        self.description = QPlainTextEdit()
        self.description.setTabChangesFocus(True)
        self.description.setFixedHeight(70)
        self.description.setPlaceholderText(
            self.tr("Wat moet de ondersteuning bereiken, in woorden van de cliënt")
        )
        self.omvang = OmvangFields()
        self.omvang.volume.setPlaceholderText(self.tr("geen"))
        self.omvang.volume.setToolTip(
            self.tr("De afgesproken omvang, als die er is; de voorziening neemt die over.")
        )
        self.term_end = date_edit(term_end, allow_blank=True)
        self.member = QLineEdit()
        self.member.setPlaceholderText(
            self.tr("leeg = de cliënt zelf; anders naam van het gezinslid")
        )
        form = QFormLayout(self)
        form.setContentsMargins(0, 0, 0, 0)
        rows.add(form, "care_form", self.tr("&Zorgvorm"), self.care_form)
        rows.add(form, "result_area", self.tr("Resultaatgebie&d"), self.result_area)
        rows.add(form, "level", self.tr("&Afstand tot resultaat"), self.level)
        rows.add(form, "product_code", self.tr("&Product"), self.product)
        rows.add(form, "description", self.tr("Be&schrijving *"), self.description)
        rows.add(form, "volume", self.tr("&Omvang"), self.omvang)
        rows.add(form, "term_end", self.tr("Te&rmijn tot *"), self.term_end)
        rows.add(form, "household_member", self.tr("Voor (huishouden)"), self.member)
        self._form = form
        self.care_form.currentIndexChanged.connect(self._care_form_changed)
        self._care_form_changed()

    def _set_row_visible(self, name: str, visible: bool) -> None:
        self._form.setRowVisible(self.rows.widgets[name].parentWidget(), visible)

    def _care_form_changed(self) -> None:
        code = self.care_form.currentData()
        matrix = uses_result_matrix(self._catalogue, code)
        self.result_area.clear()
        for area, name in result_areas(self._catalogue, code):
            self.result_area.addItem(name, area)
        self.product.clear()
        for p in self._catalogue.products:
            if p.care_form == code:
                self.product.addItem(f"{p.code} – {p.name}", p.code)
        self._set_row_visible("result_area", matrix)
        self._set_row_visible("level", matrix)
        self._set_row_visible("product_code", not matrix)

    def show_result(self, result: CaseResult) -> None:
        """Fill the fields with ``result`` (to change it)."""
        self.care_form.setCurrentIndex(max(self.care_form.findData(result.care_form), 0))
        self._care_form_changed()
        for combo, value in (
            (self.result_area, result.result_area),
            (self.level, result.level),
            (self.product, result.product_code),
        ):
            index = combo.findData(value)
            if index >= 0:
                combo.setCurrentIndex(index)
        self.description.setPlainText(result.description)
        self.omvang.set_value(result.volume, result.unit, result.frequency)
        set_date(self.term_end, result.term_end)
        self.member.setText(result.household_member)

    def result(self, case_id: str) -> CaseResult:
        """A new result from the fields.

        Raises FieldErrors when the omvang is not a whole number."""
        try:
            volume, unit, frequency = self.omvang.value()
        except ValueError:
            raise FieldErrors({"volume": self.tr("De omvang is een geheel getal.")}) from None
        code = self.care_form.currentData()
        if uses_result_matrix(self._catalogue, code):
            area, level = self.result_area.currentData() or "", self.level.currentData() or ""
            product = matrix_product(self._catalogue, code, area, level)
            product_code = product.code if product else ""
        else:
            area, level, product_code = "", "", self.product.currentData() or ""
        return CaseResult(
            case_id=case_id,
            care_form=code,
            product_code=product_code,
            result_area=area,
            level=level,
            description=self.description.toPlainText().strip(),
            term_end=date_value(self.term_end),
            household_member=self.member.text().strip(),
            volume=volume,
            unit=unit,
            frequency=frequency,
        )

    def show_errors(self, errors: dict[str, str]) -> None:
        """``errors`` at their rows: the omvang's unit and period are in its row."""
        at_rows = dict(errors)
        for part in ("unit", "frequency"):
            if part in at_rows:
                at_rows.setdefault("volume", at_rows.pop(part))
        self.rows.show(at_rows)

    def clear_text(self) -> None:
        self.description.clear()
        self.member.clear()
        self.omvang.volume.clear()


class ResultDialog(StepDialog):
    """Change an agreed result: the fields filled with it; a refusal stays in the dialog."""

    def __init__(
        self, catalogue: Catalogue, result: CaseResult, save, parent: QWidget | None = None
    ) -> None:
        super().__init__(
            self.tr("Resultaat wijzigen"),
            self.tr("Pas het afgesproken resultaat aan; het blijft hetzelfde resultaat."),
            self.tr("Opslaan"),
            parent,
        )
        self.setMinimumWidth(680)  # the longest product names fit
        self.original = result
        self.fields = ResultForm(catalogue, self.rows, result.term_end, self)
        self.fields.show_result(result)
        self.form.addRow(self.fields)
        self._save = save
        self.saved: CaseResult | None = None

    def changed_result(self) -> CaseResult:
        """The result as the fields say now, with the original's identity (FieldErrors: wrong)."""
        new = self.fields.result(self.original.case_id)
        return replace(
            new, id=self.original.id, created_at=self.original.created_at, modified_at=utcnow()
        )

    def _ok(self) -> None:
        try:
            result = self.changed_result()
            self._save(result)
        except FieldErrors as exc:
            self.fields.show_errors(exc.errors)
            return
        self.saved = result
        self.accept()


class ResultsPanel(QWidget):
    """List, add, change and remove results; what the support must achieve and by when.

    Signals:
        changed(): a result was added, changed or removed.
    """

    changed = Signal()

    def __init__(self, ctx: AppContext, case_id: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self.case_id = case_id
        self._catalogue = catalogue = ctx.catalogues.current()
        self._names = {c.code: c.name for c in catalogue.care_forms}
        self._products = {p.code: p.name for p in catalogue.products}
        self.table = QTableView()
        self.table.setObjectName("results")
        self.table.setAccessibleName(self.tr("Afgesproken resultaten"))
        self.table.verticalHeader().hide()
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QTableView.EditTrigger.NoEditTriggers)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        # the description takes what is left; the short columns (omvang, termijn) stay whole
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.table.doubleClicked.connect(lambda _index: self.edit_selected())
        self.edit_button = QPushButton(self.tr("Resultaat &wijzigen…"))
        self.edit_button.clicked.connect(lambda: self.edit_selected())
        self.remove_button = QPushButton(self.tr("Resultaat &verwijderen"))
        self.remove_button.clicked.connect(self.remove_selected)
        self.feedback = feedback_label("results_feedback")

        self.rows = ErrorRows()
        self.fields = ResultForm(catalogue, self.rows, ctx.clock.today() + timedelta(days=365))
        # the new-result fields, by the names the tests and other screens know them by
        self.care_form = self.fields.care_form
        self.result_area = self.fields.result_area
        self.level = self.fields.level
        self.product = self.fields.product
        self.description = self.fields.description
        self.term_end = self.fields.term_end
        self.member = self.fields.member
        self.add_button = QPushButton(self.tr("Resultaat &toevoegen"))
        self.add_button.clicked.connect(self.add)
        box = QGroupBox(self.tr("Nieuw resultaat (één huishouden, één plan)"))
        box_layout = QVBoxLayout(box)
        box_layout.addWidget(self.fields)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.add_button)
        box_layout.addLayout(buttons)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        row = QHBoxLayout()
        row.addWidget(self.feedback, 1)
        row.addWidget(self.edit_button)
        row.addWidget(self.remove_button)
        layout.addLayout(row)
        layout.addWidget(box)
        self.refresh()

    def refresh(self) -> None:
        self.table.setModel(
            ResultsModel(
                self._ctx.assessment.results(self.case_id), self._names, self._products, self
            )
        )

    def current_result(self) -> CaseResult:
        return self.fields.result(self.case_id)

    def add(self) -> None:
        try:
            self._ctx.assessment.save_result(self.current_result())
        except FieldErrors as exc:
            self.fields.show_errors(exc.errors)
            return
        self.rows.show({})
        self.fields.clear_text()
        self.refresh()
        tell_done(self.feedback, self.tr("Resultaat toegevoegd."))
        self.changed.emit()

    def _selected(self) -> CaseResult | None:
        index = self.table.currentIndex()
        return self.table.model().rows[index.row()] if index.isValid() else None

    def edit_selected(self, answer=None) -> CaseResult | None:
        """Change the selected result in a dialog (``answer(dialog)`` stands in for the user in tests)."""
        result = self._selected()
        if result is None:
            self.feedback.setStyleSheet("")
            self.feedback.setText(self.tr("Kies eerst het resultaat dat u wilt wijzigen."))
            return None
        dialog = ResultDialog(self._catalogue, result, self._ctx.assessment.save_result, self)
        if not (answer(dialog) if answer else dialog.exec()) or dialog.saved is None:
            return None
        row = self.table.currentIndex().row()
        self.refresh()
        self.table.selectRow(row)
        tell_done(
            self.feedback,
            self.tr("Resultaat gewijzigd: %s.") % dialog.saved.description[:60].rstrip("."),
        )
        self.changed.emit()
        return dialog.saved

    def remove_selected(self) -> None:
        result = self._selected()
        if result is None:
            return
        answer = QMessageBox.question(
            self,
            self.tr("Resultaat verwijderen?"),
            self.tr("Het resultaat '%s' verwijderen?") % result.description[:60],
        )
        if answer == QMessageBox.StandardButton.Yes:
            self._ctx.assessment.remove_result(self.case_id, result.id)
            self.refresh()
            tell_done(self.feedback, self.tr("Resultaat verwijderd."))
            self.changed.emit()
