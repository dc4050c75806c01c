"""Alt letters: on every screen of a case each one means one thing (the tabs go by Ctrl+1 …
Ctrl+7), and the menu bar's letters are not taken by a field or button."""

from __future__ import annotations

import re
from collections import defaultdict

from PySide6.QtWidgets import QAbstractButton, QApplication, QGroupBox, QLabel, QTabBar, QTabWidget

from tests.ui.conftest import close_without_asking
from wmo_desk.domain.caseload import CaseloadFilter
from wmo_desk.domain.cases import Stage
from wmo_desk.ui.main_window import MainWindow
from wmo_desk.ui.melding_dialog import MeldingDialog

_MNEMONIC = re.compile(r"&([^&\s])")


def clashes(root) -> dict[str, list[str]]:
    """The Alt letters used more than once by what is visible and enabled in ``root``."""
    used: dict[str, list[str]] = defaultdict(list)

    def add(text: str, what: str) -> None:
        found = _MNEMONIC.search(text.replace("&&", ""))
        if found:
            used[found.group(1).lower()].append(f"{what} '{text}'")

    for button in root.findChildren(QAbstractButton):
        if button.isVisible() and button.isEnabled():
            add(button.text(), "knop")
    for label in root.findChildren(QLabel):
        if label.isVisible() and label.buddy() is not None:
            add(label.text(), "veld")
    for box in root.findChildren(QGroupBox):
        if box.isVisible():
            add(box.title(), "groep")
    for bar in root.findChildren(QTabBar):
        if bar.isVisible():
            for i in range(bar.count()):
                add(bar.tabText(i), "tab")
    if hasattr(root, "menuBar"):
        for action in root.menuBar().actions():
            add(action.text(), "menu")
    return {letter: where for letter, where in used.items() if len(where) > 1}


def test_every_tab_of_a_case_has_each_alt_letter_once(qtbot, demo_ctx):
    ctx = demo_ctx
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    assert clashes(window) == {}
    flt = CaseloadFilter(municipality_code="0828", stage=Stage.ONDERZOEK)
    case_id = next(s.case_id for s in ctx.caseload.summaries(flt) if not s.on_hold)
    ctx.conversation.start(case_id)  # the wizard with its own buttons
    view = window.open_case(case_id)
    tabs = view.findChild(QTabWidget, "case_sections")
    for index in range(tabs.count()):
        tabs.setCurrentIndex(index)
        qtbot.wait(1)
        assert clashes(window) == {}, tabs.tabText(index)


def test_ctrl_and_a_digit_open_a_tab_of_the_case(qtbot, demo_ctx):
    from PySide6.QtCore import Qt

    ctx = demo_ctx
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.show()
    case_id = ctx.caseload.case_ids(CaseloadFilter(municipality_code="0828"))[0]
    view = window.open_case(case_id)
    tabs = view.findChild(QTabWidget, "case_sections")
    with qtbot.waitActive(window):
        window.activateWindow()
    tabs.setFocus()
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_7, Qt.KeyboardModifier.ControlModifier)
    assert tabs.tabText(tabs.currentIndex()) == "Besluit"
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    assert tabs.tabText(tabs.currentIndex()) == "Gesprek"
    assert tabs.tabToolTip(1) == "Ctrl+2"


def test_the_melding_dialog_has_each_alt_letter_once(qtbot, demo_ctx):
    dialog = MeldingDialog(demo_ctx)
    qtbot.addWidget(dialog, before_close_func=close_without_asking)
    dialog.show()
    assert clashes(dialog) == {}


def unnamed(root) -> list[str]:
    """Focusable, visible widgets a screen reader could not name: no accessible name, no label
    pointing at them (or at the box they sit in), no text of their own."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QWidget

    labelled = {label.buddy() for label in root.findChildren(QLabel) if label.buddy()}
    found = []
    for widget in root.findChildren(QWidget):
        if not widget.isVisible() or widget.focusPolicy() == Qt.FocusPolicy.NoFocus:
            continue
        if widget.focusProxy() is not None or widget.objectName().startswith("qt_"):
            continue
        if widget.accessibleName() or widget in labelled or widget.parent() in labelled:
            continue
        if isinstance(widget, QAbstractButton) and widget.text().strip():
            continue
        found.append(f"{type(widget).__name__} {widget.objectName()!r}")
    return found


def test_every_field_of_the_caseload_and_a_case_has_a_name(qtbot, demo_ctx):
    ctx = demo_ctx
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    assert unnamed(window) == []
    flt = CaseloadFilter(municipality_code="0828", stage=Stage.ONDERZOEK)
    case_id = next(s.case_id for s in ctx.caseload.summaries(flt) if not s.on_hold)
    ctx.conversation.start(case_id)
    view = window.open_case(case_id)
    tabs = view.findChild(QTabWidget, "case_sections")
    for index in range(tabs.count()):
        tabs.setCurrentIndex(index)
        qtbot.wait(1)
        assert unnamed(window) == [], tabs.tabText(index)


def test_the_alt_letter_of_a_form_row_puts_the_cursor_in_its_field(qtbot, demo_ctx):
    from PySide6.QtCore import Qt

    dialog = MeldingDialog(demo_ctx)
    qtbot.addWidget(dialog, before_close_func=close_without_asking)
    with qtbot.waitActive(dialog):
        dialog.show()
        dialog.activateWindow()
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_A, Qt.KeyboardModifier.AltModifier)
    assert QApplication.focusWidget() is dialog.surname  # &Achternaam → the field, not its box
    assert dialog.surname.accessibleName() == "Achternaam"


def test_the_team_leads_screens_have_names_and_each_alt_letter_once(qtbot, demo_ctx):
    """Goedkeuren, Werkvoorraad team and Herindicaties (with rows and without)."""
    from dataclasses import replace
    from datetime import date

    from tests.services.test_team import final_decision
    from tests.ui.test_team_view import loaded
    from wmo_desk.domain.decisions import DecisionStatus
    from wmo_desk.domain.users import Role

    ctx = demo_ctx
    waiting = ctx.caseload.summaries(CaseloadFilter("0828", stage=Stage.AANVRAAG))
    final_decision(ctx, waiting[0].case_id, date(2027, 6, 30), status=DecisionStatus.INGEDIEND)
    lead = next(u for u in ctx.profiles.users() if u.role is Role.TEAMLEIDER)
    ctx.activate(replace(ctx.profile, user=lead))
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.resize(1280, 720)
    window.show()
    window.workload_action.trigger()
    window.herindicatie_action.trigger()  # empty: the demo has no final decisions
    for index in range(window.tabs.count()):
        if hasattr(window.tabs.widget(index), "loaded"):
            loaded(qtbot, window.tabs.widget(index))
    for index in range(window.tabs.count()):
        window.tabs.setCurrentIndex(index)
        qtbot.wait(1)
        name = window.tabs.tabText(index)
        assert clashes(window) == {}, name
        assert unnamed(window) == [], name
    delivered = ctx.caseload.summaries(CaseloadFilter("0828", stage=Stage.LEVERING))
    final_decision(ctx, delivered[0].case_id, date(2026, 12, 31))
    window.herindicatie_action.trigger()
    window.tabs.currentWidget().refresh()
    loaded(qtbot, window.tabs.currentWidget())
    assert window.tabs.currentWidget().table.isVisible()
    assert clashes(window) == {} and unnamed(window) == []
