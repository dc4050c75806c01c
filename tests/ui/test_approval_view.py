"""The approval queue as a team lead reads it: who proposed, the cost per year, the verslag and
a preview of the letter."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from tests.services.test_team import as_role, cases_in, final_decision
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
    panel.table.selectRow(
        next(i for i, r in enumerate(panel.table.model().rows) if r[0].id == big.id)
    )
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
