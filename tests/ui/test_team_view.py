"""Werkvoorraad team: a team lead sees per consultant the open cases and terms, and Enter shows
that consultant's cases."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMenu

from wmo_desk.domain.caseload import CaseloadFilter
from wmo_desk.domain.users import Role, User
from wmo_desk.storage.repositories.users import UserRepository
from wmo_desk.ui.main_window import MainWindow
from wmo_desk.ui.team_view import WorkloadView


def team_lead_with_colleague(ctx) -> User:
    """The demo's team lead at work; a second consultant holds the five most urgent cases."""
    lead = next(u for u in ctx.profiles.users() if u.role is Role.TEAMLEIDER)
    ctx.activate(replace(ctx.profile, user=lead))
    colleague = User(name="Ahmed Yilmaz", role=Role.CONSULENT, municipality_code="0828")
    with ctx.db.session() as session:
        UserRepository(session).add(colleague)
    for summary in ctx.caseload.summaries(CaseloadFilter("0828"))[:5]:  # by deadline
        ctx.cases.reassign(summary.case_id, colleague.id)
    return colleague


def loaded(qtbot, view):
    """``view`` once the figures it reads in the background are shown."""
    qtbot.waitUntil(lambda: view.task is None, timeout=10_000)
    return view


def rows(table) -> list[list[str]]:
    model = table.model()
    return [
        [model.index(r, c).data() for c in range(model.columnCount())]
        for r in range(model.rowCount())
    ]


def test_the_team_lead_sees_each_consultant_and_a_total(qtbot, demo_ctx):
    ctx = demo_ctx
    team_lead_with_colleague(ctx)
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.resize(1280, 720)
    window.show()
    assert [a.text() for a in window.team_menu.actions()] == [
        "&Werkvoorraad team…",
        "&Herindicaties…",
    ]
    window.workload_action.trigger()
    view = window.tabs.currentWidget()
    assert isinstance(view, WorkloadView)
    assert view.busy.text() == "Werkvoorraad van het team wordt gelezen…"
    loaded(qtbot, view)
    assert view.busy.text() == ""
    assert window.tabs.tabText(window.tabs.currentIndex()) == "Werkvoorraad team"
    assert "maandag 23 november 2026" in view.heading.text()
    assert "t/m zondag 29-11-2026" in view.heading.text()
    header = [view.table.model().headerData(c, Qt.Orientation.Horizontal) for c in range(5)]
    assert header == [
        "Consulent",
        "Open dossiers",
        "Termijn verstreken",
        "Termijn deze week",
        "Opgeschort",
    ]
    # the demo's overdue terms are the earliest deadlines: all five went to Ahmed
    table = rows(view.table)
    assert [r[0] for r in table] == ["Ahmed Yilmaz", "Sanne de Wit", "Totaal"]
    ahmed, sanne, total = table
    assert ahmed[1] == "5" and sanne[1] == "22" and total[1] == "27"
    assert int(ahmed[2]) >= 2 and sanne[2] == "0" and total[2] == ahmed[2]
    assert int(total[3]) == int(ahmed[3]) + int(sanne[3])
    assert total[4] == "2"  # two demo cases are on hold

    # sorted on the number of open cases, most first: the total stays the last row
    view.table.sortByColumn(1, Qt.SortOrder.DescendingOrder)
    assert [r[0] for r in rows(view.table)] == ["Sanne de Wit", "Ahmed Yilmaz", "Totaal"]
    view.table.sortByColumn(1, Qt.SortOrder.AscendingOrder)
    assert [r[0] for r in rows(view.table)] == ["Ahmed Yilmaz", "Sanne de Wit", "Totaal"]


def test_enter_on_a_consultant_shows_their_cases_and_esc_closes(qtbot, demo_ctx):
    ctx = demo_ctx
    colleague = team_lead_with_colleague(ctx)
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.show()
    window.workload_action.trigger()
    view = loaded(qtbot, window.tabs.currentWidget())
    view.table.selectRow(0)
    qtbot.keyClick(view.table, Qt.Key.Key_Return)
    assert window.tabs.currentIndex() == 0
    caseload = window.caseload
    assert caseload.scope.currentText() == "Dossiers van Ahmed Yilmaz"
    assert caseload.model.rowCount() == 5
    assert {caseload.model.summary(r).consultant_name for r in range(5)} == {colleague.name}

    # the tab is opened once; Esc in it closes it
    window.workload_action.trigger()
    assert window.tabs.currentWidget() is view
    assert [window.tabs.tabText(i) for i in range(window.tabs.count())].count(
        "Werkvoorraad team"
    ) == 1
    view.table.setFocus()
    qtbot.keyClick(view.table, Qt.Key.Key_Escape)
    assert "Werkvoorraad team" not in [window.tabs.tabText(i) for i in range(window.tabs.count())]


def test_the_total_row_does_not_open_a_list(qtbot, demo_ctx):
    ctx = demo_ctx
    team_lead_with_colleague(ctx)
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.workload_action.trigger()
    view = loaded(qtbot, window.tabs.currentWidget())
    view.table.selectRow(2)
    with qtbot.assertNotEmitted(view.consultant_requested):
        qtbot.keyClick(view.table, Qt.Key.Key_Return)


def test_a_consultant_has_no_team_menu_but_the_own_herindicaties(qtbot, demo_ctx):
    window = MainWindow(demo_ctx)
    qtbot.addWidget(window)
    assert not hasattr(window, "team_menu")
    titles = [a.text() for a in window.menuBar().actions()]
    assert "Tea&m" not in titles
    [view_menu] = [m for m in window.findChildren(QMenu) if m.title() == "Bee&ld"]
    assert "&Herindicaties…" in [a.text() for a in view_menu.actions()]


def test_the_figures_are_read_in_the_background_on_opening_and_on_refresh_only(
    qtbot, demo_ctx, monkeypatch
):
    """Not on the GUI thread, and not again each time the tab comes back to the front: the
    window's Vernieuwen (and a sync, a reassignment) reads them again."""
    import threading

    from wmo_desk.services.team import TeamService

    ctx = demo_ctx
    colleague = team_lead_with_colleague(ctx)
    threads: list[threading.Thread] = []
    original = TeamService.workload

    def workload(self):
        threads.append(threading.current_thread())
        return original(self)

    monkeypatch.setattr(TeamService, "workload", workload)
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.show()
    window.workload_action.trigger()
    view = loaded(qtbot, window.tabs.currentWidget())
    assert len(threads) == 1 and threads[0] is not threading.main_thread()
    window.tabs.setCurrentIndex(0)
    window.tabs.setCurrentWidget(view)
    assert view.task is None and len(threads) == 1
    assert [r[:2] for r in rows(view.table)][:2] == [["Ahmed Yilmaz", "5"], ["Sanne de Wit", "22"]]

    window.refresh_action.trigger()
    loaded(qtbot, view)
    assert len(threads) == 2
    # a case given to another consultant from Mijn dossiers moves in the figures
    window.tabs.setCurrentIndex(0)
    window.caseload.scope.setCurrentIndex(window.caseload.scope.findData(colleague.id))
    window.caseload.table.selectRow(0)
    sanne = next(u for u in ctx.profiles.users() if u.name == "Sanne de Wit")
    window.caseload.reassign(sanne.id)
    assert view.task is not None
    loaded(qtbot, view)
    assert len(threads) == 3
    assert [r[:2] for r in rows(view.table)][:2] == [["Ahmed Yilmaz", "4"], ["Sanne de Wit", "23"]]
