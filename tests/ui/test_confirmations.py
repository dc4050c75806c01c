"""Confirmations before a step that starts a legal term or cannot be undone, and the feedback after."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

from PySide6.QtCore import QDate, Qt

from tests.services.test_documents import a_case
from tests.services.test_verslag import fill_required
from tests.ui.conftest import escape, press, queue_read
from wmo_desk.domain.cases import Stage
from wmo_desk.domain.deadlines import term_end
from wmo_desk.domain.decisions import (
    DecisionOutcome,
    DecisionStatus,
    DeliveryForm,
    Provision,
)
from wmo_desk.domain.users import Role
from wmo_desk.ui.display import long_date, weekday_date

# --- the steps --------------------------------------------------------------------------


def as_role(ctx, role: Role) -> None:
    user = next(u for u in ctx.profiles.users() if u.role is role)
    ctx.activate(replace(ctx.profile, user=user))


def completed_conversation(ctx) -> str:
    case_id = a_case(ctx, Stage.ONDERZOEK)
    conversation, form = ctx.conversation.start(case_id)
    answers = fill_required(form, {})
    ctx.conversation.save_answers(conversation.id, answers, form.sections[0].id)
    assert ctx.conversation.complete(conversation.id, form, answers) == []
    return case_id


def a_proposal(ctx, case_id: str, submit: bool):
    ranked = ctx.suggestions.suggestions(case_id, "dagbesteding").ranked
    catalogue = ctx.catalogues.current()
    product = next(
        c
        for c in ranked[0].provider.product_codes
        if catalogue.product(c).care_form == "dagbesteding"
    )
    d = ctx.decisions.propose(case_id, DecisionOutcome.TOEGEKEND, "Zie verslag.")
    provision = Provision(
        decision_id=d.id, product_code=product, result="Structuur",
        start=date(2026, 12, 1), end=date(2027, 5, 31), delivery_form=DeliveryForm.NATURA,
        volume=2, unit="16", frequency="2", provider_id=ranked[0].provider.id,
    )  # fmt: skip
    d = ctx.decisions.save(d, provisions=(provision,))
    return ctx.decisions.submit(d) if submit else d


def latest_decision(ctx, case_id: str):
    return ctx.decisions.for_case(case_id)[-1]


def test_signing_the_verslag_names_the_decision_deadline_and_cancel_records_nothing(
    qtbot, demo_ctx, answer_modal
):
    from wmo_desk.ui.verslag_view import VerslagPanel

    ctx = demo_ctx
    case_id = completed_conversation(ctx)
    panel = VerslagPanel(ctx, case_id)
    qtbot.addWidget(panel)
    signed = ctx.clock.today() - timedelta(days=1)
    panel.signed_on.setDate(QDate(signed.year, signed.month, signed.day))
    due = weekday_date(term_end(signed, timedelta(weeks=2)))

    seen: list[str] = []
    answer_modal(escape(seen))
    qtbot.mouseClick(panel.sign_button, Qt.MouseButton.LeftButton)
    assert f"ondertekend op {long_date(signed)}" in seen[0]
    assert f"De beschikking moet dan uiterlijk {due} zijn gegeven." in seen[0]
    case = ctx.cases.view(case_id).case
    assert case.aanvraag_date is None and case.stage is Stage.ONDERZOEK
    assert ctx.conversation.for_case(case_id)[0].verslag_signed_on is None
    assert panel.sign_feedback.text() == "" and panel.sign_button.isEnabled()

    answer_modal(press("Ondertekening vastleggen"))
    qtbot.mouseClick(panel.sign_button, Qt.MouseButton.LeftButton)
    case = ctx.cases.view(case_id).case
    assert case.aanvraag_date == signed and case.stage is Stage.AANVRAAG
    assert panel.sign_feedback.text() == (
        f"Ondertekening vastgelegd op {long_date(signed)}; beschikking uiterlijk {due}."
    )
    assert not panel.sign_button.isEnabled()


def test_submitting_asks_first_and_says_it_went_to_the_team_lead(qtbot, demo_ctx, answer_modal):
    from wmo_desk.ui.decision_view import DecisionPanel

    ctx = demo_ctx
    case_id = a_case(ctx, Stage.AANVRAAG)
    a_proposal(ctx, case_id, submit=False)
    panel = DecisionPanel(ctx, case_id)
    qtbot.addWidget(panel)
    due = next(d.due for d in ctx.cases.view(case_id).deadlines if d.kind.value == "beslissing")

    seen: list[str] = []
    answer_modal(escape(seen))
    qtbot.mouseClick(panel.submit_button, Qt.MouseButton.LeftButton)
    assert "gaat naar de teamleider" in seen[0] and "1 voorziening" in seen[0]
    assert f"uiterlijk {weekday_date(due)}" in seen[0]
    assert latest_decision(ctx, case_id).status is DecisionStatus.CONCEPT
    assert panel.editor.isEnabled() and panel.submit_feedback.text() == ""

    answer_modal(press("Indienen ter goedkeuring"))
    qtbot.mouseClick(panel.submit_button, Qt.MouseButton.LeftButton)
    assert latest_decision(ctx, case_id).status is DecisionStatus.INGEDIEND
    assert panel.submit_feedback.text() == "Ingediend ter goedkeuring bij de teamleider."
    assert not panel.editor.isEnabled()


def test_an_incomplete_proposal_shows_its_errors_without_asking(qtbot, demo_ctx):
    from wmo_desk.ui.decision_view import DecisionPanel

    ctx = demo_ctx
    case_id = a_case(ctx, Stage.AANVRAAG)
    panel = DecisionPanel(ctx, case_id)
    qtbot.addWidget(panel)
    panel.motivation.setPlainText("")
    qtbot.mouseClick(panel.submit_button, Qt.MouseButton.LeftButton)  # no modal: it would hang
    assert "motivation" in panel.rows.visible_errors()
    assert latest_decision(ctx, case_id).status is DecisionStatus.CONCEPT


def test_approving_asks_first_then_the_case_header_follows(qtbot, demo_ctx, answer_modal):
    from wmo_desk.ui.main_window import MainWindow

    ctx = demo_ctx
    case_id = a_case(ctx, Stage.AANVRAAG)
    a_proposal(ctx, case_id, submit=True)
    as_role(ctx, Role.TEAMLEIDER)
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    view = window.open_case(case_id)
    assert "besluit ter goedkeuring bij de teamleider" in view.stage_label.text()
    queue = queue_read(qtbot, window.approvals)
    queue.proxy.select_source_row(queue.table, next(
        i for i, p in enumerate(queue.model.rows) if p.decision.case_id == case_id
    ))  # fmt: skip
    assert queue.selected().case_id == case_id
    client = ctx.cases.view(case_id).client.display_name

    seen: list[str] = []
    answer_modal(escape(seen))
    assert queue.approve() is None
    assert f"Het besluit voor {client} (toegekend, 1 voorziening)" in seen[0]
    assert "kan niet ongedaan worden gemaakt" in seen[0]
    assert latest_decision(ctx, case_id).status is DecisionStatus.INGEDIEND
    assert queue.approve_button.isEnabled() and queue.busy.text() == ""

    answer_modal(press("Besluit goedkeuren"))
    task = queue.approve()
    assert task is not None
    with qtbot.waitSignal(queue.decided, timeout=30_000):
        pass
    final = latest_decision(ctx, case_id)
    assert final.status is DecisionStatus.DEFINITIEF
    assert queue.feedback.text() == f"Besluit goedgekeurd: kenmerk {final.kenmerk} ({client})."
    # the open case follows: its phase line, and its Besluit tab
    stage = view.stage_label.text()
    assert f"Besluit genomen (kenmerk {final.kenmerk}, {long_date(final.decision_date)})" in stage
    assert "besluit in voorbereiding" not in stage
    assert "Definitief" in view.decision.status.text()
    assert view.decision.submit_feedback.text() == f"Besluit goedgekeurd: kenmerk {final.kenmerk}."


def test_moving_to_another_stage_cancelled_or_done(qtbot, demo_ctx, answer_modal):
    from PySide6.QtTest import QTest

    from wmo_desk.ui.case_view import CaseViewWidget

    ctx = demo_ctx
    case_id = a_case(ctx, Stage.VERSLAG)
    view = CaseViewWidget(ctx, case_id)
    qtbot.addWidget(view)
    button = view.findChild(type(view.hold_button), "to_aanvraag")
    due = weekday_date(term_end(ctx.clock.today(), timedelta(weeks=2)))
    seen: list[str] = []

    def cancel(dialog) -> None:
        seen.append(dialog.consequence.text())
        assert dialog.cancel_button.isDefault() and not dialog.ok_button.isDefault()
        QTest.keyClick(dialog, Qt.Key.Key_Escape)

    answer_modal(cancel)
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert seen == [f"Daarmee begint de beslistermijn van 2 weken. De beschikking moet dan "
                    f"uiterlijk {due} zijn gegeven."]  # fmt: skip
    assert ctx.cases.view(case_id).case.stage is Stage.VERSLAG and view.feedback.text() == ""

    answer_modal(lambda dialog: dialog.ok_button.click())
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert ctx.cases.view(case_id).case.stage is Stage.AANVRAAG
    assert view.feedback.text() == (
        f"Fase gewijzigd naar 'Aanvraag, besluit in voorbereiding'. Beschikking uiterlijk {due}."
    )


def test_closing_a_case_cancelled_or_done(qtbot, demo_ctx, answer_modal):
    from PySide6.QtTest import QTest

    from wmo_desk.ui.case_view import CaseViewWidget

    ctx = demo_ctx
    case_id = a_case(ctx, Stage.ONDERZOEK)
    view = CaseViewWidget(ctx, case_id)
    qtbot.addWidget(view)

    def cancel(dialog) -> None:
        assert dialog.cancel_button.isDefault()
        assert dialog.ok_button.text() == "Dossier afsluiten"
        QTest.keyClick(dialog, Qt.Key.Key_Escape)

    answer_modal(cancel)
    qtbot.mouseClick(view.close_button, Qt.MouseButton.LeftButton)
    assert not ctx.cases.view(case_id).case.is_closed and view.feedback.text() == ""

    answer_modal(lambda dialog: dialog.ok_button.click())
    qtbot.mouseClick(view.close_button, Qt.MouseButton.LeftButton)
    case = ctx.cases.view(case_id).case
    assert case.is_closed
    assert view.feedback.text() == f"Dossier afgesloten: {case.close_reason.label.lower()}."


def test_completing_the_conversation_and_saving_the_zrm_say_so(qtbot, demo_ctx):
    from wmo_desk.ui.conversation_view import ConversationPanel
    from wmo_desk.ui.zrm_view import ZrmPanel

    ctx = demo_ctx
    case_id = a_case(ctx, Stage.ONDERZOEK)
    conversation, form = ctx.conversation.start(case_id)
    ctx.conversation.save_answers(conversation.id, fill_required(form, {}), form.sections[0].id)
    panel = ConversationPanel(ctx, case_id)
    qtbot.addWidget(panel)
    qtbot.mouseClick(panel.wizard.complete_button, Qt.MouseButton.LeftButton)
    assert ctx.conversation.for_case(case_id)[0].completed
    assert panel.wizard.status.text().startswith("Gesprek afgerond")

    zrm = ZrmPanel(ctx, case_id)
    qtbot.addWidget(zrm)
    before = len(ctx.assessment.zrm_history(case_id))
    zrm.levels[next(iter(zrm.levels))].setCurrentIndex(3)
    qtbot.mouseClick(zrm.save_button, Qt.MouseButton.LeftButton)
    assert len(ctx.assessment.zrm_history(case_id)) == before + 1
    assert zrm.feedback.text() == f"ZRM opgeslagen (afname {long_date(ctx.clock.today())})."
