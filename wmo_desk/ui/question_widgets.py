"""One editor widget per question type of a conversation form; each reports its answer."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Signal
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from wmo_desk.domain.forms import PERSON_FIELDS, Question, QuestionType
from wmo_desk.ui.fields import ERROR_STYLE, date_edit, date_value

PERSON_LABELS = {
    "name": "Naam",
    "relation": "Relatie",
    "phone": "Telefoon",
    "role": "Rol / wat doet hij of zij",
    "notes": "Opmerkingen",
}


class QuestionWidget(QWidget):
    """Label, help text, the editor for the question's type and a Dutch error line.

    Signals:
        changed(str, object): the question id and its new answer (None when empty).
    """

    changed = Signal(str, object)

    def __init__(self, question: Question, value: object, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.question = question
        self.setObjectName(f"q_{question.id}")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 6, 0, 6)
        label = QLabel(
            f"<b>{question.label}</b>"
            + (" <span style='color:#b00020'>*</span>" if question.required else "")
        )
        label.setWordWrap(True)
        layout.addWidget(label)
        if question.help:
            help_text = QLabel(question.help)
            help_text.setWordWrap(True)
            help_text.setStyleSheet("color: #555;")
            layout.addWidget(help_text)
        self.editor = self._make_editor(value)
        label.setBuddy(self.editor)
        layout.addWidget(self.editor)
        self.error = QLabel()
        self.error.setStyleSheet(ERROR_STYLE)
        self.error.hide()
        layout.addWidget(self.error)

    # --- editors ------------------------------------------------------------------------

    def _emit(self, value: object) -> None:
        self.changed.emit(self.question.id, value)

    def _make_editor(self, value: object) -> QWidget:
        q = self.question
        kind = q.type
        if kind is QuestionType.SHORT_TEXT:
            edit = QLineEdit(str(value or ""))
            edit.textEdited.connect(lambda t: self._emit(t or None))
            return edit
        if kind is QuestionType.LONG_TEXT:
            edit = QPlainTextEdit(str(value or ""))
            edit.setTabChangesFocus(True)
            edit.setMinimumHeight(90)
            edit.textChanged.connect(lambda: self._emit(edit.toPlainText() or None))
            return edit
        if kind is QuestionType.NUMBER:
            edit = QLineEdit("" if value is None else str(value).replace(".", ","))
            edit.setPlaceholderText("getal")
            edit.setMaximumWidth(160)
            edit.textEdited.connect(lambda t: self._emit(_number(t)))
            return edit
        if kind in (QuestionType.YES_NO, QuestionType.SINGLE_CHOICE):
            combo = QComboBox()
            combo.addItem("— kies —", None)
            options = (("ja", "Ja"), ("nee", "Nee")) if kind is QuestionType.YES_NO else q.options
            for opt_value, opt_label in options:
                combo.addItem(opt_label, opt_value)
            current = (
                {True: "ja", False: "nee"}.get(value, value)
                if kind is QuestionType.YES_NO
                else value
            )
            index = combo.findData(current)
            combo.setCurrentIndex(max(0, index))
            combo.setMaximumWidth(420)

            def picked(_i: int) -> None:
                data = combo.currentData()
                if kind is QuestionType.YES_NO:
                    data = None if data is None else data == "ja"
                self._emit(data)

            combo.currentIndexChanged.connect(picked)
            return combo
        if kind is QuestionType.MULTIPLE_CHOICE:
            box = QWidget()
            inner = QVBoxLayout(box)
            inner.setContentsMargins(0, 0, 0, 0)
            chosen = set(value or [])
            boxes: list[tuple[str, QCheckBox]] = []
            for opt_value, opt_label in q.options:
                check = QCheckBox(opt_label)
                check.setChecked(opt_value in chosen)
                inner.addWidget(check)
                boxes.append((opt_value, check))
            box.setFocusProxy(boxes[0][1] if boxes else None)
            for _v, check in boxes:
                check.toggled.connect(
                    lambda _c: self._emit([v for v, c in boxes if c.isChecked()] or None)
                )
            return box
        if kind is QuestionType.DATE:
            edit = date_edit(
                date.fromisoformat(value) if isinstance(value, str) and value else None,
                allow_blank=True,
            )
            edit.setMaximumWidth(180)
            edit.dateChanged.connect(lambda _d: self._emit(_iso(date_value(edit))))
            return edit
        return PeopleEditor(value if isinstance(value, list) else [], self._emit)

    def show_error(self, message: str | None) -> None:
        self.error.setText(message or "")
        self.error.setVisible(bool(message))


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def _number(text: str) -> object:
    text = text.strip().replace(",", ".")
    if not text:
        return None
    try:
        number = float(text)
    except ValueError:
        return text  # validate_answer explains what is wrong
    return int(number) if number.is_integer() else number


class PeopleEditor(QWidget):
    """A small editable table of people (network members, mantelzorgers)."""

    def __init__(self, people: list[dict], emit, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._emit = emit
        self.model = QStandardItemModel(0, len(PERSON_FIELDS), self)
        self.model.setHorizontalHeaderLabels([PERSON_LABELS.get(f, f) for f in PERSON_FIELDS])
        for person in people:
            self.model.appendRow([QStandardItem(str(person.get(f, ""))) for f in PERSON_FIELDS])
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.setMinimumHeight(110)
        add = QPushButton("Persoon toevoegen")
        remove = QPushButton("Verwijderen")
        add.clicked.connect(self.add_person)
        remove.clicked.connect(self.remove_person)
        buttons = QHBoxLayout()
        buttons.addWidget(add)
        buttons.addWidget(remove)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table)
        layout.addLayout(buttons)
        self.setFocusProxy(self.table)
        self.model.dataChanged.connect(lambda *_a: self._emit(self.people() or None))

    def people(self) -> list[dict]:
        rows = []
        for r in range(self.model.rowCount()):
            person = {
                f: (self.model.item(r, c).text().strip() if self.model.item(r, c) else "")
                for c, f in enumerate(PERSON_FIELDS)
            }
            if any(person.values()):
                rows.append(person)
        return rows

    def add_person(self) -> None:
        self.model.appendRow([QStandardItem("") for _ in PERSON_FIELDS])
        index = self.model.index(self.model.rowCount() - 1, 0)
        self.table.setCurrentIndex(index)
        self.table.edit(index)

    def remove_person(self) -> None:
        index = self.table.currentIndex()
        if index.isValid():
            self.model.removeRow(index.row())
            self._emit(self.people() or None)
