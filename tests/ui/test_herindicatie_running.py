"""A provision ending soon whose herindicatie already runs in a newer case of the same client says
so ("herindicatie loopt (melding …)") and can be hidden; another product's melding does not count."""

from __future__ import annotations

from datetime import date, timedelta

from tests.conftest import TODAY
from tests.services.test_team import as_role, cases_in, final_decision
from tests.ui.test_herindicatie import open_list, table_rows
from tests.ui.test_team_view import loaded
from wmo_desk.domain.cases import Case, Channel, Reporter, Stage
from wmo_desk.domain.decisions import DecisionStatus
from wmo_desk.domain.users import Role
from wmo_desk.services.team import TeamService
from wmo_desk.storage.repositories.cases import CaseRepository


def new_case(ctx, client_id: str, melding: date, stage: Stage = Stage.ONDERZOEK) -> Case:
    lead = next(u for u in ctx.profiles.users() if u.role is Role.CONSULENT)
    case = Case(
        client_id=client_id,
        municipality_code="0828",
        consultant_id=lead.id,
        melding_date=melding,
        reported_by=Reporter.CLIENT,
        channel=Channel.TELEFOON,
        request_text="Herindicatie dagbesteding",
        stage=stage,
    )
    with ctx.db.session() as session:
        CaseRepository(session).save(case, TODAY)
    return case


def client_of(ctx, case_id: str) -> str:
    return ctx.cases.view(case_id).case.client_id


def test_a_running_herindicatie_is_marked_and_can_be_hidden(qtbot, demo_ctx):
    ctx = demo_ctx
    as_role(ctx, Role.TEAMLEIDER)
    delivered = cases_in(ctx, Stage.LEVERING)
    first, second, third = (d.case_id for d in delivered[:3])
    for case_id in (first, second, third):
        final_decision(ctx, case_id, TODAY + timedelta(days=20), "07203")
    # first: a new melding with the same product proposed -> under way
    renewal = new_case(ctx, client_of(ctx, first), date(2026, 11, 10), Stage.AANVRAAG)
    final_decision(ctx, renewal.id, None, "07203", status=DecisionStatus.INGEDIEND)
    # second: a new melding about another care form (begeleiding) -> not this herindicatie
    other = new_case(ctx, client_of(ctx, second), date(2026, 11, 12))
    final_decision(ctx, other.id, None, "02A07", status=DecisionStatus.CONCEPT)
    # third: a new melding that names no product yet -> not counted (no guessing)
    new_case(ctx, client_of(ctx, third), date(2026, 11, 14))

    found = {p.case_id: p for p in TeamService.of(ctx).herindicaties(3)}
    assert found[first].renewal_text == "herindicatie loopt (melding 10-11-2026)"
    assert found[first].renewal_case_id == renewal.id
    assert found[second].renewal_text == "" and found[third].renewal_text == ""

    _window, view = open_list(qtbot, ctx)
    by_client = {r[0]: r for r in table_rows(view)}
    names = {d.case_id: d.client_name for d in delivered[:3]}
    assert by_client[names[first]][4] == "nog 20 dagen; herindicatie loopt (melding 10-11-2026)"
    assert by_client[names[second]][4] == "nog 20 dagen"
    assert view.count.text() == "3 voorzieningen"

    view.hide_running.setChecked(True)  # no new read: the list filters what it has
    assert view.task is None
    assert names[first] not in [r[0] for r in table_rows(view)]
    assert len(table_rows(view)) == 2
    assert view.count.text() == "2 voorzieningen (1 met een lopende herindicatie verborgen)"
    # the choice holds over another period
    view.horizon.setCurrentIndex(view.horizon.findData(6))
    loaded(qtbot, view)
    assert names[first] not in [r[0] for r in table_rows(view)]
    view.hide_running.setChecked(False)
    assert names[first] in [r[0] for r in table_rows(view)]


def test_a_decided_newer_case_is_no_longer_a_running_herindicatie(demo_ctx):
    ctx = demo_ctx
    as_role(ctx, Role.TEAMLEIDER)
    [first] = [d.case_id for d in cases_in(ctx, Stage.LEVERING)[:1]]
    final_decision(ctx, first, TODAY + timedelta(days=20), "07203")
    renewal = new_case(ctx, client_of(ctx, first), date(2026, 11, 10), Stage.BESLUIT)
    final_decision(ctx, renewal.id, None, "07203", status=DecisionStatus.INGEDIEND)
    [ending] = [p for p in TeamService.of(ctx).herindicaties(3) if p.case_id == first]
    assert ending.renewal_melding is None
