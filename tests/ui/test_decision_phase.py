"""After approval the case's phase and its Beschikking row follow: the decision term is met."""

from __future__ import annotations

from tests.ui.test_confirmations import a_proposal, as_role, latest_decision
from wmo_desk.domain.caseload import CaseloadFilter
from wmo_desk.domain.cases import Stage
from wmo_desk.domain.users import Role
from wmo_desk.ui.display import short_date


def overdue_aanvraag(ctx) -> str:
    """The demo case in aanvraag whose decision term is most overdue."""
    today = ctx.clock.today()
    rows = ctx.caseload.summaries(CaseloadFilter("0828", stage=Stage.AANVRAAG))
    late = [s for s in rows if not s.on_hold and s.deadline and s.deadline < today]
    return min(late, key=lambda s: s.deadline).case_id


def beschikking_row(view) -> list[str]:
    model = view.deadlines.model()
    rows = [
        [model.index(r, c).data() for c in range(model.columnCount())]
        for r in range(model.rowCount())
    ]
    [row] = [r for r in rows if r[0] == "Beschikking"]
    return row


def test_the_beschikking_row_says_decided_and_the_caseload_moves_on(qtbot, demo_ctx):
    from wmo_desk.ui.case_view import CaseViewWidget

    ctx = demo_ctx
    case_id = overdue_aanvraag(ctx)
    view = CaseViewWidget(ctx, case_id)
    qtbot.addWidget(view)
    before = beschikking_row(view)
    assert before[3].endswith("te laat")

    a_proposal(ctx, case_id, submit=True)
    consultant = ctx.profile
    as_role(ctx, Role.TEAMLEIDER)
    final = ctx.decisions.approve(latest_decision(ctx, case_id))
    ctx.activate(consultant)

    view.refresh()
    row = beschikking_row(view)
    # decided after its last day (the demo case was overdue): met, and said to be late
    assert row[3] == f"besloten op {short_date(final.decision_date)} (na de termijn)"
    assert "te laat" not in row[3]
    assert f"Besluit genomen (kenmerk {final.kenmerk}" in view.stage_label.text()
    assert ctx.cases.view(case_id).case.stage is Stage.BESLOTEN
    [summary] = [s for s in ctx.caseload.summaries(CaseloadFilter("0828")) if s.case_id == case_id]
    assert summary.stage is Stage.BESLOTEN and summary.deadline is None
    # the timeline says so
    assert any("Besluit genomen, beschikking nog niet verzonden" in e.text
               for e in ctx.cases.view(case_id).timeline)  # fmt: skip
    # the next step is to send it
    assert [s for s in ctx.cases.view(case_id).next_stages] == [Stage.BESLUIT]
