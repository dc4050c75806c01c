"""suppression.protect on packed integers gives the hidden cells of the former algorithm
(tests/server/web/test_cube.py keeps it as the reference) for keys of one to four
dimensions, "" beside None, totals missing from the counts, keys of two lengths at once and
any order of the counts (the order decides ties between lines)."""

from __future__ import annotations

import itertools
import random

from tests.server.web.test_cube import _reference_protect
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
