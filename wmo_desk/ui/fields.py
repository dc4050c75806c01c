"""Form rows that show a Dutch error message right under the field it belongs to."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate
from PySide6.QtWidgets import QDateEdit, QFormLayout, QLabel, QVBoxLayout, QWidget

ERROR_STYLE = "color: #b00020;"
ERROR_FIELD_STYLE = "border: 1px solid #b00020;"
_BLANK = QDate(1899, 12, 31)


class ErrorRows:
    """Keeps the field widgets of a form and their error labels, by field name."""

    def __init__(self) -> None:
        self.widgets: dict[str, QWidget] = {}
        self.labels: dict[str, QLabel] = {}

    def add(self, form: QFormLayout, name: str, label: str, widget: QWidget) -> QWidget:
        """Add ``widget`` as row ``label`` with an (initially hidden) error line under it."""
        box = QWidget()
        layout = QVBoxLayout(box)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(widget)
        error = QLabel()
        error.setObjectName(f"error_{name}")
        error.setStyleSheet(ERROR_STYLE)
        error.setWordWrap(True)
        error.hide()
        layout.addWidget(error)
        form.addRow(label, box)
        widget.setObjectName(name)
        self.widgets[name] = widget
        self.labels[name] = error
        return widget

    def show(self, errors: dict[str, str]) -> None:
        """Show ``errors`` at their fields, clear the others, focus the first wrong field."""
        first = None
        for name, label in self.labels.items():
            message = errors.get(name)
            label.setText(message or "")
            label.setVisible(bool(message))
            self.widgets[name].setStyleSheet(ERROR_FIELD_STYLE if message else "")
            if message and first is None:
                first = self.widgets[name]
        if first is not None:
            first.setFocus()

    def clear(self, name: str) -> None:
        if name in self.labels:
            self.labels[name].hide()
            self.widgets[name].setStyleSheet("")

    def visible_errors(self) -> dict[str, str]:
        return {n: lbl.text() for n, lbl in self.labels.items() if not lbl.isHidden()}


def date_edit(value: date | None, *, allow_blank: bool) -> QDateEdit:
    """A dd-mm-jjjj date field with a calendar; blank (None) allowed when asked."""
    edit = QDateEdit()
    edit.setDisplayFormat("dd-MM-yyyy")
    edit.setCalendarPopup(True)
    if allow_blank:
        edit.setMinimumDate(_BLANK)
        edit.setSpecialValueText(" ")
    edit.setDate(QDate(value.year, value.month, value.day) if value else _BLANK)
    return edit


def date_value(edit: QDateEdit) -> date | None:
    """The date in ``edit``, None when left blank."""
    qd = edit.date()
    if qd == _BLANK or not qd.isValid():
        return None
    return date(qd.year(), qd.month(), qd.day())


def set_date(edit: QDateEdit, value: date | None) -> None:
    edit.setDate(QDate(value.year, value.month, value.day) if value else _BLANK)
