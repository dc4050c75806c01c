"""Mijn dossiers and the case view, driven like a user."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QKeySequence

from wmo_desk.domain.cases import Stage
from wmo_desk.ui.case_view import CaseViewWidget
from wmo_desk.ui.main_window import MainWindow


def names(window: MainWindow) -> list[str]:
    model = window.caseload.model
    return [model.index(r, 0).data() for r in range(model.rowCount())]


def test_caseload_shows_open_demo_cases_with_masked_bsn(qtbot, demo_ctx):
    window = MainWindow(demo_ctx)
    qtbot.addWidget(window)
    model = window.caseload.model
    assert model.rowCount() == 27  # 30 demo cases, 3 closed
    assert window.caseload.count.text() == "27 dossiers"
    for r in range(model.rowCount()):
        assert model.index(r, 1).data().startswith("******")
        assert model.index(r, 6).data() == "Sanne de Wit"
    assert "Sanne de Wit (Wmo-consulent)" in window.statusBar().currentMessage()


def test_search_by_name_and_postcode(qtbot, demo_ctx):
    window = MainWindow(demo_ctx)
    qtbot.addWidget(window)
    first = names(window)[0]
    surname = first.split(",")[0]
    qtbot.keyClicks(window.caseload.search, surname.lower())
    qtbot.waitUntil(lambda: all(n.startswith(surname) for n in names(window)))
    assert first in names(window)
    window.caseload.search.clear()
    qtbot.keyClicks(window.caseload.search, "9999")
    qtbot.waitUntil(lambda: window.caseload.model.rowCount() == 27)  # all demo BSNs start 9999
    window.caseload.search.clear()
    qtbot.keyClicks(window.caseload.search, "zzzz-niemand")
    qtbot.waitUntil(lambda: window.caseload.model.rowCount() == 0)
    assert window.caseload.count.text() == "0 dossiers"


def test_stage_filter_and_closed_cases(qtbot, demo_ctx):
    window = MainWindow(demo_ctx)
    qtbot.addWidget(window)
    panel = window.caseload
    panel.stage.setCurrentIndex(panel.stage.findData(Stage.AANVRAAG))
    model = panel.model
    assert model.rowCount() == 5
    assert {model.index(r, 3).data() for r in range(5)} == {Stage.AANVRAAG.label}
    panel.stage.setCurrentIndex(panel.stage.findData(Stage.AFGESLOTEN))
    assert model.rowCount() == 3
    panel.stage.setCurrentIndex(0)
    panel.include_closed.setChecked(True)
    assert model.rowCount() == 30


def test_sort_by_name_via_the_header(qtbot, demo_ctx):
    window = MainWindow(demo_ctx)
    qtbot.addWidget(window)
    window.caseload.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
    assert names(window) == sorted(names(window))
    window.caseload.table.sortByColumn(0, Qt.SortOrder.DescendingOrder)
    assert names(window) == sorted(names(window), reverse=True)


def test_deadlines_are_highlighted(qtbot, demo_ctx):
    window = MainWindow(demo_ctx)
    qtbot.addWidget(window)
    model = window.caseload.model
    today = demo_ctx.clock.today()
    seen_overdue = seen_urgent = False
    for r in range(model.rowCount()):
        s = model.summary(r)
        brush = model.index(r, 5).data(Qt.ItemDataRole.BackgroundRole)
        if s.deadline is None or s.on_hold:
            assert brush is None
            continue
        left = (s.deadline - today).days
        if left < 0:
            seen_overdue = True
            assert brush.color() == QColor("#f8d0d0")
            assert "te laat" in model.index(r, 5).data()
        elif left <= 5:
            seen_urgent = True
            assert brush.color() == QColor("#fff1c2")
        else:
            assert brush is None
    assert seen_overdue and seen_urgent


def test_open_a_case_with_enter_and_move_it_on(qtbot, demo_ctx, answer_modal):
    window = MainWindow(demo_ctx)
    qtbot.addWidget(window)
    window.show()
    window.activateWindow()
    qtbot.waitActive(window)
    panel = window.caseload
    panel.stage.setCurrentIndex(panel.stage.findData(Stage.MELDING))
    panel.table.setFocus()
    panel.table.selectRow(0)
    name = panel.model.index(0, 0).data()
    qtbot.keyClick(panel.table, Qt.Key.Key_Return)
    assert window.tabs.count() == 3  # Mijn dossiers, Evaluaties and the case
    view = window.tabs.currentWidget()
    assert isinstance(view, CaseViewWidget)
    assert "Fase:</b> Melding" in view.stage_label.text()
    button = view.findChild(type(view.hold_button), "to_onderzoek")
    answer_modal(lambda d: d.ok_button.click())
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert "Fase:</b> Onderzoek" in view.stage_label.text()
    assert (
        view.timeline.model().index(0, 2).data().startswith("Fase gewijzigd: Melding → Onderzoek")
    )
    # the caseload followed: the case left the 'Melding' filter
    assert name not in names(window)
    assert QKeySequence("Ctrl+W") in window.close_tab_action.shortcuts()
    window.close_tab_action.trigger()
    assert window.tabs.count() == 2


def test_hold_with_reason_then_resume(qtbot, demo_ctx, answer_modal):
    window = MainWindow(demo_ctx)
    qtbot.addWidget(window)
    case_id = window.caseload.model.summary(0).case_id
    view = window.open_case(case_id)
    if view.view.case.is_on_hold:
        qtbot.mouseClick(view.resume_button, Qt.MouseButton.LeftButton)

    def empty_reason_then_fill(dialog):
        dialog.ok_button.click()
        assert dialog.rows.visible_errors() == {"reason": "Vul de reden van de opschorting in."}
        dialog.reason.setText("Cliënt wil eerst overleggen met haar dochter")
        dialog.ok_button.click()

    answer_modal(empty_reason_then_fill)
    qtbot.mouseClick(view.hold_button, Qt.MouseButton.LeftButton)
    assert "Opgeschort" in view.stage_label.text()
    assert "overleggen met haar dochter" in view.stage_label.text()
    assert view.resume_button.isVisibleTo(view) and not view.hold_button.isVisibleTo(view)
    row = window.caseload.model.row_of(case_id)
    assert window.caseload.model.index(row, 5).data() == "opgeschort"
    qtbot.mouseClick(view.resume_button, Qt.MouseButton.LeftButton)
    assert "Opgeschort" not in view.stage_label.text()


def test_import_a_broken_catalogue_shows_the_problem_and_changes_nothing(
    qtbot, demo_ctx, answer_modal, tmp_path
):
    import json

    from wmo_desk.paths import resources_dir

    window = MainWindow(demo_ctx)
    qtbot.addWidget(window)
    data = json.loads((resources_dir() / "catalogues" / "bno-o.json").read_text(encoding="utf-8"))
    data["version"] = "2027.1"
    del data["products"][0]["category"]
    bad = tmp_path / "bno-o-2027.json"
    bad.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    texts = []
    answer_modal(lambda box: (texts.append(box.text()), box.accept()))
    with qtbot.waitSignal(window.import_catalogue(str(bad)).finished, timeout=30_000):
        pass
    assert texts == ["bno-o-2027.json, veld 'products[0].category': dit veld ontbreekt"]
    assert demo_ctx.catalogues.current().version == "2026.1"


def test_team_lead_sees_every_consultant_and_reassigns(qtbot, demo_ctx):
    from dataclasses import replace

    from wmo_desk.domain.users import Role, User
    from wmo_desk.storage.repositories.users import UserRepository

    colleague = User(name="Koen Aerts", role=Role.CONSULENT, municipality_code="0828")
    with demo_ctx.db.session() as s:
        UserRepository(s).add(colleague)
    lead = next(u for u in demo_ctx.profiles.users() if u.role is Role.TEAMLEIDER)
    demo_ctx.activate(replace(demo_ctx.profile, user=lead))
    window = MainWindow(demo_ctx)
    qtbot.addWidget(window)
    panel = window.caseload
    assert panel.scope.currentText() == "Alle dossiers van de gemeente"
    assert panel.model.rowCount() == 27
    panel.table.selectRow(0)
    case_id = panel.selected_case_id()
    panel.reassign(colleague.id)
    panel.scope.setCurrentIndex(panel.scope.findData(colleague.id))
    assert panel.model.rowCount() == 1
    assert panel.model.index(0, 6).data() == "Koen Aerts"
    assert demo_ctx.cases.view(case_id).timeline[-1].text == "Toegewezen aan Koen Aerts"


def test_the_window_reads_the_caseload_and_the_sync_counts_once_at_start(qtbot, demo_ctx):
    """Setting up the table's sort indicator reads nothing (with 50,000 cases each read of the
    list is a query over all of them); the status bar's counts are read once."""
    reads: list[str] = []
    case_ids, status = demo_ctx.caseload.case_ids, demo_ctx.sync.status
    demo_ctx.caseload.case_ids = lambda flt, **kw: reads.append("caseload") or case_ids(flt, **kw)
    demo_ctx.sync.status = lambda: reads.append("status") or status()
    window = MainWindow(demo_ctx)
    qtbot.addWidget(window)
    assert sorted(reads) == ["caseload", "status"]
    assert window.caseload.model.filter.sort.value == "deadline"
    assert window.caseload.table.horizontalHeader().sortIndicatorSection() == 4
    assert window.caseload.model.rowCount() == 27
