"""An agreed result can be changed, not only removed: the dialog is filled, the row changes."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog

from tests.ui.test_conversation import first_case_in
from wmo_desk.domain.cases import Stage
from wmo_desk.ui.fields import set_date
from wmo_desk.ui.results_view import ResultsPanel


def panel_with_one_result(qtbot, ctx):
    case_id = first_case_in(ctx, Stage.ONDERZOEK)
    for r in ctx.assessment.results(case_id):
        ctx.assessment.remove_result(case_id, r.id)
    panel = ResultsPanel(ctx, case_id)
    qtbot.addWidget(panel)
    panel.care_form.setCurrentIndex(panel.care_form.findData("hulp-bij-het-huishouden"))
    panel.product.setCurrentIndex(panel.product.findData("01O01"))
    qtbot.keyClicks(panel.description, "Het huis is schoon.")
    qtbot.mouseClick(panel.add_button, Qt.MouseButton.LeftButton)
    assert panel.table.model().rowCount() == 1
    assert panel.feedback.text() == "Resultaat toegevoegd."
    panel.table.selectRow(0)
    return panel, case_id


def cell(panel, column: int) -> str:
    return panel.table.model().index(0, column).data()


def test_editing_a_result_changes_the_row(qtbot, demo_ctx):
    panel, case_id = panel_with_one_result(qtbot, demo_ctx)
    [before] = demo_ctx.assessment.results(case_id)
    seen = {}

    def user(dialog) -> bool:
        fields = dialog.fields
        seen["prefilled"] = (
            fields.care_form.currentData(),
            fields.product.currentData(),
            fields.description.toPlainText(),
            fields.term_end.date().toPython(),
        )
        fields.care_form.setCurrentIndex(fields.care_form.findData("vervoer"))
        fields.product.setCurrentIndex(fields.product.findData("12O01"))
        fields.description.setPlainText("Mevrouw doet zelf haar boodschappen.")
        set_date(fields.term_end, date(2027, 6, 30))
        fields.omvang.volume.setText("1")
        fields.omvang.set_unit("82", "6")
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
        return dialog.result() == QDialog.DialogCode.Accepted

    saved = panel.edit_selected(answer=user)
    assert seen["prefilled"] == (
        "hulp-bij-het-huishouden",
        "01O01",
        "Het huis is schoon.",
        before.term_end,
    )
    assert saved is not None
    assert panel.table.model().rowCount() == 1
    assert cell(panel, 1) == "Vervoer: scootmobiel en Wmo-vervoer (gemeente)"
    assert cell(panel, 2) == "Scootmobiel (in bruikleen)"
    assert cell(panel, 3) == "Mevrouw doet zelf haar boodschappen."
    assert cell(panel, 4) == "1 stuks (output) totaal binnen geldigheidsduur"
    assert cell(panel, 5) == "tot 30 juni 2027"
    assert panel.feedback.text() == "Resultaat gewijzigd: Mevrouw doet zelf haar boodschappen."
    [after] = demo_ctx.assessment.results(case_id)
    assert after.id == before.id and after.created_at == before.created_at
    assert after.modified_at > before.modified_at


def test_a_refused_change_stays_in_the_dialog(qtbot, demo_ctx):
    panel, _case_id = panel_with_one_result(qtbot, demo_ctx)

    def user(dialog) -> bool:
        dialog.fields.description.clear()
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
        errors = dialog.rows.visible_errors()
        assert errors == {
            "description": "Beschrijf het resultaat dat de ondersteuning moet bereiken."
        }
        return dialog.result() == QDialog.DialogCode.Accepted

    assert panel.edit_selected(answer=user) is None
    assert cell(panel, 3) == "Het huis is schoon."
    assert panel.feedback.text() == "Resultaat toegevoegd."


def test_double_click_opens_the_change(qtbot, demo_ctx, answer_modal):
    panel, _case_id = panel_with_one_result(qtbot, demo_ctx)
    panel.show()
    qtbot.waitExposed(panel)
    titles = answer_modal(lambda dialog: dialog.reject())
    rect = panel.table.visualRect(panel.table.model().index(0, 3))
    # a double click is a press, a release and a double-click press (QTest sends only the last)
    qtbot.mouseClick(panel.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(panel.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert titles == ["Resultaat wijzigen"]
