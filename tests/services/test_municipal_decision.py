"""A decision on the municipality's own products: checked, approved and in the beschikking."""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import date

from pypdf import PdfReader

from wmo_desk.domain.caseload import CaseloadFilter
from wmo_desk.domain.cases import Stage
from wmo_desk.domain.decisions import DecisionOutcome, DecisionStatus, DeliveryForm, Provision
from wmo_desk.domain.users import Role


def as_role(ctx, role: Role):
    user = next(u for u in ctx.profiles.users() if u.role is role)
    ctx.activate(replace(ctx.profile, user=user))
    return user


def text_of(pdf: bytes) -> str:
    return " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages).split())


def test_scootmobiel_in_natura_and_home_help_as_pgb_in_the_beschikking(demo_ctx):
    ctx = demo_ctx
    case_id = ctx.caseload.summaries(CaseloadFilter("0828", stage=Stage.AANVRAAG))[0].case_id
    ranked = ctx.suggestions.suggestions(case_id, "vervoer", "12O01").ranked
    assert ranked[0].provider.name == "Hulpmiddelencentrum Brabant Noordoost-oost (demo)"
    ctx.suggestions.choose(case_id, "vervoer", "12O01", ranked[0], "")
    decision = ctx.decisions.propose(
        case_id,
        DecisionOutcome.TOEGEKEND,
        "Zie verslag: mevrouw kan niet meer lopen naar de winkel.",
    )
    scooter = Provision(
        decision_id=decision.id,
        product_code="12O01",
        result="Mevrouw doet zelf haar boodschappen.",
        start=date(2026, 12, 1),
        end=date(2028, 11, 30),
        delivery_form=DeliveryForm.NATURA,
        volume=1,
        unit="82",
        frequency="6",
        provider_id=ranked[0].provider.id,
    )
    home_help = Provision(
        decision_id=decision.id,
        product_code="01O02",
        result="Het huis is schoon en de was is gedaan.",
        start=date(2026, 12, 1),
        end=date(2027, 11, 30),
        delivery_form=DeliveryForm.PGB,
        volume=3,
        unit="04",
        frequency="2",
        pgb_cents=2900,
    )
    decision = ctx.decisions.save(decision, provisions=(scooter, home_help))
    submitted = ctx.decisions.submit(decision)
    as_role(ctx, Role.TEAMLEIDER)
    final = ctx.decisions.approve(submitted)
    assert final.status is DecisionStatus.DEFINITIEF
    documents = {kind: content for kind, _name, content in ctx.decisions.documents(final.id)}
    letter = text_of(documents["beschikking"])
    assert "Scootmobiel (in bruikleen)" in letter and "12O01" in letter
    assert "Vervoervoorzieningen" in letter
    assert "Hulpmiddelencentrum Brabant Noordoost-oost (demo)" in letter
    assert "Hulp bij het huishouden met wasverzorging" in letter
    assert "3 uur per week" in letter
