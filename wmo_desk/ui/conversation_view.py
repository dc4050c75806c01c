"""The keukentafelgesprek wizard: sections, progress, back/next, and answers saved continuously."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTime, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from wmo_desk.domain.conversation import Conversation
from wmo_desk.domain.errors import UserError
from wmo_desk.domain.forms import (
    FormDefinition,
    Section,
    progress,
    section_complete,
    validate_answer,
    visible_questions,
    visible_sections,
)
from wmo_desk.services.context import AppContext
from wmo_desk.ui.confirm import tell_done
from wmo_desk.ui.question_widgets import QuestionWidget

#: Unsaved typing is written at most this long after the first change: a crash loses less than 2 s.
AUTOSAVE_MS = 1000


class ConversationWizard(QWidget):
    """Walks the consultant through the form; every change reaches the database within a second.

    Signals:
        completed(): the conversation was marked complete.
        saved(): the answers were written to the database.
    """

    completed = Signal()
    saved = Signal()

    def __init__(
        self,
        ctx: AppContext,
        conversation: Conversation,
        form: FormDefinition,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self.conversation = conversation
        self.form = form
        self.answers: dict[str, object] = dict(conversation.answers)
        self._dirty = False
        self.current: Section | None = None
        self.widgets: dict[str, QuestionWidget] = {}

        self.sections_list = QListWidget()
        self.sections_list.setObjectName("sections")
        self.sections_list.setAccessibleName(self.tr("Onderwerpen van het gesprek"))
        self.sections_list.setMinimumWidth(300)
        self.sections_list.setWordWrap(True)
        self.sections_list.currentItemChanged.connect(self._section_picked)
        self.progress = QProgressBar()
        self.progress.setFormat(self.tr("%v van %m vragen beantwoord"))
        self.title = QLabel()
        self.title.setWordWrap(True)
        self.intro = QLabel()
        self.intro.setWordWrap(True)
        self.intro.setStyleSheet("color: #444;")
        self.page = QWidget()
        self.page_layout = QVBoxLayout(self.page)
        self.scroll = QScrollArea()
        self.scroll.setAccessibleName(self.tr("Vragen van het onderwerp"))
        self.scroll.setWidgetResizable(True)
        self.scroll.setWidget(self.page)
        self.back_button = QPushButton(self.tr("◀ &Vorige"))
        self.next_button = QPushButton(self.tr("V&olgende ▶"))
        self.complete_button = QPushButton(self.tr("Gesprek &afronden"))
        self.status = QLabel()
        self.status.setObjectName("save_status")
        self.status.setWordWrap(True)
        self._show_saving("")
        self.back_button.clicked.connect(lambda: self.step(-1))
        self.next_button.clicked.connect(lambda: self.step(1))
        self.complete_button.clicked.connect(self.complete)
        QShortcut(QKeySequence("Ctrl+PgDown"), self, lambda: self.step(1))
        QShortcut(QKeySequence("Ctrl+PgUp"), self, lambda: self.step(-1))

        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(QLabel(self.tr("<b>Onderwerpen</b>")))
        left_layout.addWidget(self.sections_list, 1)
        left_layout.addWidget(self.progress)
        version = QLabel(self.tr("Formulier %s, versie %s") % (form.title, form.version))
        version.setWordWrap(True)
        version.setStyleSheet("color: #777; font-size: small;")
        left_layout.addWidget(version)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.title)
        right_layout.addWidget(self.intro)
        right_layout.addWidget(self.scroll, 1)
        nav = QHBoxLayout()
        nav.addWidget(self.back_button)
        nav.addWidget(self.next_button)
        nav.addWidget(self.status, 1)
        nav.addWidget(self.complete_button)
        right_layout.addLayout(nav)
        splitter = QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setStretchFactor(1, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(splitter)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(AUTOSAVE_MS)
        self._timer.timeout.connect(self.save_now)

        start = conversation.current_section or (form.sections[0].id if form.sections else "")
        self._refresh_sections(select=start)

    # --- sections -----------------------------------------------------------------------

    def visible(self) -> list[Section]:
        return visible_sections(self.form, self.answers)

    def _refresh_sections(self, select: str | None = None) -> None:
        sections = self.visible()
        wanted = select or (self.current.id if self.current else None)
        self.sections_list.blockSignals(True)
        self.sections_list.clear()
        for section in sections:
            done = section_complete(section, self.answers, self.form)
            item = QListWidgetItem(("✓ " if done else "○ ") + section.title)
            item.setData(Qt.ItemDataRole.UserRole, section.id)
            self.sections_list.addItem(item)
        self.sections_list.blockSignals(False)
        ids = [s.id for s in sections]
        index = ids.index(wanted) if wanted in ids else 0
        if sections:
            self.sections_list.setCurrentRow(index)
            if self.current is None or self.current.id != ids[index]:
                self.show_section(sections[index])
        answered, total = progress(self.form, self.answers)
        self.progress.setMaximum(max(total, 1))
        self.progress.setValue(answered)

    def _section_picked(self, item: QListWidgetItem | None, _previous=None) -> None:
        if item is None:
            return
        section = next(s for s in self.form.sections if s.id == item.data(Qt.ItemDataRole.UserRole))
        if self.current is None or section.id != self.current.id:
            self.show_section(section)

    def show_section(self, section: Section) -> None:
        """Build the page of ``section``; the position is saved so a reopened case continues here."""
        self.current = section
        self.title.setText(f"<h3 style='margin:0'>{section.title}</h3>")
        self.intro.setText(section.intro or "")
        self.intro.setVisible(bool(section.intro))
        while self.page_layout.count():
            item = self.page_layout.takeAt(0)
            old = item.widget()
            if old is not None:
                old.hide()
                old.setParent(None)
                old.deleteLater()
        self.widgets = {}
        for question in section.questions:
            widget = QuestionWidget(question, self.answers.get(question.id))
            widget.changed.connect(self._answered)
            self.widgets[question.id] = widget
            self.page_layout.addWidget(widget)
        self.page_layout.addStretch(1)
        self._apply_visibility()
        ids = [s.id for s in self.visible()]
        position = ids.index(section.id) if section.id in ids else 0
        self.back_button.setEnabled(position > 0)
        self.next_button.setEnabled(position < len(ids) - 1)
        self._dirty = True
        self.save_now()

    def _apply_visibility(self) -> None:
        if self.current is None:
            return
        shown = {q.id for q in visible_questions(self.current, self.answers, self.form)}
        for qid, widget in self.widgets.items():
            widget.setVisible(qid in shown)

    def step(self, delta: int) -> None:
        ids = [s.id for s in self.visible()]
        if self.current is None or self.current.id not in ids:
            return
        target = ids.index(self.current.id) + delta
        if 0 <= target < len(ids):
            self.sections_list.setCurrentRow(target)
            self.focus_first_question()

    def focus_first_question(self) -> None:
        """Put the cursor in the topic's first visible question (after Ctrl+PgDn/PgUp and the
        Vorige/Volgende buttons), so the consultant types on without reaching for the mouse."""
        for widget in self.widgets.values():
            if not widget.isHidden():
                widget.editor.setFocus()
                return

    # --- answers and saving -------------------------------------------------------------

    def _answered(self, question_id: str, value: object) -> None:
        widget = self.widgets.get(question_id)
        problem = validate_answer(widget.question, value) if widget and value is not None else None
        if widget:
            widget.show_error(problem)
        if problem:
            return
        if value is None:
            self.answers.pop(question_id, None)
        else:
            self.answers[question_id] = value
        self._dirty = True
        if not self._timer.isActive():
            self._show_saving(self.tr("Wijzigingen worden opgeslagen…"))
            self._timer.start()
        self._apply_visibility()
        before = [s.id for s in self.visible()]
        if before != [
            self.sections_list.item(i).data(Qt.ItemDataRole.UserRole)
            for i in range(self.sections_list.count())
        ]:
            self._refresh_sections()
        else:
            self._update_marks()

    def _update_marks(self) -> None:
        for i in range(self.sections_list.count()):
            item = self.sections_list.item(i)
            section = next(
                s for s in self.form.sections if s.id == item.data(Qt.ItemDataRole.UserRole)
            )
            item.setText(
                ("✓ " if section_complete(section, self.answers, self.form) else "○ ")
                + section.title
            )
        answered, total = progress(self.form, self.answers)
        self.progress.setMaximum(max(total, 1))
        self.progress.setValue(answered)

    def save_now(self) -> None:
        """Write the answers now (also called when the tab closes)."""
        self._timer.stop()
        if not self._dirty:
            return
        self._ctx.conversation.save_answers(
            self.conversation.id, self.answers, self.current.id if self.current else ""
        )
        self._dirty = False
        self._show_saving(self.tr("Opgeslagen om %s") % QTime.currentTime().toString("HH:mm:ss"))
        self.saved.emit()

    def _show_saving(self, text: str) -> None:
        # the autosave line is quiet grey; only completing reads as a done step
        self.status.setStyleSheet("color: #555;")
        self.status.setText(text)

    def complete(self) -> None:
        self.save_now()
        missing = self._ctx.conversation.complete(self.conversation.id, self.form, self.answers)
        if missing:
            titles = {q.id: s.title for s in self.form.sections for q in s.questions}
            lines = "\n".join(f"• {titles.get(q.id, '')}: {q.label}" for q in missing)
            QMessageBox.warning(
                self,
                self.tr("Nog niet compleet"),
                self.tr("Deze verplichte vragen zijn nog niet beantwoord:\n\n%s") % lines,
            )
            first_section = next(
                s for s in self.form.sections if any(q.id == missing[0].id for q in s.questions)
            )
            ids = [s.id for s in self.visible()]
            if first_section.id in ids:
                self.sections_list.setCurrentRow(ids.index(first_section.id))
            widget = self.widgets.get(missing[0].id)
            if widget is not None:
                widget.editor.setFocus()
            return
        tell_done(
            self.status,
            self.tr("Gesprek afgerond; het verslag kan nu worden gemaakt."),
        )
        self.completed.emit()


class ConversationPanel(QWidget):
    """The Gesprek tab: start the conversation, or continue it exactly where it stopped.

    Signals:
        changed(): the conversation was started or completed.
    """

    changed = Signal()

    def __init__(self, ctx: AppContext, case_id: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self.case_id = case_id
        self.wizard: ConversationWizard | None = None
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self.start_button = QPushButton(self.tr("Keukentafelgesprek &starten"))
        self.start_button.clicked.connect(self.start)
        self.notice = QLabel()
        self.notice.setWordWrap(True)
        self.refresh()

    def refresh(self) -> None:
        while self._layout.count():
            item = self._layout.takeAt(0)
            widget = item.widget()
            if widget is not None and widget not in (self.start_button, self.notice):
                widget.deleteLater()
        found = self._ctx.conversation.for_case(self.case_id)
        if found is None:
            forms = self._ctx.conversation.offered_forms()
            problems = self._ctx.conversation.form_errors
            text = self.tr(
                "Nog geen gesprek. Het gesprek volgt de vaste onderwerpen van het keukentafelgesprek; "
                "de hulpvraag uit de melding staat al klaar. Alles wordt direct opgeslagen, ook "
                "zonder internet."
            )
            if problems:
                text += (
                    "<br><span style='color:#b00020'>"
                    + "<br>".join(e.message for e in problems)
                    + "</span>"
                )
            self.notice.setText(text)
            self.start_button.setEnabled(bool(forms))
            self._layout.addWidget(self.notice)
            self._layout.addWidget(self.start_button, 0, Qt.AlignmentFlag.AlignLeft)
            self._layout.addStretch(1)
            self.wizard = None
            return
        conversation, form = found
        self.notice.hide()
        self.start_button.hide()
        self.wizard = ConversationWizard(self._ctx, conversation, form)
        self.wizard.completed.connect(self.changed.emit)
        self._layout.addWidget(self.wizard)

    def start(self) -> None:
        try:
            self._ctx.conversation.start(self.case_id)
        except UserError as exc:
            QMessageBox.warning(self, exc.title, exc.message)
            return
        self.refresh()
        self.changed.emit()

    def save_now(self) -> None:
        if self.wizard is not None:
            self.wizard.save_now()
