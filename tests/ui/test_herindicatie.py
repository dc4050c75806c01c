"""Herindicaties: provisions that end within the chosen months; Enter opens the case."""

from __future__ import annotations

from datetime import date, timedelta

from PySide6.QtCore import Qt

from tests.conftest import TODAY
from tests.services.test_team import as_role, cases_in, final_decision
from tests.ui.test_team_view import loaded
from wmo_desk.domain.cases import Stage
from wmo_desk.domain.users import Role
from wmo_desk.ui.case_view import CaseViewWidget
from wmo_desk.ui.herindicatie_view import HerindicatieView
from wmo_desk.ui.main_window import MainWindow
from wmo_desk.ui.team_view import open_team_tab


def table_rows(view) -> list[list[str]]:
    model = view.table.model()
    return [
        [model.index(r, c).data() for c in range(model.columnCount())]
        for r in range(model.rowCount())
    ]


def open_list(qtbot, ctx) -> tuple[MainWindow, HerindicatieView]:
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.resize(1280, 720)
    window.show()
    window.herindicatie_action.trigger()
    view = window.tabs.currentWidget()
    assert isinstance(view, HerindicatieView)
    return window, loaded(qtbot, view)


def test_no_provisions_ending_says_so(qtbot, demo_ctx):
    as_role(demo_ctx, Role.TEAMLEIDER)
    _window, view = open_list(qtbot, demo_ctx)
    assert view.horizon.currentText() == "de komende 3 maanden"
    assert view.empty.isVisible() and not view.table.isVisible()
    assert view.empty.text() == "Geen herindicaties in de komende 3 maanden."
    assert view.count.text() == "0 voorzieningen"
    assert not view.open_button.isEnabled()
    view.horizon.setCurrentIndex(view.horizon.findData(6))
    loaded(qtbot, view)
    assert view.empty.text() == "Geen herindicaties in de komende 6 maanden."
    # choices made while a read runs: one more read after it, for the last choice
    view.horizon.setCurrentIndex(view.horizon.findData(1))
    view.horizon.setCurrentIndex(view.horizon.findData(3))
    assert view.busy.text() == "Aflopende voorzieningen worden gelezen…"
    loaded(qtbot, view)
    assert view.empty.text() == "Geen herindicaties in de komende 3 maanden."
    assert view.busy.text() == ""


def test_provisions_ending_within_the_horizon_and_enter_opens_the_case(qtbot, demo_ctx):
    ctx = demo_ctx
    as_role(ctx, Role.TEAMLEIDER)
    delivered = cases_in(ctx, Stage.LEVERING)
    final_decision(ctx, delivered[0].case_id, date(2027, 4, 30), "02A07")
    final_decision(ctx, delivered[1].case_id, TODAY + timedelta(days=20))
    window, view = open_list(qtbot, ctx)

    assert table_rows(view) == [
        [
            delivered[1].client_name,
            "Dagbesteding ouderen (07203)",
            "Zorg in natura",
            "13-12-2026",
            "nog 20 dagen",
            "Sanne de Wit",
        ]
    ]
    assert view.count.text() == "1 voorziening"
    [combo_texts] = [[view.horizon.itemText(i) for i in range(view.horizon.count())]]
    assert combo_texts == ["de komende 1 maand", "de komende 3 maanden", "de komende 6 maanden"]
    view.horizon.setCurrentIndex(view.horizon.findData(6))
    loaded(qtbot, view)
    assert [r[0] for r in table_rows(view)] == [delivered[1].client_name, delivered[0].client_name]
    assert table_rows(view)[1][3] == "30-04-2027"

    # sorted on the client's name, then Enter on the second row opens that case
    view.table.sortByColumn(0, Qt.SortOrder.DescendingOrder)
    names = [r[0] for r in table_rows(view)]
    assert names == sorted(names, key=str.lower, reverse=True)
    view.table.selectRow(1)
    wanted = delivered[[d.client_name for d in delivered].index(names[1])].case_id
    qtbot.keyClick(view.table, Qt.Key.Key_Return)
    case_tab = window.tabs.currentWidget()
    assert isinstance(case_tab, CaseViewWidget) and case_tab.case_id == wanted

    # back on the list: it is still there, with its choice
    back = open_team_tab(window, ctx, HerindicatieView)
    assert back is view and view.horizon.currentData() == 6


def test_a_consultant_sees_the_own_cases_only(qtbot, demo_ctx):
    ctx = demo_ctx
    delivered = cases_in(ctx, Stage.LEVERING)
    final_decision(ctx, delivered[0].case_id, TODAY + timedelta(days=40))
    as_role(ctx, Role.CONSULENT)
    _window, view = open_list(qtbot, ctx)
    assert [r[0] for r in table_rows(view)] == [delivered[0].client_name]
    assert "uw eigen dossiers" in view.findChild(type(view.count), "herindicatie_note").text()
