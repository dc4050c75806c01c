"""Complementary suppression on a crafted region: three municipalities, four products in three
categories, four providers and a pgb, care starting and ending over the quarters. Every table
of every selection is read as the privacy officer would: no hidden cell may follow from a
shown total and the shown parts beside it; and without the extra hiding one would."""

from __future__ import annotations

import itertools
import random

import pytest

from tests.server.web import disclosure
from tests.server.web.test_monitoring import Region
from wmo_desk.server.web import charts, suppression, tables
from wmo_desk.server.web import monitoring as m

QUARTER = m.Quarter(2026, 4)
MUNICIPALITIES = ("0828", "1721", "0796")
PRODUCTS = {
    "07A07": m.ProductInfo("Dagbesteding", "07", 132400, "maand"),
    "07A08": m.ProductInfo("Dagbesteding groep", "07", 99000, "maand"),
    "02A07": m.ProductInfo("Individuele ondersteuning", "02", 58400, "maand"),
    "04A01": m.ProductInfo("Kortdurend verblijf", "04", 12000, "maand"),
}
PROVIDERS = {"a": "Aanbieder A", "b": "Aanbieder B", "c": "Aanbieder C", "d": "Aanbieder D"}
NAMES = tables.Names({c: c for c in MUNICIPALITIES}, {}, PROVIDERS)
STARTS = ("2025-01-01", "2026-02-01", "2026-07-01", "2026-10-01", "2026-11-15", "2026-12-01")
ENDS = (None, None, "2026-08-31", "2026-11-30", "2026-12-31")


def _crafted() -> m.Facts:
    rng = random.Random(2026)
    region = Region()
    # skewed sizes, so that many cells fall just under and just over 5
    weights = {"0828": 30, "1721": 9, "0796": 3}
    for municipality, clients in weights.items():
        for _ in range(clients):
            case = region.case(municipality=municipality, melding="2026-09-01",
                               aanvraag=rng.choice([None, "2026-09-20"]))  # fmt: skip
            decision = region.decision(case, on=rng.choice(["2026-10-05", "2026-12-20"]))
            start = rng.choice(STARTS)
            end = rng.choice([e for e in ENDS if e is None or e > start])
            pgb = rng.random() < 0.15
            region.provision(
                decision,
                rng.choice(list(PRODUCTS)),
                start,
                end,
                provider_id="" if pgb else rng.choice("aabbcd"),
                delivery_form="pgb" if pgb else "natura",
                pgb_cents=50000 if pgb else None,
            )
    return m.decode(region.records, PRODUCTS)


def _publish(data: suppression.Disclosure) -> disclosure.Published:
    published = disclosure.Published()
    provider_ids = {NAMES.provider(p): p for p in (*PROVIDERS, "pgb", "")}
    for mun, prod, prov in itertools.product(
        (None, *MUNICIPALITIES), (None, *PRODUCTS), (None, *PROVIDERS)
    ):
        selection = m.Filter(mun, prod, prov)
        shown = {
            key: {row[0].text: [c.text for c in row[1:]] for row in table.rows}
            for key, table in tables.all_tables(data, QUARTER, selection, NAMES).items()
        }
        published.add_page(shown, QUARTER, selection, provider_ids)
    return published


def _leaks(facts: m.Facts, published: disclosure.Published) -> list[tuple]:
    quarters = {q.label: q for q in QUARTER.trail(tables.TREND_QUARTERS)}
    value = disclosure.truth(facts, quarters)
    disclosure.everything_consistent(published)
    disclosure.shown_figures_are_true(published, value)
    providers = sorted({p.provider_id for p in facts.periods})
    categories = sorted({p.category for p in facts.periods})
    return disclosure.given_away(
        published, value, quarters, MUNICIPALITIES, PRODUCTS, providers, categories
    )


def test_no_hidden_cell_of_the_crafted_region_can_be_computed_back():
    facts = _crafted()
    published = _publish(suppression.Disclosure(facts))
    texts = [t for ts in published.cells.values() for t in ts]
    # the region is made to need it: cells under 5, cells hidden to protect them, and shown ones
    assert texts.count(m.SUPPRESSED) and texts.count(tables.PROTECTED) and len(texts) > 1000
    assert _leaks(facts, published) == []


def test_without_the_extra_hiding_the_check_finds_the_hidden_cells(monkeypatch):
    facts = _crafted()
    monkeypatch.setattr(
        suppression, "protect", lambda counts: {k for k, n in counts.items() if not m.shown(n)}
    )
    leaks = _leaks(facts, _publish(suppression.Disclosure(facts)))
    assert leaks, "the check would not see a cell computed back"


@pytest.mark.parametrize(
    ("counts", "hidden"),
    [
        # a total 9 of 6 and 3: the 6 goes too
        ({(None,): 9, ("a",): 6, ("b",): 3}, {("a",), ("b",)}),
        # two under 5 protect each other; the 7 stays
        ({(None,): 14, ("a",): 7, ("b",): 3, ("c",): 4}, {("b",), ("c",)}),
        # the next smallest goes, not a bigger one
        ({(None,): 30, ("a",): 20, ("b",): 6, ("c",): 4}, {("b",), ("c",)}),
        # one part under 5 and no other part: the total goes
        ({(None,): 3, ("a",): 3}, {(None,), ("a",)}),
    ],
)
def test_protect_hides_the_next_smallest_part_or_the_total(counts, hidden):
    assert suppression.protect(counts) == hidden


def test_a_chart_names_a_protecting_gap_in_dutch():
    svg = charts.bar_chart(
        "g", "Geraamde kosten", [charts.Point("2026 K4", None, tables.PROTECTED)], "€"
    )
    assert "2026 K4: afgeschermd, niet getoond ter bescherming van een kleiner aantal" in svg
