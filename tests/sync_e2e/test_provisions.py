"""A provision the consultant removes from a proposal is gone for the team lead too."""

from __future__ import annotations

from datetime import date

from tests.sync_e2e.helpers import case_in, local_records
from wmo_desk.domain.cases import Stage
from wmo_desk.domain.decisions import DecisionOutcome, DeliveryForm, Provision


def test_a_removed_provision_does_not_reach_the_approval(desktops):
    sanne = desktops.open("sanne", demo=True)
    desktops.sign_in(sanne, "sanne")
    case_id = case_in(sanne, Stage.AANVRAAG)
    catalogue = sanne.catalogues.current()
    products = [p for p in catalogue.products if p.care_form == "dagbesteding"][:2]
    provider = next(p for p in catalogue.providers if products[0].code in p.product_codes)
    decision = sanne.decisions.propose(case_id, DecisionOutcome.TOEGEKEND, "Zie verslag.")
    provisions = tuple(
        Provision(
            decision_id=decision.id, product_code=product.code, result=f"Resultaat {n}",
            start=date(2026, 12, 1), end=date(2027, 11, 30), delivery_form=DeliveryForm.NATURA,
            volume=2, unit="82", frequency="4", provider_id=provider.id,
        )
        for n, product in enumerate(products, 1)
    )  # fmt: skip
    decision = sanne.decisions.save(decision, provisions=provisions)
    sanne.sync.sync()

    ruud = desktops.open("ruud", role="teamleider", user="Ruud Verhoeven")
    desktops.sign_in(ruud, "ruud")
    ruud.sync.sync()
    assert len(ruud.decisions.for_case(case_id)[0].provisions) == 2

    # Sanne drops the second provision and submits
    current = sanne.decisions.for_case(case_id)[0]
    sanne.decisions.submit(sanne.decisions.save(current, provisions=provisions[:1]))
    assert sanne.sync.sync().refused == 0
    ruud.sync.sync()
    [queued] = ruud.decisions.queue()
    assert [p.result for p in queued.provisions] == ["Resultaat 1"]
    # the removal travelled as a tombstone: the record is kept, marked deleted, everywhere
    assert provisions[1].id in local_records(ruud, "provision", deleted=True)
