"""The Evaluaties tab and the call: the task appears after *Gesprek afronden*, the questionnaire
fills and records, *Geen bereik* moves the call, a refusal is confirmed first, a call goes to
a colleague, and the weeks-after setting."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from tests.services.test_evaluations import answer_required, complete_conversation
from wmo_desk.domain.caseload import CaseloadFilter
from wmo_desk.domain.cases import Stage
from wmo_desk.domain.evaluations import Outcome
from wmo_desk.ui.evaluation_dialog import EvaluationDialog
from wmo_desk.ui.main_window import MainWindow


def window_for(qtbot, ctx) -> MainWindow:
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.show()
    return window


def rows(panel) -> list[list[str]]:
    model = panel.model
    return [
        [model.index(r, c).data() for c in range(model.columnCount())]
        for r in range(model.rowCount())
    ]


def test_the_call_appears_after_gesprek_afronden(qtbot, demo_ctx, quiet_sync):
    ctx = demo_ctx
    window = window_for(qtbot, ctx)
    assert window.tabs.tabText(1) == "Evaluaties"
    assert rows(window.evaluations) == [] and not window.evaluations.empty.isHidden()
    flt = CaseloadFilter(municipality_code="0828", stage=Stage.ONDERZOEK)
    case_id = next(s.case_id for s in ctx.caseload.summaries(flt) if not s.on_hold)
    ctx.conversation.start(case_id)
    view = window.open_case(case_id)
    wizard = view.conversation.wizard
    wizard.answers = answer_required(wizard.form, wizard.answers)
    qtbot.mouseClick(wizard.complete_button, Qt.MouseButton.LeftButton)
    assert wizard.status.text().startswith("Gesprek afgerond")
    client = ctx.cases.view(case_id).client
    assert rows(window.evaluations) == [
        [
            "04-01-2027",
            client.display_name,
            client.phone or "geen nummer bekend",
            "1 van 3",
            "23-11-2026",
        ]
    ]
    # Ctrl+E: the tab, with the cursor in its list; the tab cannot be closed
    window.evaluations_action.trigger()
    assert window.tabs.currentWidget() is window.evaluations
    window.close_tab(window.tabs.currentIndex())
    assert window.tabs.widget(1) is window.evaluations


def open_call(qtbot, ctx, clock_day=None):
    complete_conversation(ctx)
    window_panel = MainWindow(ctx)
    qtbot.addWidget(window_panel)
    panel = window_panel.evaluations
    dialog = panel.call()
    assert isinstance(dialog, EvaluationDialog)
    return panel, dialog


def test_the_questionnaire_fills_and_records(qtbot, demo_ctx):
    ctx = demo_ctx
    panel, dialog = open_call(qtbot, ctx)
    assert len(dialog.widgets) == 15
    assert dialog.widgets["ceo.1"].editor.accessibleName().startswith("Ik voelde me")
    combo = dialog.widgets["ceo.1"].editor
    combo.setCurrentIndex(combo.findData("helemaal_eens"))
    combo = dialog.widgets["regio.aanwezig"].editor
    combo.setCurrentIndex(combo.findData("aanwezig_gewenst"))
    evaluation_id = panel.current().evaluation.id
    with qtbot.waitSignal(dialog.recorded):
        qtbot.mouseClick(dialog.done_button, Qt.MouseButton.LeftButton)
    stored = ctx.evaluations.get(evaluation_id)
    assert stored.outcome is Outcome.AFGEROND
    assert stored.answers == {"ceo.1": "helemaal_eens", "regio.aanwezig": "aanwezig_gewenst"}
    assert rows(panel) == [] and not panel.empty.isHidden()


def answer_box(action) -> list[str]:
    """Call ``action(box)`` for the next message box (the call dialog itself is modal too)."""
    seen: list[str] = []

    def poll() -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            QTimer.singleShot(20, poll)
            return
        seen.append(box.windowTitle())
        action(box)

    QTimer.singleShot(0, poll)
    return seen


def test_recording_without_answers_says_what_to_do(qtbot, demo_ctx):
    panel, dialog = open_call(qtbot, demo_ctx)
    texts = []
    answer_box(lambda box: (texts.append(box.text()), box.accept()))
    qtbot.mouseClick(dialog.done_button, Qt.MouseButton.LeftButton)
    assert texts and "ten minste één antwoord" in texts[0]
    assert dialog.isVisible() and len(rows(panel)) == 1
    dialog.reject()


def test_geen_bereik_moves_the_call_two_working_days(qtbot, demo_ctx, clock):
    clock.day = date(2026, 11, 23)
    panel, dialog = open_call(qtbot, demo_ctx)
    clock.day = date(2027, 1, 4)
    with qtbot.waitSignal(dialog.recorded):
        qtbot.mouseClick(dialog.no_answer_button, Qt.MouseButton.LeftButton)
    assert rows(panel)[0][0] == "06-01-2027" and rows(panel)[0][3] == "2 van 3"
    clock.day = date(2027, 1, 7)
    panel.refresh()
    assert rows(panel)[0][0] == "Te laat, sinds 06-01-2027"


def test_a_refusal_is_confirmed_first(qtbot, demo_ctx):
    panel, dialog = open_call(qtbot, demo_ctx)
    evaluation_id = panel.current().evaluation.id
    asked = answer_box(lambda box: box.escapeButton().click())
    qtbot.mouseClick(dialog.refuse_button, Qt.MouseButton.LeftButton)
    assert asked == ["Wil niet meewerken"]
    assert demo_ctx.evaluations.get(evaluation_id).is_open and dialog.isVisible()

    def accept(box):
        next(b for b in box.buttons() if b.text() == "Vastleggen").click()

    answer_box(accept)
    with qtbot.waitSignal(dialog.recorded):
        qtbot.mouseClick(dialog.refuse_button, Qt.MouseButton.LeftButton)
    assert demo_ctx.evaluations.get(evaluation_id).outcome is Outcome.WIL_NIET
    assert rows(panel) == []


def test_a_call_goes_to_a_colleague(qtbot, demo_ctx):
    panel, dialog = open_call(qtbot, demo_ctx)
    dialog.reject()
    evaluation_id = panel.current().evaluation.id
    chosen = []

    def choose(names):
        chosen.extend(names)
        return names[0], True

    assert panel.reassign(choose)
    assert chosen and rows(panel) == []
    assert demo_ctx.evaluations.get(evaluation_id).assignee_id != demo_ctx.profile.user.id


def test_the_weeks_setting(qtbot, demo_ctx):
    window = window_for(qtbot, demo_ctx)
    dialog = window.open_evaluation_settings()
    assert dialog.weeks.value() == 6
    dialog.weeks.setValue(8)
    dialog.save()
    assert demo_ctx.evaluations.weeks() == 8


def test_the_tab_and_the_call_have_names_and_each_alt_letter_once(qtbot, demo_ctx):
    from tests.ui.test_mnemonics import clashes, unnamed

    complete_conversation(demo_ctx)
    window = window_for(qtbot, demo_ctx)
    window.resize(1280, 720)
    window.show_evaluations()
    qtbot.wait(1)
    assert clashes(window) == {} and unnamed(window) == []
    dialog = window.evaluations.call()
    qtbot.waitExposed(dialog)
    assert clashes(dialog) == {} and unnamed(dialog) == []
    dialog.reject()


def test_the_team_lead_oversees_every_open_call_and_who_makes_it(qtbot, demo_ctx):
    from dataclasses import replace

    from tests.ui.test_mnemonics import clashes, unnamed
    from wmo_desk.domain.users import Role

    complete_conversation(demo_ctx)  # the consultant's call
    consultant = demo_ctx.profile.user
    lead = next(u for u in demo_ctx.profiles.users() if u.role is Role.TEAMLEIDER)
    demo_ctx.activate(replace(demo_ctx.profile, user=lead))
    window = window_for(qtbot, demo_ctx)
    window.resize(1280, 720)
    window.show_evaluations()
    panel = window.evaluations
    assert panel.everyone.isVisible() and not panel.everyone.isChecked()
    assert rows(panel) == [] and panel.empty.isVisible()  # none of his own

    panel.everyone.setChecked(True)
    [row] = rows(panel)
    assert panel.model.headerData(5, Qt.Orientation.Horizontal) == "Toegewezen aan"
    assert row[5] == consultant.name and row[3] == "1 van 3"
    assert not panel.empty.isVisible() and panel.call_button.isEnabled()
    assert clashes(window) == {} and unnamed(window) == []

    panel.everyone.setChecked(False)
    assert rows(panel) == []


def test_a_consultant_has_no_team_overview(qtbot, demo_ctx):
    complete_conversation(demo_ctx)
    window = window_for(qtbot, demo_ctx)
    window.show_evaluations()
    assert not window.evaluations.everyone.isVisible()
    assert len(rows(window.evaluations)) == 1
    assert window.evaluations.model.columnCount() == 5
