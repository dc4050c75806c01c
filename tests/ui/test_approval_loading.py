"""The approval queue is read off the GUI thread, in one query, and fills when read."""

from __future__ import annotations

import threading

from sqlalchemy import event

from tests.services.test_team import as_role
from tests.ui.test_approval_view import cells, proposals
from wmo_desk.domain.users import Role
from wmo_desk.services import team
from wmo_desk.ui.approval_view import ApprovalPanel


def test_the_queue_fills_from_a_background_read_in_one_query(qtbot, demo_ctx, monkeypatch):
    ctx = demo_ctx
    _waiting, big, small = proposals(ctx)
    as_role(ctx, Role.TEAMLEIDER)
    threads: list[bool] = []
    statements: list[str] = []
    read = team.TeamService.approval_queue

    def watched(self):
        threads.append(threading.current_thread() is threading.main_thread())
        engine = ctx.db.engine

        def count(_conn, _cursor, statement, *_a):
            if statement.lstrip().upper().startswith("SELECT"):
                statements.append(statement)

        event.listen(engine, "before_cursor_execute", count)
        try:
            return read(self)
        finally:
            event.remove(engine, "before_cursor_execute", count)

    monkeypatch.setattr(team.TeamService, "approval_queue", watched)
    panel = ApprovalPanel(ctx)
    qtbot.addWidget(panel)
    assert panel.list_task is None and threads == []  # made without reading: not shown yet
    panel.show()
    # shown at once, empty, saying that it reads
    assert panel.list_task is not None
    assert panel.list_busy.text() == "Voorstellen worden gelezen…"
    with qtbot.waitSignal(panel.loaded, timeout=10_000):
        pass
    assert threads == [False]  # read on the worker, not the GUI thread
    proposal_reads = [s for s in statements if "FROM decisions" in s]
    assert len(proposal_reads) == 1, proposal_reads  # the queue, its cases, clients, proposers
    model = panel.table.model()
    assert model.rowCount() == 2
    by_client = {cells(panel, r)[0] for r in range(2)}
    names = {ctx.cases.view(d.case_id).client.display_name for d in (big, small)}
    assert by_client == names
    assert {cells(panel, r)[2] for r in range(2)} == {"Sanne de Wit"}
    assert panel.list_busy.text() == "" and panel.approve_button.isEnabled()
    # Vernieuwen reads again, in the background
    task = panel.refresh()
    assert task is not None
    with qtbot.waitSignal(panel.loaded, timeout=10_000):
        pass
    assert threads == [False, False] and panel.table.model().rowCount() == 2
