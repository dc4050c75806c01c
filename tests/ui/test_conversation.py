"""The keukentafelgesprek wizard: navigation, autosave, completion, and surviving a kill."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

from PySide6.QtCore import Qt

from wmo_desk.domain.cases import Stage
from wmo_desk.domain.forms import QuestionType, missing_required, visible_sections
from wmo_desk.services.context import AppContext
from wmo_desk.services.conversation import PREFILL
from wmo_desk.ui.conversation_view import ConversationPanel, ConversationWizard

ROOT = Path(__file__).resolve().parents[2]


def first_case_in(ctx, stage: Stage) -> str:
    from wmo_desk.domain.caseload import CaseloadFilter

    flt = CaseloadFilter(municipality_code=ctx.profile.municipality_code, stage=stage)
    return ctx.caseload.summaries(flt)[0].case_id


def long_text_section(form):
    """A section shown from the start that has an unconditional long-text question."""
    for section in visible_sections(form, {}):
        if section.condition is None and any(
            q.type is QuestionType.LONG_TEXT and q.condition is None for q in section.questions
        ):
            return section
    raise AssertionError("the shipped form has no long-text question")


def test_start_navigate_and_continue_where_it_stopped(qtbot, demo_ctx):
    case_id = first_case_in(demo_ctx, Stage.ONDERZOEK)
    panel = ConversationPanel(demo_ctx, case_id)
    qtbot.addWidget(panel)
    assert panel.start_button.isEnabled()
    qtbot.mouseClick(panel.start_button, Qt.MouseButton.LeftButton)
    wizard = panel.wizard
    assert isinstance(wizard, ConversationWizard)
    sections = wizard.visible()
    assert wizard.current.id == sections[0].id
    assert not wizard.back_button.isEnabled()
    qtbot.mouseClick(wizard.next_button, Qt.MouseButton.LeftButton)
    assert wizard.current.id == sections[1].id
    target = long_text_section(wizard.form)
    wizard.sections_list.setCurrentRow([s.id for s in wizard.visible()].index(target.id))
    question = next(
        q
        for q in target.questions
        if q.type is QuestionType.LONG_TEXT and q.condition is None and q.id not in PREFILL
    )
    editor = wizard.widgets[question.id].editor
    qtbot.keyClicks(editor, "Mevrouw wil graag zelf blijven koken.")
    qtbot.waitUntil(lambda: wizard.status.text().startswith("Opgeslagen om"), timeout=3000)

    # reopened (a new panel reads from the database): same section, same text
    again = ConversationPanel(demo_ctx, case_id)
    qtbot.addWidget(again)
    assert again.wizard.current.id == target.id
    assert (
        again.wizard.widgets[question.id].editor.toPlainText()
        == "Mevrouw wil graag zelf blijven koken."
    )
    answered, total = again.wizard.progress.value(), again.wizard.progress.maximum()
    assert answered >= 1 and total > answered


def test_completing_lists_the_missing_required_answers(qtbot, demo_ctx, answer_modal):
    case_id = first_case_in(demo_ctx, Stage.ONDERZOEK)
    demo_ctx.conversation.start(case_id)
    panel = ConversationPanel(demo_ctx, case_id)
    qtbot.addWidget(panel)
    texts = []
    answer_modal(lambda box: (texts.append(box.text()), box.accept()))
    qtbot.mouseClick(panel.wizard.complete_button, Qt.MouseButton.LeftButton)
    missing = missing_required(panel.wizard.form, {})
    assert missing, "the shipped form has required questions"
    assert texts and all(q.label in texts[0] for q in missing[:3])
    conversation, _form = demo_ctx.conversation.for_case(case_id)
    assert not conversation.completed


def test_a_killed_process_loses_at_most_two_seconds_of_typing(tmp_path, clock):
    from tests.fakes import passphrase_keys
    from wmo_desk.services.demo import fill_demo

    folder = tmp_path / "profiel"
    ctx = AppContext.open(folder, clock, keys=passphrase_keys(folder))
    fill_demo(ctx)
    case_id = first_case_in(ctx, Stage.ONDERZOEK)
    conversation, form = ctx.conversation.start(case_id)
    section = long_text_section(form)
    question = next(
        q for q in section.questions if q.type is QuestionType.LONG_TEXT and q.condition is None
    )
    ctx.conversation.save_answers(conversation.id, {}, section.id)
    ctx.close()

    child = subprocess.Popen(
        [sys.executable, "-m", "tests.ui.typist", str(folder), case_id],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    typed_at: list[tuple[int, float]] = []
    started = time.monotonic()
    assert child.stdout is not None
    while time.monotonic() - started < 60:
        line = child.stdout.readline()
        if not line:
            break
        count, at = line.split()
        typed_at.append((int(count), float(at)))
        if int(count) >= 120:  # about 3 seconds of typing
            break
    child.send_signal(signal.SIGKILL)
    killed_at = time.monotonic()
    child.wait(timeout=10)
    child.stdout.close()
    assert len(typed_at) >= 100, "the typist did not get going"

    ctx = AppContext.open(folder, clock, backup=False, keys=passphrase_keys(folder))
    with ctx.db.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
    saved, _form = ctx.conversation.for_case(case_id)
    ctx.close()
    kept = len(str(saved.answers.get(question.id, "")))
    typed_two_seconds_before_kill = max(
        (n for n, at in typed_at if at <= killed_at - 2.0), default=0
    )
    assert kept >= typed_two_seconds_before_kill > 0
    assert kept <= typed_at[-1][0]
    assert set(str(saved.answers[question.id])) == {"x"}


def test_the_next_topic_opens_with_the_cursor_in_its_first_question(qtbot, demo_ctx):
    from PySide6.QtWidgets import QApplication

    case_id = first_case_in(demo_ctx, Stage.ONDERZOEK)
    panel = ConversationPanel(demo_ctx, case_id)
    qtbot.addWidget(panel)
    with qtbot.waitActive(panel):
        panel.show()
        panel.activateWindow()
    qtbot.mouseClick(panel.start_button, Qt.MouseButton.LeftButton)
    wizard = panel.wizard
    sections = wizard.visible()
    qtbot.mouseClick(wizard.next_button, Qt.MouseButton.LeftButton)  # as Ctrl+PgDn does
    assert wizard.current.id == sections[1].id
    first = next(w for w in wizard.widgets.values() if not w.isHidden())
    focused = QApplication.focusWidget()
    assert focused is first.editor or first.editor.isAncestorOf(focused)
