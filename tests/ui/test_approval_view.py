"""The approval queue as a team lead reads it: who proposed, the cost per year, the verslag and
a preview of the letter."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from tests.services.test_team import as_role, cases_in, final_decision
from tests.ui.conftest import queue_read
from wmo_desk.domain.cases import Stage
from wmo_desk.domain.decisions import DecisionStatus
from wmo_desk.domain.users import Role
from wmo_desk.ui.approval_view import ApprovalPanel


def proposals(ctx):
    waiting = cases_in(ctx, Stage.AANVRAAG)
    # 07A06 at € 798 a month, two pieces a month; 02A06 at € 269 a month
    big = final_decision(
        ctx,
        waiting[0].case_id,
        date(2027, 11, 30),
        "07A06",
        status=DecisionStatus.INGEDIEND,
        volume=2,
    )
    small = final_decision(
        ctx, waiting[1].case_id, date(2027, 6, 30), "02A06", status=DecisionStatus.INGEDIEND
    )
    return waiting, big, small


def cells(panel, row: int) -> list[str]:
    model = panel.table.model()
    return [model.index(row, c).data() for c in range(model.columnCount())]


def test_the_queue_shows_the_proposer_and_the_cost_per_year(qtbot, demo_ctx):
    ctx = demo_ctx
    _waiting, big, small = proposals(ctx)
    as_role(ctx, Role.TEAMLEIDER)
    panel = ApprovalPanel(ctx)
    qtbot.addWidget(panel)
    queue_read(qtbot, panel)
    model = panel.table.model()
    assert [model.headerData(c, Qt.Orientation.Horizontal) for c in range(6)] == [
        "Cliënt",
        "Besluit",
        "Voorgesteld door",
        "Kosten per jaar",
        "Ingediend",
        "Beschikking uiterlijk",
    ]
    by_client = {cells(panel, r)[0]: cells(panel, r) for r in range(model.rowCount())}
    rows = sorted(by_client.values(), key=lambda r: r[3])
    assert [r[2] for r in rows] == ["Sanne de Wit", "Sanne de Wit"]
    assert {r[3] for r in rows} == {"€\xa019.152,00", "€\xa03.228,00"}
    assert all(r[1] == "Toegekend" for r in rows)

    # sorted on the cost, most first; the selection follows its proposal
    panel.table.sortByColumn(3, Qt.SortOrder.DescendingOrder)
    assert cells(panel, 0)[3] == "€\xa019.152,00"
    panel.table.selectRow(0)
    assert panel.selected().id == big.id
    detail = panel.detail.text()
    assert "voorgesteld door Sanne de Wit" in detail
    assert "kosten per jaar: €\xa019.152,00 (demotarieven)" in detail
    panel.table.sortByColumn(3, Qt.SortOrder.AscendingOrder)
    assert panel.selected().id == big.id and cells(panel, 1)[3] == "€\xa019.152,00"
    assert small.id != big.id


def test_without_a_verslag_the_team_lead_is_told(qtbot, demo_ctx, answer_modal):
    ctx = demo_ctx
    proposals(ctx)
    as_role(ctx, Role.TEAMLEIDER)
    panel = ApprovalPanel(ctx)
    qtbot.addWidget(panel)
    queue_read(qtbot, panel)
    seen = answer_modal(lambda box: box.button(QMessageBox.StandardButton.Ok).click())
    opened = []
    panel.opener = opened.append
    qtbot.mouseClick(panel.verslag_button, Qt.MouseButton.LeftButton)
    assert seen == ["Geen verslag"] and opened == []


def test_the_preview_of_the_letter_is_made_in_the_background(qtbot, demo_ctx):
    import io

    from pypdf import PdfReader

    ctx = demo_ctx
    _waiting, big, _small = proposals(ctx)
    as_role(ctx, Role.TEAMLEIDER)
    panel = ApprovalPanel(ctx)
    qtbot.addWidget(panel)
    queue_read(qtbot, panel)
    panel.proxy.select_source_row(
        panel.table, next(i for i, p in enumerate(panel.model.rows) if p.decision.id == big.id)
    )
    assert panel.selected().id == big.id
    opened = []
    panel.opener = opened.append
    task = panel.preview()
    assert not panel.preview_button.isEnabled()
    assert panel.busy.text().startswith("Voorbeeld van de beschikking voor ")
    with qtbot.waitSignal(task.finished, timeout=30_000):
        pass
    [path] = opened
    text = " ".join(
        " ".join(p.extract_text() for p in PdfReader(io.BytesIO(path.read_bytes())).pages).split()
    )
    assert "CONCEPT" in text and "Een zinvolle dag met structuur" in text
    assert path.parent == ctx.documents.open_dir
    assert panel.preview_button.isEnabled()
    # nothing was stored: the decision is still a proposal, without documents
    assert [d.status for d in ctx.decisions.for_case(big.case_id)] == [DecisionStatus.INGEDIEND]
    assert ctx.decisions.documents(big.id) == []


def test_the_queue_is_logged_as_a_count_and_a_file_as_read_when_its_proposal_is_shown(
    qtbot, demo_ctx
):
    """NEN 7513: the log says what the team lead saw. Building the window and refreshing it
    (after a sync) reads the queue, not the files; a proposal's file is read when its details
    are on the screen."""
    from tests.services.test_access_log import entries
    from wmo_desk.ui.main_window import MainWindow

    ctx = demo_ctx
    _waiting, big, small = proposals(ctx)
    as_role(ctx, Role.TEAMLEIDER)
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.resize(1280, 720)
    window.show()
    window.refresh()
    window.refresh()
    queue = queue_read(qtbot, window.approvals)  # the queue is read in the background
    assert window.tabs.currentIndex() == 0  # Mijn dossiers in front, the queue behind it
    assert entries(ctx, "case.read") == []
    listed = entries(ctx, "approval.list")
    assert [(e.detail, e.client_id, e.case_id) for e in listed] == [("2 resultaten", None, None)]

    window.tabs.setCurrentWidget(queue)
    first = queue.selected_proposal()
    assert first is not None and first.decision.id in (big.id, small.id)
    assert [(e.client_id, e.case_id) for e in entries(ctx, "case.read")] == [
        (first.client_id, first.decision.case_id)
    ]
    other = next(r for r in range(queue.proxy.rowCount()) if queue.table.currentIndex().row() != r)
    queue.table.selectRow(other)
    second = queue.selected_proposal()
    assert second is not None and second.decision.id != first.decision.id
    read = entries(ctx, "case.read")
    assert [e.case_id for e in read] == [first.decision.case_id, second.decision.case_id]
    assert read[1].client_id == second.client_id
    assert {e.user_id for e in read} == {ctx.profile.user.id}

    # sorting, a refresh while it stays selected: the same look, nothing new
    queue.table.sortByColumn(0, Qt.SortOrder.DescendingOrder)
    window.refresh()
    assert queue.selected_proposal().decision.id == second.decision.id
    assert len(entries(ctx, "case.read")) == 2
    # behind another tab nothing is read; back in front the proposal shown is read again
    window.tabs.setCurrentIndex(0)
    window.refresh()
    assert len(entries(ctx, "case.read")) == 2
    window.tabs.setCurrentWidget(queue)
    assert [e.case_id for e in entries(ctx, "case.read")][2:] == [second.decision.case_id]
