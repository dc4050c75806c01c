"""The four-eyes flow through the services and storage; final decisions and documents are immutable."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from sqlalchemy import update

from wmo_desk.domain.caseload import CaseloadFilter
from wmo_desk.domain.cases import Stage
from wmo_desk.domain.decisions import DecisionOutcome, DecisionStatus, DeliveryForm, Provision
from wmo_desk.domain.errors import UserError
from wmo_desk.domain.users import Role
from wmo_desk.services.decisions import DecisionService
from wmo_desk.storage.tables import DecisionDocumentRow


def as_role(ctx, role: Role):
    user = next(u for u in ctx.profiles.users() if u.role is role)
    ctx.activate(replace(ctx.profile, user=user))
    return user


def test_propose_return_resubmit_approve_and_immutability(demo_ctx):
    ctx = demo_ctx
    case_id = ctx.caseload.summaries(CaseloadFilter("0828", stage=Stage.AANVRAAG))[0].case_id
    product = next(p for p in ctx.catalogues.current().products if p.care_form == "dagbesteding")
    as_role(ctx, Role.CONSULENT)
    decision = ctx.decisions.propose(
        case_id, DecisionOutcome.TOEGEKEND, "Zie verslag: dagbesteding nodig voor structuur."
    )
    provision = Provision(
        decision_id=decision.id,
        product_code=product.code,
        result="Structuur in de week",
        start=date(2026, 12, 1),
        end=date(2027, 11, 30),
        delivery_form=DeliveryForm.NATURA,
        volume=1,
        unit="82",
        frequency="4",
        provider_id=ctx.catalogues.current().providers[0].id,
    )
    decision = ctx.decisions.save(decision, provisions=(provision,))
    submitted = ctx.decisions.submit(decision)
    with pytest.raises(UserError, match="teamleider"):
        ctx.decisions.queue()

    as_role(ctx, Role.TEAMLEIDER)
    assert [d.id for d in ctx.decisions.queue()] == [decision.id]
    returned = ctx.decisions.return_for_changes(submitted, "Onderbouw het aantal dagdelen")
    assert ctx.decisions.queue() == []
    assert "Onderbouw het aantal dagdelen" in ctx.cases.view(case_id).timeline[-1].text

    as_role(ctx, Role.CONSULENT)
    again = ctx.decisions.submit(
        ctx.decisions.save(returned, motivation="Zie verslag; één dagdeel per week.")
    )
    lead = as_role(ctx, Role.TEAMLEIDER)
    service = DecisionService(
        ctx.db,
        ctx.clock,
        ctx.profile,
        ctx.catalogues,
        renderer=lambda d, _a: [
            ("beschikking", f"{d.kenmerk}.pdf", b"%PDF-fake " + d.kenmerk.encode())
        ],
    )
    final = service.approve(again)
    assert final.status is DecisionStatus.DEFINITIEF and final.approved_by == lead.id
    assert final.kenmerk == f"WMO-0828-{ctx.clock.today().year}-000001"
    [(kind, filename, content)] = service.documents(final.id)
    assert filename == f"{final.kenmerk}.pdf"
    assert kind == "beschikking" and content.endswith(final.kenmerk.encode())

    with pytest.raises(UserError, match="nieuw besluit"):
        service.save(final, motivation="achteraf anders")
    stored = service.for_case(case_id)[-1]
    assert (
        stored.motivation == "Zie verslag; één dagdeel per week."
        and stored.status is DecisionStatus.DEFINITIEF
    )

    with ctx.db.session() as s:  # someone tampers with the stored PDF
        s.execute(update(DecisionDocumentRow).values(content=b"%PDF-changed"))
    with pytest.raises(UserError, match="controlesom"):
        service.documents(final.id)
