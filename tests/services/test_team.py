"""The team lead's overviews: workload per consultant, provisions that end soon, the cost per
year of a proposal."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest

from tests.conftest import TODAY
from wmo_desk.domain.caseload import CaseloadFilter
from wmo_desk.domain.cases import Stage
from wmo_desk.domain.catalogue import Product, ProductModel
from wmo_desk.domain.decisions import (
    Allocation,
    Decision,
    DecisionOutcome,
    DecisionStatus,
    DeliveryForm,
    Provision,
)
from wmo_desk.domain.errors import UserError
from wmo_desk.domain.users import Role, User
from wmo_desk.services.team import TeamService, add_months, yearly_cost_cents
from wmo_desk.storage.repositories.audit import AuditRepository
from wmo_desk.storage.repositories.decisions import DecisionRepository
from wmo_desk.storage.repositories.users import UserRepository


def as_role(ctx, role: Role) -> User:
    user = next(u for u in ctx.profiles.users() if u.role is role)
    ctx.activate(replace(ctx.profile, user=user))
    return user


def final_decision(
    ctx,
    case_id: str,
    end: date | None,
    product_code: str = "07203",
    *,
    status: DecisionStatus = DecisionStatus.DEFINITIEF,
    volume: int | None = 1,
    replaces_id: str | None = None,
) -> Decision:
    """A decision with one natura provision, stored as it is after approval (or as ``status``)."""
    consultant = next(u for u in ctx.profiles.users() if u.role is Role.CONSULENT)
    decision = Decision(
        case_id=case_id,
        outcome=DecisionOutcome.TOEGEKEND,
        motivation="Uit het onderzoek blijkt dat ondersteuning nodig is.",
        proposed_by=consultant.id,
        status=status,
        kenmerk="WMO-0828-2026-0001" if status is DecisionStatus.DEFINITIEF else "",
        decision_date=date(2026, 1, 5) if status is DecisionStatus.DEFINITIEF else None,
        replaces_id=replaces_id,
    )
    provision = Provision(
        decision_id=decision.id,
        product_code=product_code,
        result="Een zinvolle dag met structuur",
        start=date(2026, 1, 5),
        end=end,
        delivery_form=DeliveryForm.NATURA,
        volume=volume,
        unit="82",
        frequency="4",
        provider_id="bnoo-actief-zorg-b-v",
    )
    decision = replace(decision, provisions=(provision,))
    with ctx.db.session() as session:
        DecisionRepository(session).save(decision)
    return decision


def cases_in(ctx, stage: Stage) -> list:
    return ctx.caseload.summaries(CaseloadFilter("0828", stage=stage))


def test_workload_counts_open_overdue_and_due_this_week_per_consultant(demo_ctx):
    ctx = demo_ctx
    lead = as_role(ctx, Role.TEAMLEIDER)
    colleague = User(name="Ahmed Yilmaz", role=Role.CONSULENT, municipality_code="0828")
    with ctx.db.session() as session:
        UserRepository(session).add(colleague)
    caseload = ctx.caseload.summaries(CaseloadFilter("0828"))  # open cases, every consultant
    week_end = TODAY + timedelta(days=6)  # 23 November 2026 is a Monday
    binding = {"onderzoek", "beslissing"}
    expected_late = sum(1 for s in caseload if s.deadline_kind in binding and s.deadline < TODAY)
    expected_soon = sum(
        1 for s in caseload if s.deadline_kind in binding and TODAY <= s.deadline <= week_end
    )

    work = TeamService.of(ctx).workload()

    assert work.week_end == date(2026, 11, 29)
    by_name = {c.name: c for c in work.consultants}
    assert set(by_name) == {"Sanne de Wit", "Ahmed Yilmaz"}  # the team lead holds no cases
    sanne = by_name["Sanne de Wit"]
    assert sanne.open == len(caseload) == 27  # 30 demo cases, 3 closed
    assert (sanne.overdue, sanne.due_this_week) == (expected_late, expected_soon)
    assert sanne.overdue >= 2 and sanne.due_this_week >= 1  # the demo has both
    assert sanne.on_hold == 2
    assert by_name["Ahmed Yilmaz"] == replace(
        by_name["Ahmed Yilmaz"], open=0, overdue=0, due_this_week=0, on_hold=0
    )
    assert (work.total.name, work.total.open, work.total.overdue) == (
        "Totaal",
        27,
        expected_late,
    )
    # a reassigned case moves to the colleague's row
    ctx.cases.reassign(caseload[0].case_id, colleague.id)
    work = TeamService.of(ctx).workload()
    by_name = {c.name: c for c in work.consultants}
    assert (by_name["Sanne de Wit"].open, by_name["Ahmed Yilmaz"].open) == (26, 1)
    assert lead.role is Role.TEAMLEIDER


def test_only_a_team_lead_sees_the_team_workload(demo_ctx):
    as_role(demo_ctx, Role.CONSULENT)
    with pytest.raises(UserError) as raised:
        TeamService.of(demo_ctx).workload()
    assert raised.value.title == "Geen bevoegdheid"


def test_herindicaties_within_the_horizon_soonest_first_and_logged_as_a_count(demo_ctx):
    ctx = demo_ctx
    as_role(ctx, Role.TEAMLEIDER)
    delivered = cases_in(ctx, Stage.LEVERING)
    soon = final_decision(ctx, delivered[0].case_id, TODAY + timedelta(days=20))
    later = final_decision(ctx, delivered[1].case_id, date(2027, 4, 30), "02A07")
    final_decision(ctx, delivered[2].case_id, date(2027, 12, 31))  # beyond six months
    final_decision(ctx, delivered[2].case_id, TODAY - timedelta(days=1))  # already ended
    final_decision(  # a proposal is not a provision yet
        ctx, delivered[2].case_id, TODAY + timedelta(days=5), status=DecisionStatus.INGEDIEND
    )
    team = TeamService.of(ctx)

    three = team.herindicaties(3)
    assert [(p.case_id, p.end) for p in three] == [(soon.case_id, TODAY + timedelta(days=20))]
    [row] = three
    assert row.client_sort_name == delivered[0].client_name
    assert (row.product_code, row.product_name) == ("07203", "Dagbesteding ouderen")
    assert row.consultant_name == "Sanne de Wit"

    six = team.herindicaties(6)
    assert [p.case_id for p in six] == [soon.case_id, later.case_id]
    assert team.herindicaties(1) == three  # 23 December is within one month
    assert team.herindicaties(1) == three  # the same look again at once

    with ctx.db.session() as session:
        entries = [e for e in AuditRepository(session).entries() if e.action == "herindicatie.list"]
    assert [e.detail for e in entries] == ["1 resultaten", "2 resultaten", "1 resultaten"]
    assert all(e.client_id is None for e in entries)


def test_an_extended_toewijzing_or_a_replacing_decision_moves_the_herindicatie(demo_ctx):
    ctx = demo_ctx
    as_role(ctx, Role.TEAMLEIDER)
    delivered = cases_in(ctx, Stage.LEVERING)
    extended = final_decision(ctx, delivered[0].case_id, TODAY + timedelta(days=10))
    replaced = final_decision(ctx, delivered[1].case_id, TODAY + timedelta(days=12))
    [provision] = extended.provisions
    with ctx.db.session() as session:
        repo = DecisionRepository(session)
        for version, end in ((1, provision.end), (2, date(2027, 12, 31))):
            repo.add_allocation(
                Allocation(
                    provision_id=provision.id,
                    number=1001,
                    version=version,
                    provider_id="bnoo-actief-zorg-b-v",
                    product_category="07",
                    product_code="07203",
                    start=provision.start,
                    end=end,
                    change_reason="" if version == 1 else "04",
                )
            )
    final_decision(ctx, delivered[1].case_id, date(2028, 6, 30), replaces_id=replaced.id)

    assert TeamService.of(ctx).herindicaties(3) == []


def allocate(ctx, decision: Decision, versions: list[tuple[int, int, date | None]]) -> None:
    """Toewijzingen (number, version, end) of the decision's one provision."""
    [provision] = decision.provisions
    with ctx.db.session() as session:
        repo = DecisionRepository(session)
        for number, version, end in versions:
            repo.add_allocation(
                Allocation(
                    provision_id=provision.id,
                    number=number,
                    version=version,
                    provider_id="bnoo-actief-zorg-b-v",
                    product_category="07",
                    product_code="07203",
                    start=provision.start,
                    end=end,
                    change_reason="" if version == 1 else "04",
                )
            )


def test_the_current_toewijzingen_decide_the_end_shorter_later_or_open(demo_ctx):
    ctx = demo_ctx
    as_role(ctx, Role.TEAMLEIDER)
    delivered = cases_in(ctx, Stage.LEVERING)
    soon = TODAY + timedelta(days=30)
    shortened = final_decision(ctx, delivered[0].case_id, date(2027, 12, 31))
    allocate(ctx, shortened, [(2001, 1, date(2027, 12, 31)), (2001, 2, soon)])
    running = final_decision(ctx, delivered[1].case_id, TODAY + timedelta(days=10))
    allocate(ctx, running, [(2002, 1, TODAY + timedelta(days=10)), (2002, 2, None)])
    one_open = final_decision(ctx, delivered[2].case_id, TODAY + timedelta(days=15))
    allocate(ctx, one_open, [(2003, 1, TODAY + timedelta(days=15)), (2004, 1, None)])
    two = final_decision(ctx, delivered[1].case_id, date(2027, 12, 31))
    allocate(
        ctx, two, [(2005, 1, TODAY + timedelta(days=5)), (2006, 1, TODAY + timedelta(days=40))]
    )
    # not (yet) allocated: the decision's own end
    unallocated = final_decision(ctx, delivered[2].case_id, TODAY + timedelta(days=35))

    found = TeamService.of(ctx).herindicaties(3)

    assert [(p.case_id, p.end) for p in found] == [
        (shortened.case_id, soon),
        (unallocated.case_id, TODAY + timedelta(days=35)),
        (two.case_id, TODAY + timedelta(days=40)),
    ]
    assert [p.provision_id for p in found] == [
        d.provisions[0].id for d in (shortened, unallocated, two)
    ]


def test_a_consultant_sees_only_the_own_herindicaties(demo_ctx):
    ctx = demo_ctx
    delivered = cases_in(ctx, Stage.LEVERING)
    final_decision(ctx, delivered[0].case_id, TODAY + timedelta(days=20))
    as_role(ctx, Role.TEAMLEIDER)
    colleague = User(name="Ahmed Yilmaz", role=Role.CONSULENT, municipality_code="0828")
    with ctx.db.session() as session:
        UserRepository(session).add(colleague)
    ctx.cases.reassign(delivered[0].case_id, colleague.id)
    sanne = next(u for u in ctx.profiles.users() if u.name == "Sanne de Wit")
    ctx.activate(replace(ctx.profile, user=sanne))
    assert TeamService.of(ctx).herindicaties(3) == []
    ctx.activate(replace(ctx.profile, user=colleague))
    assert [p.case_id for p in TeamService.of(ctx).herindicaties(3)] == [delivered[0].case_id]


def test_add_months_keeps_the_day_or_takes_the_last_of_a_shorter_month():
    assert add_months(date(2026, 11, 23), 3) == date(2027, 2, 23)
    assert add_months(date(2026, 11, 30), 3) == date(2027, 2, 28)
    assert add_months(date(2026, 8, 31), 6) == date(2027, 2, 28)
    assert add_months(date(2026, 12, 1), 1) == date(2027, 1, 1)


def _product(period: str, cents: int | None = 10_000, unit: str = "82") -> Product:
    return Product(
        code="X",
        name="x",
        category="02",
        care_form="x",
        model=ProductModel.OUTPUT,
        unit=unit,
        frequency="4",
        tariff_cents=cents,
        tariff_period=period,
    )


def _provision(**kw) -> Provision:
    base = dict(
        decision_id="d",
        product_code="X",
        result="r",
        start=date(2027, 1, 1),
        end=date(2027, 12, 31),
        delivery_form=DeliveryForm.NATURA,
        volume=1,
        unit="82",
        frequency="4",
    )
    base.update(kw)
    return Provision(**base)


@pytest.mark.parametrize(
    ("period", "provision", "expected"),
    [
        ("maand", _provision(), 120_000),  # 1 stuks per maand at € 100 a month
        ("maand", _provision(volume=2), 240_000),
        ("week", _provision(), 520_000),
        ("jaar", _provision(), 10_000),
        ("uur", _provision(volume=3, unit="04", frequency="2"), 1_560_000),  # 3 uur per week
        ("uur", _provision(volume=90, unit="01", frequency="2"), 780_000),  # 90 minutes a week
        ("dagdeel", _provision(volume=2, unit="16", frequency="2"), 1_040_000),
        ("uur", _provision(volume=None, unit="04", frequency="2"), None),
        ("etmaal", _provision(volume=3, unit="04", frequency="2"), None),  # hours on a day rate
        (
            "etmaal",  # 30 etmalen within two years: 15 a year
            _provision(volume=30, unit="14", frequency="6", end=date(2028, 12, 30)),
            150_000,
        ),
        ("", _provision(volume=1, unit="82", frequency="6"), 10_000),  # one piece
        (
            "maand",
            _provision(delivery_form=DeliveryForm.PGB, pgb_cents=8_000, provider_id=None),
            96_000,
        ),
    ],
)
def test_cost_per_year_from_the_tariff_and_the_omvang(period, provision, expected):
    assert yearly_cost_cents(provision, _product(period)) == expected


def test_no_tariff_no_cost():
    assert yearly_cost_cents(_provision(), _product("maand", None)) is None
    assert yearly_cost_cents(_provision(), None) is None
