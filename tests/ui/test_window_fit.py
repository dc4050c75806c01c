"""The main window fits the 1280 × 720 screens of municipal laptops with a case open on every tab."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtWidgets import QApplication

from tests.services.test_team import as_role, cases_in, final_decision
from wmo_desk.domain.cases import Stage
from wmo_desk.domain.users import Role
from wmo_desk.ui.herindicatie_view import HerindicatieView
from wmo_desk.ui.main_window import MainWindow
from wmo_desk.ui.team_view import WorkloadView, open_team_tab

#: 1280 × 720 less the title bar and a taskbar: what a window may claim on the smallest screen
MAX_MIN_WIDTH, MAX_MIN_HEIGHT = 1260, 680


def shown_window(qtbot, ctx) -> MainWindow:
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    return window


def fits(window: MainWindow) -> tuple[int, int]:
    QApplication.processEvents()
    window.resize(1280, 720)
    QApplication.processEvents()
    hint = window.minimumSizeHint()
    assert hint.width() <= MAX_MIN_WIDTH and hint.height() <= MAX_MIN_HEIGHT, hint
    assert window.width() <= 1280 and window.height() <= 720
    return window.width(), window.height()


def test_every_tab_of_an_open_case_fits_1280_by_720(qtbot, demo_ctx):
    window = shown_window(qtbot, demo_ctx)
    fits(window)
    view = window.open_case(window.caseload.model.summary(0).case_id)
    for index in range(view.sections.count()):
        view.sections.setCurrentIndex(index)
        assert fits(window) == (1280, 720), view.sections.tabText(index)


@pytest.mark.parametrize("approved", [True, False])
def test_a_decided_case_and_the_team_lead_tabs_fit(qtbot, demo_ctx, approved):
    from wmo_desk.domain.decisions import DecisionStatus

    waiting = cases_in(demo_ctx, Stage.AANVRAAG)
    status = DecisionStatus.DEFINITIEF if approved else DecisionStatus.INGEDIEND
    final_decision(demo_ctx, waiting[0].case_id, date(2027, 11, 30), "07A06", status=status)
    as_role(demo_ctx, Role.TEAMLEIDER)
    window = shown_window(qtbot, demo_ctx)
    window.tabs.setCurrentWidget(window.approvals)
    fits(window)
    for screen in (WorkloadView, HerindicatieView):
        open_team_tab(window, demo_ctx, screen)
        fits(window)
    view = window.open_case(waiting[0].case_id)
    view.sections.setCurrentWidget(view.sections.widget(view.sections.count() - 1))
    assert view.sections.tabText(view.sections.currentIndex()) == "Besluit"
    fits(window)


def test_phone_and_email_of_the_providers_are_in_view_at_1280(qtbot, demo_ctx):
    window = shown_window(qtbot, demo_ctx)
    view = window.open_case(window.caseload.model.summary(0).case_id)
    view.sections.setCurrentIndex(4)
    window.resize(1280, 720)
    panel = view.providers
    panel.care_form.setCurrentIndex(panel.care_form.findData("dagbesteding"))
    qtbot.waitUntil(lambda: panel.table.viewport().width() > 0)
    QApplication.processEvents()
    table, header = panel.table, panel.table.horizontalHeader()
    model = table.model()
    for title in ("Telefoon", "E-mail"):
        column = model.headers.index(title)
        right = header.sectionViewportPosition(column) + header.sectionSize(column)
        assert header.sectionViewportPosition(column) >= 0
        assert right <= table.viewport().width(), title
        # a whole e-mail address is readable, not elided
        text = model.index(0, column).data()
        assert table.fontMetrics().horizontalAdvance(text) + 4 <= header.sectionSize(column), text
    # the whole panel is in view: no sideways scrolling of the tab
    assert panel.width() <= view.sections.currentWidget().viewport().width()


def test_a_wide_screen_gives_the_width_to_the_case(qtbot, demo_ctx):
    window = shown_window(qtbot, demo_ctx)
    view = window.open_case(window.caseload.model.summary(0).case_id)
    view.sections.setCurrentIndex(4)
    window.resize(1920, 1080)
    QApplication.processEvents()
    panel = view.providers
    assert panel.width() >= 1880
    header = panel.table.horizontalHeader()
    last = panel.table.model().columnCount() - 1
    # the last column (Specialismen) takes what is left: the table has no empty strip
    assert header.sectionViewportPosition(last) + header.sectionSize(last) >= (
        panel.table.viewport().width() - 2
    )
