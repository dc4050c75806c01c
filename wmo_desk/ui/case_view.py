"""The case view: client, stage, legal deadlines, timeline, and the process steps."""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING

from PySide6.QtCore import QAbstractTableModel, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QScrollArea,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from wmo_desk.domain.bsn import mask_bsn
from wmo_desk.domain.cases import Stage
from wmo_desk.domain.deadlines import Deadline, DeadlineKind
from wmo_desk.domain.decisions import DecisionStatus
from wmo_desk.services.cases import CaseView
from wmo_desk.services.context import AppContext
from wmo_desk.ui.case_dialogs import CloseDialog, HoldDialog, StageDialog
from wmo_desk.ui.confirm import feedback_label, tell_done
from wmo_desk.ui.conversation_view import ConversationPanel
from wmo_desk.ui.decision_view import DecisionPanel
from wmo_desk.ui.display import days_left_text, long_date, short_date, weekday_date
from wmo_desk.ui.fields import date_value
from wmo_desk.ui.inzage_dialog import InzageDialog
from wmo_desk.ui.layout import scrolled
from wmo_desk.ui.results_view import ResultsPanel
from wmo_desk.ui.suggestions_view import SuggestionsPanel
from wmo_desk.ui.table_model import RowsModel
from wmo_desk.ui.verslag_view import VerslagPanel
from wmo_desk.ui.zrm_view import ZrmPanel

if TYPE_CHECKING:
    from wmo_desk.ui.signal_dialog import SignalDialog


class DeadlinesModel(RowsModel):
    """The running statutory terms of one case."""

    headers = ("Termijn", "Vanaf", "Uiterlijk", "Status")

    def __init__(self, deadlines: tuple[Deadline, ...], today, parent=None) -> None:
        super().__init__(deadlines, parent)
        self._today = today

    def text(self, d: Deadline, column: int) -> str:
        return (d.kind.label, short_date(d.start), weekday_date(d.due), self._status(d))[column]

    def style(self, d: Deadline, column: int, role: int):
        if role == Qt.ItemDataRole.BackgroundRole and column == 3 and not d.on_hold:
            if d.is_overdue(self._today) and d.binding:
                return QBrush(QColor("#f8d0d0"))
            if d.is_urgent(self._today):
                return QBrush(QColor("#fff1c2"))
        return None

    def _status(self, d: Deadline) -> str:
        parts = []
        if d.met_on is not None:
            late = "" if d.met_in_time() else " (na de termijn)"
            parts.append(f"besloten op {short_date(d.met_on)}{late}")
        elif d.on_hold:
            parts.append("opgeschort: termijn staat stil")
        elif d.is_overdue(self._today) and not d.binding:
            parts.append("verstreken")
        else:
            parts.append(days_left_text(d.days_left(self._today)))
        if d.hold_days:
            parts.append(f"{d.hold_days} dagen verlengd door opschorting")
        if not d.binding:
            parts.append("termijn voor de cliënt")
        return "; ".join(parts)


class TimelineModel(RowsModel):
    """What happened in the case, newest first."""

    headers = ("Wanneer", "Wie", "Wat")

    def __init__(self, view: CaseView, parent=None) -> None:
        super().__init__(tuple(reversed(view.timeline)), parent)

    def text(self, e, column: int) -> str:
        local = e.at.astimezone()
        when = f"{short_date(local.date())} {local.hour:02d}:{local.minute:02d}"
        return (when, e.actor_name, e.text)[column]


def _table(model: QAbstractTableModel) -> QTableView:
    view = QTableView()
    view.setModel(model)
    view.verticalHeader().hide()
    view.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
    view.setEditTriggers(QTableView.EditTrigger.NoEditTriggers)
    view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    view.horizontalHeader().setStretchLastSection(True)
    view.setWordWrap(True)
    return view


class CaseViewWidget(QWidget):
    """One case, opened in a tab of the main window.

    Signals:
        changed(str): the case with this id changed (the caseload should reload).
        conflicts_requested(str): the user wants to settle this case's sync conflicts.
    """

    changed = Signal(str)
    conflicts_requested = Signal(str)

    def __init__(self, ctx: AppContext, case_id: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self.case_id = case_id
        self.header = QLabel()
        self.header.setObjectName("case_header")
        self.header.setTextFormat(Qt.TextFormat.RichText)
        self.header.setWordWrap(True)
        self.conflict_banner = QFrame()
        self.conflict_banner.setObjectName("conflict_banner")
        self.conflict_banner.setStyleSheet(
            "#conflict_banner { background: #fdecea; border: 1px solid #e0a0a0; border-radius: 3px; }"
        )
        banner_text = QLabel(
            self.tr(
                "<b>Deze casus heeft een synchronisatieconflict.</b> Er zijn twee versies bewaard; "
                "kies welke blijft."
            )
        )
        banner_text.setObjectName("conflict_text")
        banner_text.setWordWrap(True)
        self.conflict_button = QPushButton(self.tr("Conflict bekijken…"))
        self.conflict_button.setObjectName("conflict_button")
        self.conflict_button.clicked.connect(lambda: self.conflicts_requested.emit(self.case_id))
        banner_layout = QHBoxLayout(self.conflict_banner)
        banner_layout.setContentsMargins(8, 4, 8, 4)
        banner_layout.addWidget(banner_text, 1)
        banner_layout.addWidget(self.conflict_button)
        self.conflict_banner.hide()
        self.stage_label = QLabel()
        self.stage_label.setObjectName("stage_label")
        self.stage_label.setTextFormat(Qt.TextFormat.RichText)
        self.stage_label.setWordWrap(True)
        self.request = QLabel()
        self.request.setWordWrap(True)
        self.request.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.request.setAccessibleName(self.tr("Hulpvraag"))
        self.deadlines = _table(DeadlinesModel((), ctx.clock.today()))
        self.deadlines.setObjectName("deadlines")
        self.deadlines.setAccessibleName(self.tr("Termijnen"))
        self.deadlines.setMaximumHeight(120)
        self.timeline = _table(TimelineModel(CaseView(None, None, None, (), None, (), ())))  # type: ignore[arg-type]
        self.timeline.setObjectName("timeline")
        self.timeline.setAccessibleName(self.tr("Tijdlijn"))

        self.step_buttons = QHBoxLayout()
        self.hold_button = QPushButton(self.tr("Opschorten…"))
        self.resume_button = QPushButton(self.tr("Hervatten"))
        self.close_button = QPushButton(self.tr("Afsluiten…"))
        self.hold_button.clicked.connect(self._hold)
        self.resume_button.clicked.connect(self._resume)
        self.close_button.clicked.connect(self._close)
        actions = QHBoxLayout()
        actions.addLayout(self.step_buttons)
        actions.addStretch(1)
        for button in (self.hold_button, self.resume_button, self.close_button):
            actions.addWidget(button)

        process = QGroupBox(self.tr("Proces en termijnen"))
        pl = QVBoxLayout(process)
        pl.addWidget(self.stage_label)
        pl.addWidget(self.deadlines)
        pl.addLayout(actions)
        self.feedback = feedback_label("case_feedback")
        pl.addWidget(self.feedback)
        request_box = QGroupBox(self.tr("Hulpvraag"))
        QVBoxLayout(request_box).addWidget(self.request)
        history = QGroupBox(self.tr("Tijdlijn"))
        QVBoxLayout(history).addWidget(self.timeline)

        overview = QWidget()
        overview_layout = QVBoxLayout(overview)
        overview_layout.addWidget(process)
        overview_layout.addWidget(request_box)
        overview_layout.addWidget(history, 1)
        self.sections = QTabWidget()
        self.sections.setObjectName("case_sections")
        # every page scrolls when the window is small: no page's form sets the window's minimum
        self.sections.addTab(scrolled(overview, "overview_scroll"), self.tr("Overzicht"))
        self.conversation = ConversationPanel(ctx, case_id)
        self.conversation.changed.connect(self._after)
        self.sections.addTab(self.conversation, self.tr("Gesprek"))  # scrolls by itself
        self.zrm = ZrmPanel(ctx, case_id)
        self.results = ResultsPanel(ctx, case_id)
        self.sections.addTab(self.zrm, self.tr("ZRM"))  # scrolls by itself
        self.sections.addTab(scrolled(self.results, "results_scroll"), self.tr("Resultaten"))
        self.providers = SuggestionsPanel(ctx, case_id)
        self.providers.chosen.connect(self._after)
        self.sections.addTab(scrolled(self.providers, "providers_scroll"), self.tr("Aanbieders"))
        self.verslag = VerslagPanel(ctx, case_id)
        self.verslag.changed.connect(self._after)
        self.conversation.changed.connect(self.verslag.refresh)
        self.sections.addTab(scrolled(self.verslag, "verslag_scroll"), self.tr("Verslag"))
        self.decision = DecisionPanel(ctx, case_id)
        self.decision.changed.connect(self._after)
        self.providers.chosen.connect(self.decision.refresh)
        self.sections.addTab(scrolled(self.decision, "decision_scroll"), self.tr("Besluit"))
        # The tabs are reached with Ctrl+1 … Ctrl+7 (and Ctrl+Tab), not with Alt letters: those stay
        # free for the fields and buttons on the tabs, so no Alt letter means two things at once.
        for index in range(self.sections.count()):
            shortcut = QShortcut(QKeySequence(f"Ctrl+{index + 1}"), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(lambda i=index: self._show_section(i))
            self.sections.setTabToolTip(index, f"Ctrl+{index + 1}")
        # AVG art. 15: the team lead makes the client's overview of who looked at the file
        self.inzage_button = QPushButton(self.tr("Inzageoverzicht…"))
        self.inzage_button.setObjectName("inzage_button")
        self.inzage_button.setAccessibleName(self.tr("Inzageoverzicht voor de cliënt maken"))
        self.inzage_button.setToolTip(
            self.tr("Wie heeft dit dossier ingezien of gewijzigd, en wanneer (AVG art. 15)")
        )
        self.inzage_button.setVisible(ctx.inzage.allowed())
        self.inzage_button.clicked.connect(self.open_inzage)
        # a signal about a provider to the regional meldpunt (wmo_desk/ui/signal_dialog.py)
        self.signal_button = QPushButton(self.tr("Signaal melden…"))
        self.signal_button.setObjectName("signal_button")
        self.signal_button.setAccessibleName(self.tr("Signaal over een aanbieder melden"))
        self.signal_button.clicked.connect(self.report_signal)
        top = QHBoxLayout()
        top.addWidget(self.header, 1)
        top.addWidget(self.signal_button, 0, Qt.AlignmentFlag.AlignTop)
        top.addWidget(self.inzage_button, 0, Qt.AlignmentFlag.AlignTop)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.conflict_banner)
        layout.addWidget(self.sections, 1)
        self.view: CaseView | None = None
        self.refresh()

    def report_signal(self) -> SignalDialog:
        """Open *Signaal melden* for this case; the case view says when it was saved."""
        from wmo_desk.ui.signal_dialog import SignalDialog

        name = self.view.client.display_name if self.view else ""
        dialog = SignalDialog(self._ctx, self.case_id, name, self)
        dialog.saved.connect(
            lambda _id: tell_done(
                self.feedback,
                self.tr(
                    "Signaal opgeslagen; het gaat naar het meldpunt bij de volgende synchronisatie."
                ),
            )
        )
        dialog.open()
        return dialog

    def _show_section(self, index: int) -> None:
        self.sections.setCurrentIndex(index)
        page = self.sections.currentWidget()
        if isinstance(page, QScrollArea):
            page = page.widget()
        if page is not None:
            page.setFocus()
            page.focusNextChild()

    def refresh(self) -> None:
        self.view = v = self._ctx.cases.view(self.case_id)
        c = v.client
        contact = " · ".join(p for p in (c.phone, c.email) if p)
        self.header.setText(
            f"<h2 style='margin:0'>{escape(c.display_name)}</h2>"
            f"BSN {mask_bsn(c.bsn)} · geboren {long_date(c.birth_date)} · "
            f"{escape(c.address.street_line())}, {escape(c.address.place_line())}"
            + (f" · {escape(contact)}" if contact else "")
        )
        stage = f"<b>Fase:</b> {escape(self._stage_text())}"
        if v.consultant:
            stage += f" · <b>Consulent:</b> {escape(v.consultant.name)}"
        stage += f" · <b>Melding:</b> {long_date(v.case.melding_date)}"
        if v.case.aanvraag_date:
            stage += f" · <b>Aanvraag:</b> {long_date(v.case.aanvraag_date)}"
        hold = v.case.current_hold
        if hold:
            stage += (
                f"<br><span style='color:#8a5300'><b>Opgeschort</b> sinds {long_date(hold.start)}: "
                f"{escape(hold.reason)}</span>"
            )
        if v.case.is_closed and v.case.close_reason:
            stage += f"<br><b>Afgesloten</b> op {long_date(v.case.closed_date)}: {escape(v.case.close_reason.label)}"
        self.stage_label.setText(stage)
        self.request.setText(v.case.request_text)
        self.deadlines.setModel(DeadlinesModel(v.deadlines, self._ctx.clock.today()))
        self.deadlines.setVisible(bool(v.deadlines))
        self.timeline.setModel(TimelineModel(v))
        while self.step_buttons.count():
            item = self.step_buttons.takeAt(0)
            if item.widget():
                item.widget().deleteLater()
        for target in v.next_stages:
            button = QPushButton(self.tr("Naar fase: %s") % target.label)
            button.setObjectName(f"to_{target.value}")
            button.clicked.connect(lambda _=False, t=target: self._move(t))
            self.step_buttons.addWidget(button)
        open_case = not v.case.is_closed
        self.hold_button.setVisible(open_case and hold is None)
        self.resume_button.setVisible(hold is not None)
        self.close_button.setVisible(open_case)
        self.conflict_banner.setVisible(bool(self._ctx.sync.conflicts(self.case_id)))

    def _stage_text(self) -> str:
        """The stage, and while the decision is being prepared how far the decision is.

        Approval makes the decision final but does not send it: the case stays in *aanvraag*
        until the beschikking is sent, so the label says what happened meanwhile.
        """
        assert self.view is not None
        case = self.view.case
        decisions = self._ctx.decisions.for_case(self.case_id)
        latest = decisions[-1] if decisions else None
        shown = self.decision.decision
        if latest is not None and (
            shown is None or (shown.id, shown.status) != (latest.id, latest.status)
        ):
            # approved or returned elsewhere (the team lead's tab, a sync): the Besluit tab follows;
            # an unchanged decision is not re-read, so nothing typed there is lost
            self.decision.refresh()
        if case.stage not in (Stage.AANVRAAG, Stage.BESLOTEN) or latest is None:
            return case.stage.label
        if latest.status is DecisionStatus.DEFINITIEF:
            return self.tr("Besluit genomen (kenmerk %s, %s), beschikking nog niet verzonden") % (
                latest.kenmerk,
                long_date(latest.decision_date),
            )
        if latest.status is DecisionStatus.INGEDIEND:
            return self.tr("Aanvraag, besluit ter goedkeuring bij de teamleider")
        return case.stage.label

    def open_inzage(self) -> InzageDialog:
        """The inzage dialog of this case's client (it fetches the report as it opens)."""
        assert self.view is not None
        dialog = InzageDialog(self._ctx, self.view.client.id, self.case_id, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.setModal(True)
        dialog.show()
        return dialog

    def save_now(self) -> None:
        """Write whatever is still unsaved (the tab or the window is closing)."""
        self.conversation.save_now()

    def _after(self) -> None:
        self.refresh()
        self.changed.emit(self.case_id)

    def _move(self, target) -> None:
        assert self.view is not None
        dialog = StageDialog(self.view.case.stage, target, self._ctx.clock.today(), self)
        dialog.action = lambda: self._ctx.cases.move(self.case_id, target, dialog.chosen_date)
        if dialog.exec():
            self._after()
            text = self.tr("Fase gewijzigd naar '%s'.") % target.label
            due = self._due(DeadlineKind.BESLISSING) if target is Stage.AANVRAAG else None
            if due:
                text += " " + self.tr("Beschikking uiterlijk %s.") % weekday_date(due)
            tell_done(self.feedback, text)

    def _due(self, kind: DeadlineKind):
        assert self.view is not None
        return next((d.due for d in self.view.deadlines if d.kind is kind), None)

    def _hold(self) -> None:
        dialog = HoldDialog(self._ctx.clock.today(), self)
        dialog.action = lambda: self._ctx.cases.hold(
            self.case_id, date_value(dialog.date_edit), dialog.reason.text()
        )
        if dialog.exec():
            self._after()
            tell_done(
                self.feedback,
                self.tr("Dossier opgeschort vanaf %s; de termijnen staan stil.")
                % long_date(date_value(dialog.date_edit)),
            )

    def _resume(self) -> None:
        self._ctx.cases.resume(self.case_id, self._ctx.clock.today())
        self._after()
        tell_done(self.feedback, self.tr("Dossier hervat; de termijnen lopen weer."))

    def _close(self) -> None:
        dialog = CloseDialog(self._ctx.clock.today(), self)
        dialog.action = lambda: self._ctx.cases.close(
            self.case_id,
            dialog.chosen_reason,
            date_value(dialog.date_edit),
            dialog.note.toPlainText(),
        )
        if dialog.exec():
            self._after()
            tell_done(
                self.feedback,
                self.tr("Dossier afgesloten: %s.") % dialog.chosen_reason.label.lower(),
            )
