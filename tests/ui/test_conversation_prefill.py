"""A new keukentafelgesprek starts with the melding's hulpvraag: nothing is typed twice."""

from __future__ import annotations

from PySide6.QtCore import Qt

from tests.ui.test_conversation import first_case_in
from wmo_desk.domain.cases import Stage
from wmo_desk.ui.conversation_view import ConversationPanel


def test_the_conversation_shows_the_hulpvraag_of_the_melding(qtbot, demo_ctx):
    case_id = first_case_in(demo_ctx, Stage.ONDERZOEK)
    request = demo_ctx.cases.view(case_id).case.request_text
    panel = ConversationPanel(demo_ctx, case_id)
    qtbot.addWidget(panel)
    assert "forms/" not in panel.notice.text()
    assert "hulpvraag uit de melding" in panel.notice.text()
    qtbot.mouseClick(panel.start_button, Qt.MouseButton.LeftButton)
    wizard = panel.wizard
    titles = [s.id for s in wizard.visible()]
    wizard.sections_list.setCurrentRow(titles.index("hulpvraag"))
    editor = wizard.widgets["hulpvraag.vraag"].editor
    assert editor.toPlainText() == request
    # stored as an answer: the progress counts it and a reopened conversation has it
    conversation, _form = demo_ctx.conversation.for_case(case_id)
    assert conversation.answers["hulpvraag.vraag"] == request
    assert wizard.progress.value() >= 1


def test_an_empty_hulpvraag_is_not_an_answer(demo_ctx):
    from dataclasses import replace

    from wmo_desk.services.conversation import prefilled_answers

    case_id = first_case_in(demo_ctx, Stage.ONDERZOEK)
    case = demo_ctx.cases.view(case_id).case
    form = demo_ctx.conversation.offered_forms()[0]
    assert prefilled_answers(form, case) == {"hulpvraag.vraag": case.request_text}
    assert prefilled_answers(form, replace(case, request_text="  ")) == {}
