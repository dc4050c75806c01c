"""Decision rules: validation per field, four-eyes approval, final means final, bezwaar, toewijzing changes."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from wmo_desk.catalogue.loader import load_catalogue
from wmo_desk.domain.allocation_rules import (
    allocate,
    change_period_or_volume,
    change_provider,
    next_number,
)
from wmo_desk.domain.decision_rules import (
    approve,
    bezwaar_last_day,
    check_decision,
    correction_of,
    edit,
    kenmerk_for,
    return_for_changes,
    submit,
)
from wmo_desk.domain.decisions import (
    Decision,
    DecisionOutcome,
    DecisionStatus,
    DeliveryForm,
    Provision,
)
from wmo_desk.domain.errors import FieldErrors, UserError
from wmo_desk.paths import resources_dir

CAT = load_catalogue(resources_dir() / "catalogues" / "bno-o.json")
PRODUCT = next(p for p in CAT.products if p.care_form == "dagbesteding")


def provision(**changes) -> Provision:
    values = dict(
        decision_id="d1",
        product_code=PRODUCT.code,
        result="Structuur in de week",
        start=date(2026, 12, 1),
        end=date(2027, 11, 30),
        delivery_form=DeliveryForm.NATURA,
        volume=3,
        unit="16",
        frequency="2",
        provider_id="bnoo-001",
    )
    values.update(changes)
    return Provision(**values)


def decision(**changes) -> Decision:
    values = dict(
        case_id="c1",
        outcome=DecisionOutcome.TOEGEKEND,
        motivation="Zie het verslag van 20 november 2026.",
        proposed_by="consulent",
        provisions=(provision(),),
    )
    values.update(changes)
    return Decision(**values)


def errors_of(d: Decision) -> dict[str, str]:
    with pytest.raises(FieldErrors) as info:
        check_decision(d, CAT)
    return info.value.errors


def test_a_valid_grant_passes():
    check_decision(decision(), CAT)


def test_each_rule_has_its_own_message_at_the_field():
    assert errors_of(decision(provisions=(provision(end=None),))) == {
        "provisions[0].end": "Bij een omvang per week is een einddatum verplicht."
    }
    assert (
        "contractperiode"
        in errors_of(decision(provisions=(provision(start=date(2025, 6, 1)),)))[
            "provisions[0].start"
        ]
    )
    assert (
        "natura"
        in errors_of(decision(provisions=(provision(provider_id=None),)))[
            "provisions[0].provider_id"
        ]
    )
    too_much = (PRODUCT.tariff_cents or 0) + 1
    pgb = provision(delivery_form=DeliveryForm.PGB, provider_id=None, pgb_cents=too_much)
    assert "niet hoger" in errors_of(decision(provisions=(pgb,)))["provisions[0].pgb_cents"]
    check_decision(
        decision(provisions=(replace(pgb, pgb_cents=(PRODUCT.tariff_cents or 100) - 100),)), CAT
    )
    assert errors_of(decision(provisions=(provision(product_code="XXXXX"),)))[
        "provisions[0].product_code"
    ]


def test_a_refusal_needs_a_motivation_and_no_provisions():
    refusal = decision(outcome=DecisionOutcome.AFGEWEZEN, provisions=(), motivation=" ")
    assert set(errors_of(refusal)) == {"motivation"}
    assert set(
        errors_of(
            replace(refusal, motivation="Algemene voorziening volstaat", provisions=(provision(),))
        )
    ) == {"provisions"}


def test_four_eyes_return_resubmit_approve_and_final_means_final():
    d = submit(decision(), CAT)
    assert d.status is DecisionStatus.INGEDIEND
    with pytest.raises(UserError):
        edit(d, motivation="stiekem anders")
    d, comment = return_for_changes(d, "Omvang onderbouwen")
    assert d.status is DecisionStatus.TERUGGESTUURD and comment == "Omvang onderbouwen"
    d = submit(edit(d, motivation="Zie verslag; 3 dagdelen omdat …"), CAT)
    with pytest.raises(UserError, match="eigen voorstel"):
        approve(d, "consulent", "x", date(2026, 12, 2))
    final = approve(d, "teamleider", kenmerk_for("0828", 2026, 123), date(2026, 12, 2))
    assert final.status is DecisionStatus.DEFINITIEF and final.kenmerk == "WMO-0828-2026-000123"
    with pytest.raises(UserError, match="nieuw besluit"):
        edit(final, motivation="anders")
    correction = correction_of(final, "consulent")
    assert correction.replaces_id == final.id and correction.status is DecisionStatus.CONCEPT


def test_bezwaar_across_month_and_year_ends():
    assert bezwaar_last_day(date(2026, 12, 2)) == date(2027, 1, 13)  # DOMAIN.md §2
    assert bezwaar_last_day(date(2026, 1, 17)) == date(2026, 3, 2)  # Sat 28 Feb -> Mon 2 Mar


def test_toewijzing_versions_and_a_change_of_provider():
    first = allocate(provision(), "bnoo-001", "07", next_number({17, 3}))
    assert first.number == 18 and first.version == 1
    longer = change_period_or_volume(first, date(2028, 6, 30), first.volume)
    assert (longer.number, longer.version, longer.change_reason) == (18, 2, "04")
    shorter = change_period_or_volume(longer, date(2027, 6, 30), 2)
    assert (shorter.version, shorter.change_reason, shorter.volume) == (3, "05", 2)
    ended, successor = change_provider(shorter, "bnoo-002", date(2027, 3, 1), next_number({18}))
    assert ended.number == 18 and ended.change_reason == "09" and ended.end == date(2027, 2, 28)
    assert successor.number == 19 and successor.version == 1 and successor.start == date(2027, 3, 1)
    with pytest.raises(UserError):
        next_number({999_999_999})
