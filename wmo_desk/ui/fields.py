"""Form rows that show a Dutch error message right under the field it belongs to."""

from __future__ import annotations

from datetime import date
from functools import partial

from PySide6.QtCore import QCoreApplication, QDate, QEvent, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QCalendarWidget,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

ERROR_STYLE = "color: #b00020;"
ERROR_FIELD_STYLE = "border: 1px solid #b00020;"


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
        # the row's label points at the field itself (QFormLayout made it point at the box, which
        # takes no focus): its Alt letter puts the cursor there and a screen reader names it
        row_label = form.labelForField(box)
        if isinstance(row_label, QLabel):
            row_label.setBuddy(widget)
        if not widget.accessibleName():
            widget.setAccessibleName(label.replace("&", "").rstrip(" *"))
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


def _qdate(value: date | None) -> QDate:
    return QDate(value.year, value.month, value.day) if value else QDate()


class DateField(QWidget):
    """A dd-mm-jjjj date typed as digits (the dashes come by themselves) or picked from a
    calendar, that may stay blank when allowed.

    It answers like a QDateEdit where the screens use one (``date``, ``setDate``,
    ``setMinimumDate``, ``setMaximumDate``, ``dateChanged``); a blank or unreadable field's
    ``date()`` is an invalid QDate. What is wrong with the typed text stands under the field.

    Signals:
        dateChanged(QDate): the field holds another valid date, or became blank (invalid QDate).
    """

    dateChanged = Signal(QDate)

    def __init__(self, value: date | None, *, allow_blank: bool, parent=None) -> None:
        super().__init__(parent)
        self.allow_blank = allow_blank
        self._minimum = QDate(1900, 1, 1)
        self._maximum = QDate(2199, 12, 31)
        self._last = QDate()
        self.line = QLineEdit()
        self.line.setInputMask("00-00-0000;_")
        self.line.setPlaceholderText("dd-mm-jjjj")
        self.line.setMaximumWidth(130)
        self.line.textEdited.connect(lambda _t: self._changed(typing=True))
        self.line.editingFinished.connect(lambda: self._changed(typing=False))
        self.button = QToolButton()
        self.button.setText("▾")
        self.button.setToolTip(QCoreApplication.translate("DateField", "Kalender"))
        self.button.setAccessibleName(QCoreApplication.translate("DateField", "Kalender openen"))
        self.button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.button.clicked.connect(self.open_calendar)
        self.error = QLabel()
        self.error.setObjectName("date_error")
        self.error.setStyleSheet(ERROR_STYLE)
        self.error.setWordWrap(True)
        self.error.hide()
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(2)
        row.addWidget(self.line)
        row.addWidget(self.button)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addLayout(row)
        layout.addWidget(self.error)
        self.setFocusProxy(self.line)
        # a label's Alt letter only moves to a buddy that takes focus (it then goes to the line)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.line.installEventFilter(self)
        self.calendar: QCalendarWidget | None = None
        self.setDate(_qdate(value))

    # --- the QDateEdit part the screens use ------------------------------------------------

    def date(self) -> QDate:
        parsed = self._parse()
        return parsed if isinstance(parsed, QDate) else QDate()

    def setDate(self, value: QDate) -> None:
        self.line.setText(value.toString("dd-MM-yyyy") if value.isValid() else "")
        if not value.isValid():
            self.line.setCursorPosition(0)  # typing starts at the day
        self._changed(typing=False)

    def setMinimumDate(self, value: QDate) -> None:
        self._minimum = value

    def setMaximumDate(self, value: QDate) -> None:
        self._maximum = value

    def minimumDate(self) -> QDate:
        return self._minimum

    def maximumDate(self) -> QDate:
        return self._maximum

    def setAccessibleName(self, name: str) -> None:
        super().setAccessibleName(name)
        self.line.setAccessibleName(name)

    # --- reading and checking -----------------------------------------------------------

    def problem(self) -> str | None:
        """What is wrong with the typed text, in Dutch; None when it is a date (or blank and
        allowed)."""
        parsed = self._parse()
        return parsed if isinstance(parsed, str) else None

    def _parse(self) -> QDate | str | None:
        digits = "".join(ch for ch in self.line.text() if ch.isdigit())
        tr = partial(QCoreApplication.translate, "DateField")
        if not digits:
            return None if self.allow_blank else tr("Vul een datum in (dd-mm-jjjj).")
        if len(digits) < 8:
            return tr("Vul de datum helemaal in: dag, maand en jaar (dd-mm-jjjj).")
        value = QDate(int(digits[4:]), int(digits[2:4]), int(digits[:2]))
        if not value.isValid():
            return tr("%s is geen bestaande datum.") % self.line.text()
        if value < self._minimum:
            return tr("De datum kan niet vóór %s liggen.") % self._minimum.toString("dd-MM-yyyy")
        if value > self._maximum:
            return tr("De datum kan niet na %s liggen.") % self._maximum.toString("dd-MM-yyyy")
        return value

    def _changed(self, *, typing: bool) -> None:
        problem = self.problem()
        complete = len("".join(ch for ch in self.line.text() if ch.isdigit())) in (0, 8)
        # while typing, an unfinished date is no error yet; leaving the field says what is wrong
        show = bool(problem) and (complete or not typing)
        self.error.setText(problem or "")
        self.error.setVisible(show)
        self.line.setStyleSheet(ERROR_FIELD_STYLE if show else "")
        current = self.date()
        if current != self._last:
            self._last = current
            self.dateChanged.emit(current)

    # --- the calendar ---------------------------------------------------------------------

    def open_calendar(self) -> QCalendarWidget:
        """The month of the field's date, or of today when it is blank — never December 1899."""
        if self.calendar is None:
            self.calendar = QCalendarWidget(self, windowFlags=Qt.WindowType.Popup)
            self.calendar.setGridVisible(True)
            self.calendar.setAccessibleName(QCoreApplication.translate("DateField", "Kalender"))
            self.calendar.clicked.connect(self._picked)
            self.calendar.activated.connect(self._picked)
        self.calendar.setDateRange(self._minimum, self._maximum)
        current = self.date()
        shown = current if current.isValid() else QDate.currentDate()
        self.calendar.setSelectedDate(shown)
        self.calendar.setCurrentPage(shown.year(), shown.month())
        self.calendar.move(self.line.mapToGlobal(self.line.rect().bottomLeft()))
        self.calendar.show()
        self.calendar.setFocus()
        return self.calendar

    def _picked(self, value: QDate) -> None:
        if self.calendar is not None:
            self.calendar.hide()
        self.setDate(value)
        self.line.setFocus()

    def eventFilter(self, watched, event) -> bool:
        # a click or tab into a blank field types from the first digit, not where the mouse was
        blank = not any(ch.isdigit() for ch in self.line.text())
        if (
            watched is self.line
            and blank
            and event.type() in (QEvent.Type.FocusIn, QEvent.Type.MouseButtonRelease)
        ):
            line = self.line  # the line as context: no call once the field is gone
            QTimer.singleShot(0, line, lambda: line.setCursorPosition(0))
        return super().eventFilter(watched, event)

    def keyPressEvent(self, event) -> None:
        # Alt+Down opens the calendar, as in a QDateEdit
        if event.key() == Qt.Key.Key_Down and event.modifiers() & Qt.KeyboardModifier.AltModifier:
            self.open_calendar()
            return
        super().keyPressEvent(event)


def date_edit(value: date | None, *, allow_blank: bool) -> DateField:
    """A dd-mm-jjjj date field with a calendar; blank (None) allowed when asked."""
    return DateField(value, allow_blank=allow_blank)


def date_value(edit: DateField) -> date | None:
    """The date in ``edit``; None when it is blank or not a valid date (its message says why)."""
    qd = edit.date()
    if not qd.isValid():
        return None
    return date(qd.year(), qd.month(), qd.day())


def set_date(edit: DateField, value: date | None) -> None:
    edit.setDate(_qdate(value))


class OmvangFields(QWidget):
    """An omvang as the iWmo counts it: a number, its unit (Eenheid) and per what (Frequentie).

    ``volume``, ``unit`` and ``frequency`` are the three widgets (a screen reader names each);
    :meth:`value` reads them. An empty number is no omvang.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        # the code lists live in the domain; imported here, at first use of an omvang
        from wmo_desk.domain.codes import FREQUENCIES, UNITS

        self.volume = QLineEdit()
        self.volume.setAccessibleName(self.tr("Omvang: aantal"))
        self.volume.setMaximumWidth(80)
        self.unit = QComboBox()
        self.unit.setAccessibleName(self.tr("Omvang: eenheid"))
        for code, label in UNITS.items():
            self.unit.addItem(label, code)
        self.frequency = QComboBox()
        self.frequency.setAccessibleName(self.tr("Omvang: per"))
        for code, label in FREQUENCIES.items():
            self.frequency.addItem(label, code)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for widget in (self.volume, self.unit, self.frequency):
            layout.addWidget(widget)
        layout.addStretch(1)
        self.setFocusProxy(self.volume)

    def set_unit(self, unit: str, frequency: str) -> None:
        """Choose ``unit`` and ``frequency`` (codes; an unknown one leaves the first)."""
        self.unit.setCurrentIndex(max(self.unit.findData(unit), 0))
        self.frequency.setCurrentIndex(max(self.frequency.findData(frequency), 0))

    def set_value(self, volume: int | None, unit: str, frequency: str) -> None:
        self.volume.setText("" if volume is None else str(volume))
        if volume is not None:
            self.set_unit(unit, frequency)

    def value(self) -> tuple[int | None, str, str]:
        """``(volume, unit, frequency)``; ``(None, "", "")`` without a number.

        Raises ValueError when the number is not a whole number."""
        text = self.volume.text().strip()
        if not text:
            return None, "", ""
        return int(text), self.unit.currentData(), self.frequency.currentData()
