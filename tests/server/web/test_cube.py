"""The quarter's cube summed finest cells first, and the complementary suppression that counts
each line's hidden cells as it goes (both for a region of 50,000 cases): the same cells,
counts, money and hidden cells as the straightforward versions they replaced, kept here as
the reference."""

from __future__ import annotations

import itertools
import random
from collections import defaultdict, deque
from datetime import date, timedelta

import pytest

from tests.server.web.test_monitoring import Region
from wmo_desk.server.web import monitoring as m
from wmo_desk.server.web import suppression as s

PRODUCTS = {
    "07A07": m.ProductInfo("Dagbesteding", "07", 132400, "maand"),
    "07A08": m.ProductInfo("Dagbesteding groep", "07", 99000, "maand", tariff_is_demo=True),
    "02A07": m.ProductInfo("Individuele ondersteuning", "02", 58400, "maand"),
    "04A01": m.ProductInfo("Kortdurend verblijf", "04", None, ""),
}


def _reference_protect(counts: dict[s.Key, int]) -> set[s.Key]:
    hidden = {k for k, n in counts.items() if not m.shown(n)}
    lines: dict[tuple, list[s.Key]] = defaultdict(list)
    member_of: dict[s.Key, list[tuple]] = defaultdict(list)
    for key in counts:
        for dim, value in enumerate(key):
            if value is None:
                continue
            line = ((*key[:dim], None, *key[dim + 1 :]), dim)
            lines[line].append(key)
            member_of[key].append(line)
    for line in lines:
        member_of[line[0]].append(line)
    todo = deque(sorted(lines, key=lambda line: (s._order(line[0]), line[1])))
    while todo:
        line = todo.popleft()
        total, parts = line[0], lines[line]
        if sum(1 for c in (total, *parts) if c in hidden) != 1:
            continue
        rest = sorted((c for c in parts if c not in hidden), key=lambda c: (counts[c], s._order(c)))
        extra = rest[0] if rest else total
        hidden.add(extra)
        todo.extend(member_of[extra])
    return hidden


def _reference_cells(facts: m.Facts, quarter: m.Quarter) -> s.QuarterCells:
    cells = s.QuarterCells()
    for p, kinds in m.period_events(facts, quarter):
        full = list(
            s._margins((p.municipality_code,), (p.product_code,), (p.provider_id,), (p.category,))
        )
        flat = [k for k in full if k[3] is None]
        for kind in kinds:
            for key in full if kind == m.IN_CARE else flat:
                cells.clients[kind][key].add(p.client_id)
        money = m.quarter_cost_cents(p, quarter)
        for key in full:
            if money is None:
                cells.unpriced[key] += 1
            else:
                cells.cents[key] += money
                if p.demo:
                    cells.demo.add(key)
    for case in m.decided_in(facts, quarter):
        for key in s._margins((case.municipality_code,), case.products, case.providers, ()):
            cells.clients[s.DECIDED][key].add(case.client_id)
    cells.hidden = {
        measure: _reference_protect({k: len(v) for k, v in cells.clients[measure].items()})
        for measure in s.MEASURES
    }
    return cells


def _region(seed: int, clients: int) -> m.Facts:
    """Clients with up to four provisions one after the other: some continue the next day at
    another provider or with another product, some after a gap, some with a pgb."""
    rng = random.Random(seed)
    region = Region()
    for _ in range(clients):
        municipality = rng.choice(["0828", "0828", "0828", "1721", "0796"])
        decision = region.decision(region.case(municipality), on="2025-06-01")
        start = date(2025, 1, 1) + timedelta(days=rng.randrange(700))
        product, provider = rng.choice(list(PRODUCTS)), rng.choice("aabbcdef")
        for n in range(rng.randrange(1, 5)):
            end = start + timedelta(days=rng.randrange(30, 300))
            last = n == 3 or rng.random() < 0.3
            pgb = rng.random() < 0.1
            region.provision(
                decision, product, start.isoformat(),
                None if last and rng.random() < 0.5 else end.isoformat(),
                provider_id="" if pgb else provider, delivery_form="pgb" if pgb else "natura",
                pgb_cents=40000 if pgb else None,
            )  # fmt: skip
            if last:
                break
            start = end + timedelta(days=1 if rng.random() < 0.6 else rng.randrange(20, 90))
            provider = rng.choice("aabbcdef") if rng.random() < 0.5 else provider
            product = rng.choice(list(PRODUCTS)) if rng.random() < 0.2 else product
    return m.decode(region.records, PRODUCTS)


def _plain(cells: s.QuarterCells) -> tuple:
    return (
        {kind: {k: v for k, v in found.items() if v} for kind, found in cells.clients.items()},
        {k: v for k, v in cells.cents.items()},
        {k: v for k, v in cells.unpriced.items()},
        cells.demo,
        cells.hidden,
    )


@pytest.mark.parametrize(("seed", "clients"), [(1, 40), (2, 150), (3, 600)])
def test_the_cube_is_the_same_as_summed_period_by_period(seed, clients):
    facts = _region(seed, clients)
    for quarter in m.Quarter(2026, 4).trail(8):
        got, want = s.quarter_cells(facts, quarter), _reference_cells(facts, quarter)
        assert _plain(got) == _plain(want), quarter
        assert any(got.hidden[kind] for kind in m.FLOW_KINDS)  # the region needs suppression


def test_protect_is_the_same_as_checking_each_line_again():
    rng = random.Random(5)
    values = ("a", "b", "c", "")
    for _ in range(200):
        counts = {
            key: rng.choice([1, 2, 4, 5, 6, 9, 20, 60])
            for key in itertools.product((None, *values), (None, *values))
            if rng.random() < 0.7
        }
        assert s.protect(counts) == _reference_protect(counts), counts
