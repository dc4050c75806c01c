"""Screens redraw from what finished work changed (no 15-second poll): tasks, approvals, syncs."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from tests.services.test_documents import a_case
from tests.services.test_team import as_role
from tests.ui.conftest import queue_read
from tests.ui.test_confirmations import a_proposal, latest_decision, press
from tests.ui.test_sync_panel import open_window, signed_in, sync
from wmo_desk.domain.cases import CloseReason, Stage
from wmo_desk.domain.decisions import DecisionStatus
from wmo_desk.domain.users import Role
from wmo_desk.ui import sync_panel
from wmo_desk.ui.main_window import MainWindow
from wmo_desk.ui.tasks import Changes, run_task

pytestmark = pytest.mark.usefixtures("quiet_sync")


def row_in_caseload(window: MainWindow, case_id: str) -> list[str]:
    """Fase, Volgende termijn, Resterend of the case's row."""
    model = window.caseload.model
    row = model.row_of(case_id)
    assert row is not None, "the case is not in the caseload"
    return [model.index(row, c).data() for c in (3, 4, 5)]


def test_the_status_bar_reads_no_counts_on_a_timer(qtbot, demo_ctx):
    window = open_window(qtbot, demo_ctx)
    timers = [t.interval() for t in window.sync_panel.findChildren(sync_panel.QTimer)]
    assert 15_000 not in timers and not hasattr(sync_panel, "STATUS_POLL_MS")


def test_after_an_approval_the_caseload_and_the_status_bar_follow_at_once(
    qtbot, demo_ctx, answer_modal
):
    ctx = demo_ctx
    case_id = a_case(ctx, Stage.AANVRAAG)
    a_proposal(ctx, case_id, submit=True)
    as_role(ctx, Role.TEAMLEIDER)
    window = open_window(qtbot, ctx)
    window.caseload.scope.setCurrentIndex(1)  # Alle dossiers van de gemeente
    before = row_in_caseload(window, case_id)
    assert before[0] == Stage.AANVRAAG.label
    pending = window.sync_panel.pending.text()
    queue = queue_read(qtbot, window.approvals)
    queue.proxy.select_source_row(queue.table, next(
        i for i, p in enumerate(queue.model.rows) if p.decision.case_id == case_id
    ))  # fmt: skip
    answer_modal(press("Besluit goedkeuren"))
    with qtbot.waitSignal(window.caseload.model.modelReset, timeout=30_000):
        task = queue.approve()
        assert task is not None
    assert not task.running
    assert latest_decision(ctx, case_id).status is DecisionStatus.DEFINITIEF
    # at once, not after a poll: the row as the database has it now (an approval meets the
    # decision term: phase Besloten, no term running until the beschikking is sent) and the
    # count of what waits to be sent
    assert row_in_caseload(window, case_id) == [Stage.BESLOTEN.label, "", ""]
    assert window.sync_panel.pending.text() != pending
    assert window.sync_panel.pending.text() != pending


def test_a_task_that_says_what_it_changed_redraws_those_screens(qtbot, demo_ctx):
    ctx = demo_ctx
    window = open_window(qtbot, ctx)
    case_id = window.caseload.selected_case_id()
    assert case_id is not None
    before = window.sync_panel.pending.text()
    received: list[Changes] = []
    window.changes_made.connect(received.append)

    def work() -> None:  # a change the window hears nothing of except the task's result
        ctx.cases.close(case_id, CloseReason.INGETROKKEN, ctx.clock.today(), "")

    # done without saying what changed: nothing is read again
    task = run_task(window, "Bezig…", lambda: None, lambda _r: None)
    with qtbot.waitSignal(task.finished, timeout=10_000):
        pass
    assert received == []
    task = run_task(
        window, "Dossier wordt gewijzigd…", work, lambda _r: None, changes=Changes(cases=True)
    )
    with qtbot.waitSignal(task.finished, timeout=10_000):
        pass
    assert received == [Changes(cases=True)]
    assert window.caseload.model.row_of(case_id) is None  # closed cases are not shown
    assert window.sync_panel.pending.text() != before


def test_the_status_bar_follows_a_background_sync(qtbot, desktops):
    ctx = signed_in(desktops, desktops.open("sanne", demo=True), "sanne")
    window = open_window(qtbot, ctx)
    panel = window.sync_panel
    assert panel.last_sync.text() == "Nog niet gesynchroniseerd"
    assert panel.pending.text() != "0 wijzigingen te versturen"
    received: list[Changes] = []
    window.changes_made.connect(received.append)
    sync(qtbot, window)
    assert re.fullmatch(r"Laatst gesynchroniseerd: vandaag \d\d:\d\d", panel.last_sync.text())
    assert panel.pending.text() == "0 wijzigingen te versturen"
    assert received and received[-1].sync


def test_once_a_minute_only_the_time_of_the_last_sync_is_repainted(qtbot, desktops):
    ctx = signed_in(desktops, desktops.open("sanne", demo=True), "sanne")
    window = open_window(qtbot, ctx)
    panel = window.sync_panel
    sync(qtbot, window)
    assert panel.last_sync.text().startswith("Laatst gesynchroniseerd: vandaag ")
    reads: list[int] = []
    status = ctx.sync.status
    ctx.sync.status = lambda: reads.append(1) or status()  # type: ignore[method-assign]
    ctx.clock.day += timedelta(days=1)  # midnight passed
    with qtbot.waitSignal(panel.day_changed, timeout=1000):
        panel.clock_timer.timeout.emit()
    assert panel.last_sync.text().startswith("Laatst gesynchroniseerd: gisteren ")
    assert reads == []  # the label was repainted from memory


def test_changes_combine_and_nothing_changed_is_false():
    assert not Changes()
    assert Changes(cases=True) | Changes(sync=True) == Changes(cases=True, sync=True)
    assert Changes(catalogue=True)
