"""The ZRM and results tabs of a case, driven like a user."""

from __future__ import annotations

from datetime import timedelta

from PySide6.QtCore import Qt

from wmo_desk.domain.zrm import ZRM_DOMAINS
from wmo_desk.ui.main_window import MainWindow


def open_first_case(qtbot, ctx):
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    return window, window.open_case(window.caseload.model.summary(0).case_id)


def test_two_zrm_assessments_show_previous_scores_and_the_chart(qtbot, demo_ctx):
    _window, view = open_first_case(qtbot, demo_ctx)
    zrm = view.zrm
    zrm.assessed_on.setDate(zrm.assessed_on.date().addDays(-30))
    zrm.levels["Financiën"].setCurrentIndex(zrm.levels["Financiën"].findData(2))
    qtbot.keyClicks(zrm.notes["Financiën"], "schulden bij energieleverancier")
    zrm.levels["Sociaal netwerk"].setCurrentIndex(zrm.levels["Sociaal netwerk"].findData(3))
    qtbot.mouseClick(zrm.save_button, Qt.MouseButton.LeftButton)
    assert zrm.previous["Financiën"].text().startswith("2 – niet zelfredzaam")
    assert zrm.previous["Justitie"].text().startswith("n.v.t./onbekend")
    zrm.levels["Financiën"].setCurrentIndex(zrm.levels["Financiën"].findData(4))
    qtbot.mouseClick(zrm.save_button, Qt.MouseButton.LeftButton)
    history = demo_ctx.assessment.zrm_history(view.case_id)
    assert [next(s.level for s in a.scores if s.domain == "Financiën") for a in history] == [2, 4]
    assert history[0].scores[0].note == "schulden bij energieleverancier"
    assert zrm.chart.columns() == 2
    assert zrm.previous["Financiën"].text().startswith("4 – voldoende zelfredzaam")
    assert len(ZRM_DOMAINS) == len(zrm.levels)


def test_zrm_without_any_score_is_refused(qtbot, demo_ctx, answer_modal):
    _window, view = open_first_case(qtbot, demo_ctx)
    seen = answer_modal(lambda box: box.accept())
    qtbot.mouseClick(view.zrm.save_button, Qt.MouseButton.LeftButton)
    assert seen == ["Geen scores"]
    assert demo_ctx.assessment.zrm_history(view.case_id) == []


def test_add_a_result_for_a_household_member_and_see_it(qtbot, demo_ctx):
    _window, view = open_first_case(qtbot, demo_ctx)
    panel = view.results
    panel.care_form.setCurrentIndex(panel.care_form.findData("dagbesteding"))
    assert panel.product.count() > 0
    qtbot.mouseClick(panel.add_button, Qt.MouseButton.LeftButton)
    assert panel.rows.visible_errors() == {
        "description": "Beschrijf het resultaat dat de ondersteuning moet bereiken."
    }
    qtbot.keyClicks(panel.description, "Drie dagen per week zinvolle dagbesteding buitenshuis")
    qtbot.keyClicks(panel.member, "Kees (echtgenoot)")
    qtbot.mouseClick(panel.add_button, Qt.MouseButton.LeftButton)
    model = panel.table.model()
    assert model.rowCount() == 1
    assert model.index(0, 0).data() == "Kees (echtgenoot)"
    assert model.index(0, 1).data() == "Gespecialiseerde dagbesteding"
    assert model.index(0, 3).data() == "Drie dagen per week zinvolle dagbesteding buitenshuis"
    expected_end = demo_ctx.clock.today() + timedelta(days=365)
    assert str(expected_end.year) in model.index(0, 5).data()
