"""The evaluation call: the questionnaire from forms/ read out and answered during the call, and
its outcome: *Afgerond*, *Geen bereik* (try again later) or *Wil niet meewerken*."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from wmo_desk.domain.errors import UserError
from wmo_desk.domain.evaluations import MAX_TRIES, Evaluation
from wmo_desk.services.context import AppContext
from wmo_desk.services.evaluations import EvaluationTask
from wmo_desk.ui.confirm import confirm
from wmo_desk.ui.question_widgets import QuestionWidget


class EvaluationDialog(QDialog):
    """One call: whom to call, the questions, and the three ways it can end.

    Signals:
        recorded(str): the outcome of this evaluation (its id) was stored.
    """

    recorded = Signal(str)

    def __init__(self, ctx: AppContext, task: EvaluationTask, parent: QWidget | None = None):
        super().__init__(parent)
        self._ctx = ctx
        self.task = task
        self.form = ctx.evaluations.form()
        self.answers: dict[str, object] = {}
        #: what was recorded (None until then)
        self.result: Evaluation | None = None
        evaluation = task.evaluation
        self.setObjectName("evaluation_call")
        self.setWindowTitle(self.tr("Evaluatiegesprek – %s") % task.client_name)
        layout = QVBoxLayout(self)
        who = QLabel(
            self.tr("<b>Bel %s</b> op <b>%s</b> · poging %d van %d")
            % (
                task.client_name,
                task.phone or self.tr("(geen telefoonnummer bekend)"),
                evaluation.attempts + 1,
                MAX_TRIES,
            )
        )
        who.setObjectName("evaluation_who")
        who.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        who.setAccessibleName(
            self.tr("Bel %s op %s") % (task.client_name, task.phone or self.tr("onbekend nummer"))
        )
        layout.addWidget(who)
        privacy = QLabel(
            self.tr(
                "Alleen de gekozen antwoorden gaan naar de regio, zonder naam, BSN of dossier. "
                "Een vraag die de cliënt niet wil beantwoorden, laat u leeg."
            )
        )
        privacy.setWordWrap(True)
        privacy.setStyleSheet("color: #555;")
        layout.addWidget(privacy)
        body = QWidget()
        inner = QVBoxLayout(body)
        self.widgets: dict[str, QuestionWidget] = {}
        for section in self.form.sections:
            box = QGroupBox(section.title)
            box_layout = QVBoxLayout(box)
            if section.intro:
                intro = QLabel(section.intro)
                intro.setWordWrap(True)
                intro.setStyleSheet("color: #555;")
                box_layout.addWidget(intro)
            for question in section.questions:
                widget = QuestionWidget(question, None)
                widget.editor.setAccessibleName(question.label)
                widget.changed.connect(self._answered)
                box_layout.addWidget(widget)
                self.widgets[question.id] = widget
            inner.addWidget(box)
        inner.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(body)
        scroll.setAccessibleName(self.tr("Vragenlijst cliëntervaring"))
        layout.addWidget(scroll, 1)
        buttons = QHBoxLayout()
        self.done_button = QPushButton(self.tr("&Afgerond"))
        self.done_button.setObjectName("evaluation_done")
        self.done_button.setToolTip(self.tr("Het gesprek is gevoerd: de antwoorden vastleggen."))
        self.no_answer_button = QPushButton(self.tr("&Geen bereik"))
        self.no_answer_button.setObjectName("evaluation_no_answer")
        self.no_answer_button.setToolTip(
            self.tr("Niet bereikt: over twee werkdagen opnieuw, hoogstens %d keer.") % MAX_TRIES
        )
        self.refuse_button = QPushButton(self.tr("&Wil niet meewerken"))
        self.refuse_button.setObjectName("evaluation_refused")
        self.cancel_button = QPushButton(self.tr("Sluiten zonder vast te leggen"))
        self.cancel_button.setObjectName("evaluation_cancel")
        self.done_button.clicked.connect(self.complete)
        self.no_answer_button.clicked.connect(self.no_answer)
        self.refuse_button.clicked.connect(lambda: self.refuse())
        self.cancel_button.clicked.connect(self.reject)
        for button in (self.done_button, self.no_answer_button, self.refuse_button):
            # Enter in a question must not end the call: every outcome is a deliberate click
            button.setAutoDefault(False)
            buttons.addWidget(button)
        self.cancel_button.setAutoDefault(False)
        buttons.addStretch(1)
        buttons.addWidget(self.cancel_button)
        layout.addLayout(buttons)
        self.resize(760, 640)

    def _answered(self, question_id: str, value: object) -> None:
        if value is None:
            self.answers.pop(question_id, None)
        else:
            self.answers[question_id] = value

    def _store(self, work) -> bool:
        try:
            self.result = work()
        except UserError as exc:
            QMessageBox.warning(self, exc.title, exc.message)
            return False
        self.recorded.emit(self.task.evaluation.id)
        self.accept()
        return True

    def complete(self) -> bool:
        evaluation_id = self.task.evaluation.id
        return self._store(lambda: self._ctx.evaluations.complete(evaluation_id, self.answers))

    def no_answer(self) -> bool:
        evaluation_id = self.task.evaluation.id
        return self._store(lambda: self._ctx.evaluations.no_answer(evaluation_id))

    def refuse(self, ask=confirm) -> bool:
        """After a confirmation: the client does not want to take part (not called again)."""
        if not ask(
            self,
            self.tr("Wil niet meewerken"),
            self.tr("Vastleggen dat %s niet wil meewerken aan de evaluatie?")
            % self.task.client_name,
            self.tr("Vastleggen"),
            self.tr(
                "De cliënt wordt voor deze evaluatie niet meer gebeld. Gegeven antwoorden worden "
                "niet bewaard. Dit kan niet ongedaan worden gemaakt."
            ),
            irreversible=True,
        ):
            return False
        evaluation_id = self.task.evaluation.id
        return self._store(lambda: self._ctx.evaluations.refuse(evaluation_id))
