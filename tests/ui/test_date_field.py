"""Typing a date the way a consultant does: digits only, into an empty field; the calendar of an
empty field opens at this month; what is wrong stands under the field."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, Qt

from wmo_desk.ui.fields import date_edit, date_value


def test_digits_typed_into_an_empty_field_make_the_date(qtbot):
    field = date_edit(None, allow_blank=True)
    qtbot.addWidget(field)
    field.show()
    assert date_value(field) is None
    qtbot.mouseClick(field.line, Qt.MouseButton.LeftButton, pos=field.line.rect().center())
    qtbot.wait(10)
    qtbot.keyClicks(field.line, "17021950")
    assert field.line.text() == "17-02-1950"
    assert date_value(field) == date(1950, 2, 17)
    assert field.error.isHidden()


def test_typing_the_dashes_too_gives_the_same_date(qtbot):
    field = date_edit(None, allow_blank=True)
    qtbot.addWidget(field)
    field.line.setFocus()
    qtbot.keyClicks(field.line, "03-11-2026")
    assert date_value(field) == date(2026, 11, 3)


def test_a_half_typed_or_impossible_date_says_so_under_the_field(qtbot):
    field = date_edit(None, allow_blank=True)
    qtbot.addWidget(field)
    field.show()
    field.line.setFocus()
    qtbot.keyClicks(field.line, "3102")
    assert field.error.isHidden(), "no error while still typing"
    field.line.editingFinished.emit()
    assert field.error.isVisible()
    assert field.error.text() == "Vul de datum helemaal in: dag, maand en jaar (dd-mm-jjjj)."
    qtbot.keyClicks(field.line, "2026")
    assert field.error.text() == "31-02-2026 is geen bestaande datum."
    assert date_value(field) is None


def test_a_date_after_the_maximum_is_refused_with_the_reason(qtbot):
    field = date_edit(date(2026, 12, 1), allow_blank=False)
    qtbot.addWidget(field)
    field.show()
    field.setMaximumDate(QDate(2026, 12, 1))
    field.line.selectAll()
    qtbot.keyClicks(field.line, "05122026")
    assert field.error.text() == "De datum kan niet na 01-12-2026 liggen."
    assert date_value(field) is None


def test_a_required_field_left_empty_asks_for_a_date(qtbot):
    field = date_edit(date(2026, 12, 1), allow_blank=False)
    qtbot.addWidget(field)
    field.show()
    field.line.clear()
    field.line.editingFinished.emit()
    assert field.error.text() == "Vul een datum in (dd-mm-jjjj)."


def test_the_calendar_of_an_empty_field_opens_at_this_month_and_picks_a_day(qtbot):
    field = date_edit(None, allow_blank=True)
    qtbot.addWidget(field)
    field.show()
    calendar = field.open_calendar()
    today = QDate.currentDate()
    assert (calendar.yearShown(), calendar.monthShown()) == (today.year(), today.month())
    with qtbot.waitSignal(field.dateChanged) as changed:
        calendar.clicked.emit(QDate(2026, 10, 7))
    assert changed.args[0] == QDate(2026, 10, 7)
    assert date_value(field) == date(2026, 10, 7) and not calendar.isVisible()


def test_the_alt_letter_of_a_date_row_puts_the_cursor_in_the_date(qtbot):
    from PySide6.QtWidgets import QApplication, QFormLayout, QLineEdit, QWidget

    form_widget = QWidget()
    qtbot.addWidget(form_widget)
    form = QFormLayout(form_widget)
    before = QLineEdit()
    field = date_edit(None, allow_blank=True)
    form.addRow("&Naam", before)
    form.addRow("&Datum", field)
    with qtbot.waitActive(form_widget):
        form_widget.show()
        form_widget.activateWindow()
    before.setFocus()
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_D, Qt.KeyboardModifier.AltModifier)
    assert QApplication.focusWidget() is field.line
    qtbot.keyClick(field.line, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is not field  # the date is one stop in the tab order
