"""A new provision starts from the agreed result: its product, what it must achieve, its unit."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt

from tests.ui.test_conversation import first_case_in
from wmo_desk.domain.cases import Stage
from wmo_desk.domain.results import CaseResult
from wmo_desk.ui.decision_view import DecisionPanel, usual_omvang

HH_OSS = "01O01"  # Oss: hulp bij het huishouden per maand (demo)
HH_HOURS_OSS = "01O02"  # Oss: hulp bij het huishouden met wasverzorging, uren per week
SCOOTER_OSS = "12O01"


def agree(ctx, case_id: str, care_form: str, product_code: str, text: str) -> CaseResult:
    result = CaseResult(
        case_id=case_id,
        care_form=care_form,
        product_code=product_code,
        description=text,
        term_end=date(2027, 11, 30),
    )
    ctx.assessment.save_result(result)
    return result


def texts(combo) -> list[str]:
    return [combo.itemText(i) for i in range(combo.count())]


def test_the_consultant_decides_on_home_help_and_a_scootmobiel(qtbot, demo_ctx):
    case_id = first_case_in(demo_ctx, Stage.AANVRAAG)
    panel = DecisionPanel(demo_ctx, case_id)
    qtbot.addWidget(panel)
    products = texts(panel.product)
    assert any("Hulp bij het huishouden" in t and "(gemeente)" in t for t in products)
    assert f"{SCOOTER_OSS} – Scootmobiel (in bruikleen) (gemeente)" in products
    assert not any(t.startswith("12B01") for t in products)  # Bernheze's, not Oss's


def test_a_new_provision_starts_from_the_agreed_result(qtbot, demo_ctx):
    ctx = demo_ctx
    case_id = first_case_in(ctx, Stage.AANVRAAG)
    for r in ctx.assessment.results(case_id):
        ctx.assessment.remove_result(case_id, r.id)
    agree(ctx, case_id, "hulp-bij-het-huishouden", HH_OSS, "Het huis is schoon en leefbaar.")
    agree(ctx, case_id, "vervoer", SCOOTER_OSS, "Mevrouw doet zelf haar boodschappen.")
    panel = DecisionPanel(ctx, case_id)
    qtbot.addWidget(panel)
    assert panel.from_result.currentText().startswith("Het huis is schoon en leefbaar.")
    assert panel.product.currentData() == HH_OSS
    assert panel.result.text() == "Het huis is schoon en leefbaar."
    # the product's own unit: one per month, not 'minuut per dag'
    assert (panel.volume.text(), panel.unit.currentText(), panel.frequency.currentText()) == (
        "1",
        "stuks (output)",
        "per maand",
    )
    assert panel.end.date().toPython() == date(2027, 11, 30)

    panel.motivation.setPlainText("Uit het onderzoek blijkt dat mevrouw het huishouden niet kan.")
    panel.delivery.setCurrentIndex(panel.delivery.findData("pgb"))
    panel.pgb.setText("180,00")
    qtbot.mouseClick(panel.add_button, Qt.MouseButton.LeftButton)
    assert panel.table.model().rowCount() == 1, panel.rows.visible_errors()
    assert panel.table.model().index(0, 2).data() == "1 stuks (output) per maand"
    # the next result without a provision is where the next one starts
    assert panel.product.currentData() == SCOOTER_OSS
    assert panel.result.text() == "Mevrouw doet zelf haar boodschappen."
    assert panel.frequency.currentText() == "totaal binnen geldigheidsduur"


def test_the_unit_follows_the_chosen_product(qtbot, demo_ctx):
    case_id = first_case_in(demo_ctx, Stage.AANVRAAG)
    panel = DecisionPanel(demo_ctx, case_id)
    qtbot.addWidget(panel)
    panel.from_result.setCurrentIndex(0)  # (geen: zelf invullen)
    panel.volume.clear()
    panel.product.setCurrentIndex(panel.product.findData(HH_HOURS_OSS))
    assert (panel.volume.text(), panel.unit.currentText(), panel.frequency.currentText()) == (
        "",
        "uur",
        "per week",
    )
    panel.product.setCurrentIndex(panel.product.findData("07A06"))
    assert (panel.unit.currentText(), panel.frequency.currentText()) == (
        "stuks (output)",
        "per maand",
    )


def test_without_a_product_unit_the_regions_usual_one(demo_ctx):
    catalogue = demo_ctx.catalogues.current()
    assert usual_omvang(catalogue) == ("82", "4")  # BNO-O pays a monthly amount
