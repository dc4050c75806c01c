"""The Aanbieders tab driven like a user: filter, select in the list and on the map, choose."""

from __future__ import annotations

from PySide6.QtCore import Qt

from wmo_desk.ui.main_window import MainWindow


def open_providers(qtbot, ctx):
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    view = window.open_case(window.caseload.model.summary(0).case_id)
    panel = view.providers
    panel.resize(1200, 700)
    panel.show()
    return panel


def test_filter_and_select_on_list_and_map(qtbot, demo_ctx):
    panel = open_providers(qtbot, demo_ctx)
    panel.care_form.setCurrentIndex(panel.care_form.findData("dagbesteding"))
    model = panel.table.model()
    assert model.rowCount() > 3
    assert model.index(0, 0).data() == "1" and model.index(0, 1).data().endswith(" km")
    assert "BW-plaatsen (bezet/max)" not in model.headers
    everyone = model.rowCount()
    panel.accepting.setChecked(True)
    assert panel.table.model().rowCount() < everyone
    assert all(
        "wachtlijst" not in panel.table.model().index(r, 2).data()
        for r in range(panel.table.model().rowCount())
    )
    # list -> map
    panel.table.selectRow(2)
    assert panel.map.selected == 2
    # map -> list: click on the dot of row 0
    point = panel.map.position(panel.result.ranked[0])
    qtbot.mouseClick(panel.map, Qt.MouseButton.LeftButton, pos=point.toPoint())
    assert panel.table.currentIndex().row() == panel.map.row_at(point)


def test_record_a_choice_with_and_without_reason(qtbot, demo_ctx):
    panel = open_providers(qtbot, demo_ctx)
    panel.care_form.setCurrentIndex(panel.care_form.findData("dagbesteding"))
    panel.table.selectRow(0)
    qtbot.mouseClick(panel.choose_button, Qt.MouseButton.LeftButton)
    name = panel.result.ranked[0].provider.name
    assert name in panel.current.text() and "nr. 1" in panel.current.text()
    panel.table.selectRow(6)
    qtbot.mouseClick(panel.choose_button, Qt.MouseButton.LeftButton)
    assert "drie dichtstbijzijnde" in panel.rows.visible_errors()["reason"]
    qtbot.keyClicks(panel.reason, "Dochter woont om de hoek")
    qtbot.mouseClick(panel.choose_button, Qt.MouseButton.LeftButton)
    assert "Dochter woont om de hoek" in panel.current.text()
    assert panel.rows.visible_errors() == {}
