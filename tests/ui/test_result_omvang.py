"""The omvang agreed at the kitchen table is recorded with the result and carried into the
provision for it: typed once."""

from __future__ import annotations

from PySide6.QtCore import Qt

from tests.ui.test_conversation import first_case_in
from wmo_desk.domain.cases import Stage
from wmo_desk.ui.decision_view import DecisionPanel
from wmo_desk.ui.results_view import ResultsPanel

HH_HOURS_OSS = "01O02"  # Oss: hulp bij het huishouden met wasverzorging, uren per week


def fresh_panel(qtbot, ctx, stage=Stage.AANVRAAG):
    case_id = first_case_in(ctx, stage)
    for r in ctx.assessment.results(case_id):
        ctx.assessment.remove_result(case_id, r.id)
    panel = ResultsPanel(ctx, case_id)
    qtbot.addWidget(panel)
    panel.care_form.setCurrentIndex(panel.care_form.findData("hulp-bij-het-huishouden"))
    panel.product.setCurrentIndex(panel.product.findData(HH_HOURS_OSS))
    qtbot.keyClicks(panel.description, "Het huis is schoon en de was is gedaan.")
    return panel, case_id


def test_an_agreed_omvang_is_shown_with_the_result_and_starts_the_provision(qtbot, demo_ctx):
    panel, case_id = fresh_panel(qtbot, demo_ctx)
    omvang = panel.fields.omvang
    qtbot.keyClicks(omvang.volume, "3")
    omvang.unit.setCurrentIndex(omvang.unit.findData("04"))
    omvang.frequency.setCurrentIndex(omvang.frequency.findData("2"))
    qtbot.mouseClick(panel.add_button, Qt.MouseButton.LeftButton)

    assert panel.feedback.text() == "Resultaat toegevoegd."
    model = panel.table.model()
    assert model.headerData(4, Qt.Orientation.Horizontal) == "Omvang"
    assert model.index(0, 4).data() == "3 uur per week"
    [stored] = demo_ctx.assessment.results(case_id)
    assert (stored.volume, stored.unit, stored.frequency) == (3, "04", "2")
    assert omvang.volume.text() == ""  # ready for the next result

    decision = DecisionPanel(demo_ctx, case_id)
    qtbot.addWidget(decision)
    assert decision.product.currentData() == HH_HOURS_OSS
    assert (
        decision.volume.text(),
        decision.unit.currentText(),
        decision.frequency.currentText(),
    ) == (
        "3",
        "uur",
        "per week",
    )


def test_an_omvang_that_is_not_a_number_is_refused_at_its_field(qtbot, demo_ctx):
    panel, case_id = fresh_panel(qtbot, demo_ctx)
    qtbot.keyClicks(panel.fields.omvang.volume, "drie")
    qtbot.mouseClick(panel.add_button, Qt.MouseButton.LeftButton)
    assert panel.rows.visible_errors() == {"volume": "De omvang is een geheel getal."}
    assert demo_ctx.assessment.results(case_id) == []
    assert panel.fields.description.toPlainText()  # what was typed stays

    panel.fields.omvang.volume.setText("0")
    qtbot.mouseClick(panel.add_button, Qt.MouseButton.LeftButton)
    assert panel.rows.visible_errors() == {"volume": "De omvang is een positief getal."}
    assert demo_ctx.assessment.results(case_id) == []


def test_a_result_without_an_omvang_leaves_the_cell_empty(qtbot, demo_ctx):
    panel, case_id = fresh_panel(qtbot, demo_ctx)
    qtbot.mouseClick(panel.add_button, Qt.MouseButton.LeftButton)
    assert panel.table.model().index(0, 4).data() == ""
    [stored] = demo_ctx.assessment.results(case_id)
    assert (stored.volume, stored.unit, stored.frequency) == (None, "", "")
