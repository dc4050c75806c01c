"""suppression.protect on packed integers gives the hidden cells of the former algorithm
(tests/server/web/test_cube.py keeps it as the reference) for keys of one to four
dimensions, "" beside None, totals missing from the counts, keys of two lengths at once and
any order of the counts (the order decides ties between lines); a cube kept without its sets
of client ids (as suppression.Disclosure keeps it) has the same counts, money and hidden
cells, in care what a plain count of the care periods gives."""

from __future__ import annotations

import itertools
import random

from tests.server.web.test_cube import _plain, _reference_protect, _region
from wmo_desk.server.web import monitoring as m
from wmo_desk.server.web import suppression as s


def test_protect_on_packed_keys_is_the_same_as_the_reference():
    rng = random.Random(11)
    for _ in range(600):
        width = rng.choice([1, 2, 3, 4])
        values = [rng.sample(["a", "b", "", "c", "zz"], rng.randrange(1, 4)) for _ in range(width)]
        counts = {
            key: rng.choice([1, 2, 3, 4, 5, 6, 7, 9, 12, 30])
            for key in itertools.product(*((None, *v) for v in values))
            if rng.random() < 0.75
        }
        if rng.random() < 0.2:  # a key of another length, under its total
            counts.update({("x",) * (width + 1): 3, (*("x",) * width, None): 8})
        keys = list(counts)
        rng.shuffle(keys)
        counts = {k: counts[k] for k in keys}
        assert s.protect(counts) == _reference_protect(counts), counts


def test_protect_of_nothing_hides_nothing():
    assert s.protect({}) == set()


def test_a_cube_without_its_client_sets_counts_the_same():
    facts = _region(4, 300)
    for quarter in m.Quarter(2026, 4).trail(8):
        full, kept = s.quarter_cells(facts, quarter), s.quarter_cells(facts, quarter, False)
        assert not any(kept.clients.values())
        assert kept.counts == {
            kind: {k: len(v) for k, v in found.items()} for kind, found in full.clients.items()
        }
        assert _plain(kept)[1:] == _plain(full)[1:]  # money, demo tariffs, hidden cells
        for municipality in (None, "0828", "1721", "0796"):
            in_care = {
                p.client_id
                for p in facts.periods
                if p.overlaps(quarter.first, quarter.last)
                and municipality in (None, p.municipality_code)
            }
            key = (municipality, None, None, None)
            assert kept.count(m.IN_CARE, key) == len(in_care), (quarter, municipality)
