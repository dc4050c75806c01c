"""The privacy officer's check of the monitor: with every page and download at hand, can a
hidden cell be computed from a shown total and the shown parts beside it?

Every shown or hidden figure is put at its place in the region's cube (measure, quarter,
municipality, product, provider, category; None is "all"), the true values come from
monitoring's own per-selection functions, and along each dimension the total and its parts
(those with clients) are one equation: if all but one of them are known and the unknown one is
a hidden cell, it is given away."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cache

from wmo_desk.server.web import monitoring as m
from wmo_desk.server.web import tables

HIDDEN = (m.SUPPRESSED, tables.PROTECTED)
MONEY = "money"


@dataclass
class Published:
    """Every cell seen anywhere: canonical place -> its texts (one per page it is on)."""

    cells: dict[tuple, set[str]] = field(default_factory=dict)

    def add(self, place: tuple, text: str) -> None:
        self.cells.setdefault(place, set()).add(text)

    def add_page(
        self,
        shown: dict[str, dict[str, list[str]]],
        quarter: m.Quarter,
        selection: m.Filter,
        provider_ids: dict[str, str],
    ) -> None:
        """``shown``: table key -> {row header: [cell texts]} as on the page or in the CSV."""
        mun, prod, prov = selection.municipality, selection.product, selection.provider
        for q, cells in shown["clienten"].items():
            for kind, text in zip(m.FLOW_KINDS, cells, strict=True):
                self.add((kind, q, mun, prod, prov, None), text)
        for q, (clients, money) in shown["kosten-per-kwartaal"].items():
            self.add((m.IN_CARE, q, mun, prod, prov, None), clients)
            self.add((MONEY, q, mun, prod, prov, None), money)
        for row, (clients, money) in shown["kosten"].items():
            category = None if row == "Totaal" else row.split()[0]
            self.add((m.IN_CARE, quarter.label, mun, prod, prov, category), clients)
            self.add((MONEY, quarter.label, mun, prod, prov, category), money)
        for row, cells in shown["aanbieders"].items():
            for kind, text in zip(m.FLOW_KINDS, cells, strict=True):
                self.add((kind, quarter.label, mun, prod, provider_ids[row], None), text)
        for q, cells in shown["doorlooptijd"].items():
            assert all(c in HIDDEN for c in cells) or not any(c in HIDDEN for c in cells), cells
            self.add(("decided", q, mun, prod, prov, None), cells[0])


def everything_consistent(published: Published) -> None:
    """A cell on two pages is hidden on both or shown on both, with the same figure."""
    for place, texts in published.cells.items():
        assert len(texts) == 1, (place, texts)


def truth(facts: m.Facts, quarters: dict[str, m.Quarter]) -> Callable[[tuple], int]:
    """The true number of clients of a place, from monitoring's per-selection functions."""

    @cache
    def value(place: tuple) -> int:
        measure, q, mun, prod, prov, category = place
        quarter, selection = quarters[q], m.Filter(mun, prod, prov)
        if measure == "decided":
            return m.lead_times(facts, quarter, selection).clients
        if category is not None or measure == MONEY:
            rows = m.costs_by_category(facts, quarter, selection)
            return len(set().union(*(r.clients for r in rows if category in (None, r.category))))
        return len(getattr(m.flows(facts, quarter, selection), measure))

    return value


def given_away(
    published: Published,
    value: Callable[[tuple], int],
    quarters: Iterable[str],
    municipalities: Iterable[str],
    products: Iterable[str],
    providers: Iterable[str],
    categories: Iterable[str],
) -> list[tuple]:
    """The hidden cells that follow from a total and its parts by subtraction or addition."""
    dims = [list(municipalities), list(products), list(providers), list(categories)]
    found = []
    shown = {p for p, texts in published.cells.items() if not (texts & set(HIDDEN))}
    hidden = {p for p, texts in published.cells.items() if texts & set(HIDDEN)}
    for measure in (*m.FLOW_KINDS, MONEY, "decided"):
        with_category = measure in (m.IN_CARE, MONEY)
        for q in quarters:
            for key in itertools.product(
                *((*d, None) for d in dims[:3]), (*dims[3], None) if with_category else (None,)
            ):
                total = (measure, q, *key)
                if value(total) == 0:
                    continue
                for dim, part_values in enumerate(dims):
                    if key[dim] is not None or (dim == 3 and not with_category):
                        continue
                    parts = [(measure, q, *key[:dim], v, *key[dim + 1 :]) for v in part_values]
                    line = [total, *(p for p in parts if value(p) > 0)]
                    unknown = [c for c in line if c not in shown]
                    if len(unknown) == 1 and unknown[0] in hidden:
                        found.append((unknown[0], "from", total, dim))
    return found


def shown_figures_are_true(published: Published, value: Callable[[tuple], int]) -> None:
    for place, texts in published.cells.items():
        (text,) = texts
        if text not in HIDDEN and place[0] != MONEY:
            assert int(text.replace(".", "")) == value(place), (place, text)
        if text == m.SUPPRESSED:
            assert value(place) < m.MIN_CLIENTS, place
