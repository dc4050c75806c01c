"""The task runner: long work off the GUI thread, busy while it runs, its outcome on the GUI thread."""

from __future__ import annotations

import logging
import threading

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMainWindow, QMessageBox, QPushButton, QVBoxLayout, QWidget

from wmo_desk.domain.errors import UserError
from wmo_desk.sync.client import ServerError
from wmo_desk.ui.tasks import STATUS_BUSY_NAME, BusyBar, run_task


class Screen(QWidget):
    """A screen with a button that starts the work and its own busy line."""

    def __init__(self) -> None:
        super().__init__()
        self.button = QPushButton("Doen")
        self.busy = BusyBar()
        layout = QVBoxLayout(self)
        layout.addWidget(self.button)
        layout.addWidget(self.busy)


@pytest.fixture
def screen(qtbot):
    widget = Screen()
    qtbot.addWidget(widget)
    widget.show()
    return widget


def test_the_work_runs_off_the_gui_thread_and_its_result_reaches_on_done(qtbot, screen):
    release = threading.Event()
    ran_on: list[int] = []
    done: list[object] = []

    def work() -> str:
        ran_on.append(threading.get_ident())
        assert release.wait(10)
        return "klaar"

    task = run_task(
        screen, "Bezig met rekenen…", work, done.append, controls=[screen.button], busy=screen.busy
    )
    assert task.running
    assert screen.busy.isVisible() and screen.busy.text() == "Bezig met rekenen…"
    assert screen.busy.label.text() == "Bezig met rekenen…"
    assert not screen.button.isEnabled()
    assert screen.cursor().shape() is Qt.CursorShape.WaitCursor
    with qtbot.waitSignal(task.finished, timeout=10_000):
        release.set()
    assert done == ["klaar"] and task.result == "klaar"
    assert ran_on and ran_on[0] != threading.get_ident()
    assert not screen.busy.isVisible() and screen.busy.text() == ""
    assert screen.button.isEnabled()
    assert screen.cursor().shape() is Qt.CursorShape.ArrowCursor


def test_a_button_that_was_disabled_stays_disabled(qtbot, screen):
    screen.button.setEnabled(False)
    task = run_task(screen, "Bezig…", lambda: 1, lambda _r: None, controls=[screen.button])
    with qtbot.waitSignal(task.finished, timeout=10_000):
        pass
    assert not screen.button.isEnabled()


def test_a_user_error_is_shown_with_its_dutch_title(qtbot, screen, answer_modal):
    def work():
        raise ServerError("unreachable", "Server niet bereikbaar", "Probeer het later opnieuw.")

    done: list[object] = []
    texts: list[str] = []
    seen = answer_modal(lambda box: (texts.append(box.text()), box.accept()))
    task = run_task(screen, "Bezig…", work, done.append, controls=[screen.button])
    with qtbot.waitSignal(task.finished, timeout=10_000):
        pass
    assert seen == ["Server niet bereikbaar"] and texts == ["Probeer het later opnieuw."]
    assert done == [] and isinstance(task.error, ServerError)
    assert screen.button.isEnabled()


def test_on_error_takes_the_user_error_instead_of_a_message_box(qtbot, screen):
    errors: list[UserError] = []

    def work():
        raise UserError("Verkeerde regio", "Dit is de catalogus van een andere regio.")

    task = run_task(screen, "Bezig…", work, lambda _r: None, errors.append)
    with qtbot.waitSignal(task.finished, timeout=10_000):
        pass
    assert [e.title for e in errors] == ["Verkeerde regio"]
    assert screen.findChild(QMessageBox) is None


def test_a_bug_is_logged_shown_as_programmafout_and_raised(qtbot, screen, caplog):
    def work():
        raise KeyError("kenmerk")

    with (
        caplog.at_level(logging.ERROR, logger="wmo_desk.ui.tasks"),
        qtbot.captureExceptions() as raised,
    ):
        task = run_task(screen, "Bezig…", work, lambda _r: None, controls=[screen.button])
        with qtbot.waitSignal(task.finished, timeout=10_000):
            pass
    assert [type(e[1]) for e in raised] == [KeyError]
    assert any(r.exc_info and r.exc_info[0] is KeyError for r in caplog.records)
    box = screen.findChild(QMessageBox, "task_bug")
    assert box is not None and box.windowTitle() == "Programmafout"
    assert "programmafout" in box.text()
    box.close()
    assert screen.button.isEnabled() and not screen.busy.isVisible()


def test_tasks_run_one_after_the_other(qtbot, screen):
    release = threading.Event()
    order: list[str] = []

    def first() -> None:
        assert release.wait(10)
        order.append("eerste")

    release_second = threading.Event()

    def second() -> None:
        assert release_second.wait(10)  # else it may be done before the first one's news arrives
        order.append("tweede")

    one = run_task(screen, "Eerste…", first, lambda _r: None, busy=screen.busy)
    two = run_task(screen, "Tweede…", second, lambda _r: None, busy=screen.busy)
    assert screen.busy.text() == "Tweede…"
    with qtbot.waitSignal(one.finished, timeout=10_000):
        release.set()
    assert order == ["eerste"] and two.running and screen.busy.text() == "Tweede…"
    with qtbot.waitSignal(two.finished, timeout=10_000):
        release_second.set()
    assert order == ["eerste", "tweede"] and not screen.busy.isVisible()


def test_without_a_busy_line_the_main_window_status_bar_says_it(qtbot):
    window = QMainWindow()
    qtbot.addWidget(window)
    release = threading.Event()
    task = run_task(window, "Catalogus wordt ingelezen…", lambda: release.wait(10), print)
    bar = window.statusBar().findChild(BusyBar, STATUS_BUSY_NAME)
    assert bar is not None and bar.text() == "Catalogus wordt ingelezen…"
    with qtbot.waitSignal(task.finished, timeout=10_000):
        release.set()
    assert bar.text() == ""


def test_a_screen_closed_meanwhile_gets_no_callback(qtbot):
    widget = Screen()
    release = threading.Event()
    done: list[object] = []
    task = run_task(widget, "Bezig…", lambda: release.wait(10), done.append, busy=widget.busy)
    widget.deleteLater()
    qtbot.wait(10)  # deleteLater happens in the event loop
    with qtbot.waitSignal(task.finished, timeout=10_000):
        release.set()
    assert done == [] and task.result is True


def test_approving_shows_the_busy_line_and_disables_the_buttons(qtbot, demo_ctx, answer_modal):
    from dataclasses import replace

    from tests.services.test_documents import a_case
    from tests.ui.conftest import queue_read
    from tests.ui.test_confirmations import press
    from wmo_desk.domain.cases import Stage
    from wmo_desk.domain.decisions import DecisionOutcome
    from wmo_desk.domain.users import Role
    from wmo_desk.ui.approval_view import ApprovalPanel

    ctx = demo_ctx
    case_id = a_case(ctx, Stage.AANVRAAG)
    d = ctx.decisions.propose(case_id, DecisionOutcome.AFGEWEZEN, "Geen beperking vastgesteld.")
    ctx.decisions.submit(d)
    lead = next(u for u in ctx.profiles.users() if u.role is Role.TEAMLEIDER)
    ctx.activate(replace(ctx.profile, user=lead))
    panel = ApprovalPanel(ctx)
    qtbot.addWidget(panel)
    queue_read(qtbot, panel)
    panel.show()
    client = ctx.cases.view(case_id).client.display_name
    answer_modal(press("Besluit goedkeuren"))
    with qtbot.waitSignal(panel.decided, timeout=30_000) as decided:
        qtbot.mouseClick(panel.approve_button, Qt.MouseButton.LeftButton)
        assert panel.busy.text() == f"Besluit van {client} wordt goedgekeurd…"
        assert not panel.approve_button.isEnabled() and not panel.return_button.isEnabled()
        panel.send_back("Toch niet")  # ignored while the approval runs
    assert decided.args == [case_id]
    assert panel.task is None and panel.busy.text() == ""
    assert panel.table.model().rowCount() == 0
    assert not panel.approve_button.isEnabled()  # nothing left to approve
