"""Which cells of the monitor may be shown: none about fewer than 5 clients, and none from
which such a cell could be computed back (complementary suppression).

Every figure of the dashboard is a cell of a cube per quarter and measure: municipality,
product, provider and (for the clients in care, and so the money) product category, each a
value or the total over all (None). Along each of these dimensions the cells with a value are
the *parts* of the cell with the total there, and the parts add up to it (exactly for money
and municipalities; for distinct clients at several providers or products, roughly: treated
as exact, which only hides more). Wherever a total and its parts hold exactly one hidden
cell with clients in it, that cell would follow by subtraction (or addition), so the next
smallest part is hidden too, or the total when no part is left; and so on until no such
line remains. The cube is of the whole region and independent of the page's selection, so
the region's page, a municipality's page and a provider's row hide the same cells.
"""

from __future__ import annotations

import itertools
from collections import defaultdict, deque
from collections.abc import Iterable
from dataclasses import dataclass, field

from wmo_desk.server.web import monitoring as m

#: (municipality, product, provider, product category); None: the total over all
Key = tuple[str | None, str | None, str | None, str | None]
#: the lead-time measure: distinct clients of the beschikkingen dated in the quarter
DECIDED = "beschikkingen"
MEASURES = (*m.FLOW_KINDS, DECIDED)


def key_of(selection: m.Filter, category: str | None = None) -> Key:
    """The cell of ``selection`` (a row of a category, or the total over the categories)."""
    return (selection.municipality, selection.product, selection.provider, category)


def _margins(*values: Iterable[str]) -> Iterable[Key]:
    return itertools.product(*((*v, None) for v in values))  # type: ignore[return-value]


def _order(key: Key) -> tuple[str, ...]:
    return tuple(v or "" for v in key)


def protect(counts: dict[Key, int]) -> set[Key]:
    """The hidden cells among ``counts`` (every cell with clients): those under the threshold
    and the ones hidden so that none of them follows from a total and the other parts.

    Lines are taken in the order of their total (None as ""), then dimension, then where
    their first part is in ``counts``; a line taken with exactly one hidden cell hides its
    smallest shown part (fewest clients, then that order), or its total when no part is
    shown; the lines of a cell hidden so are taken again after the others (its lines as a
    part by dimension, then as a total), until no line is left."""
    widths = {len(key) for key in counts}
    if len(widths) <= 1:
        return _protect(counts) if counts else set()
    # a line's total and parts are of one length: keys of other lengths never meet
    hidden: set[Key] = set()
    for width in widths:
        hidden |= _protect({k: n for k, n in counts.items() if len(k) == width})
    return hidden


def _protect(counts: dict[Key, int]) -> set[Key]:
    """:func:`protect` of keys of one length, on integers: a key is packed into one int (a
    field per dimension, 0 for None), a line is its total's int times the width plus its
    dimension, and a line's parts are a chain through ``link``. No tuple, list or set per
    cell or line is made: at 40,000 cells those, not the counting, took the time (the
    garbage collector walked them again and again)."""
    keys = list(counts)
    width = len(keys[0])
    dims = range(width)
    # per dimension: a value's field (1, 2, ...; 0 is None) and its rank in the order
    # that puts None with "" (the order of a total: _order)
    fields: list[dict[object, int]] = []
    values: list[list[object]] = []
    ranks: list[list[int]] = []
    for d in dims:
        present = {key[d] for key in keys}
        present.discard(None)
        ordered = sorted(present, key=lambda v: v or "")
        values.append([None, *ordered])
        fields.append({v: f for f, v in enumerate(ordered, 1)})
        names = sorted({v or "" for v in ordered} | {""})
        rank_of = {name: r for r, name in enumerate(names)}
        ranks.append([rank_of[""], *(rank_of[v or ""] for v in ordered)])
    shift, rank_shift = [0] * width, [0] * width
    bits = rank_bits = 0
    for d in reversed(dims):  # dimension 0 in the highest bits: packed ranks sort as tuples
        shift[d], rank_shift[d] = bits, rank_bits
        bits += len(values[d]).bit_length()
        rank_bits += len(ranks[d]).bit_length()
    field_mask = [((1 << len(values[d]).bit_length()) - 1) << shift[d] for d in dims]

    def rank(code: int) -> int:
        return sum(ranks[d][(code & field_mask[d]) >> shift[d]] << rank_shift[d] for d in dims)

    codes = [0] * len(keys)
    for d in dims:  # a dimension at a time: one comprehension each, not a loop per key
        field_of, at = {None: 0, **fields[d]}, shift[d]
        codes = [code | field_of[key[d]] << at for code, key in zip(codes, keys, strict=True)]
    index = {code: i for i, code in enumerate(codes)}
    small = [not m.shown(n) for n in counts.values()]
    hidden = {code for code, s in zip(codes, small, strict=True) if s}
    hidden_in: dict[int, int] = {}  # per line: how many of its cells are hidden
    first: dict[int, int] = {}  # per line: its first part (the order of ``counts``)
    last: dict[int, int] = {}  # per line: its last part, the head of the chain
    link: dict[int, int] = {}  # part i of the line along d (i * width + d): the part before
    for i, code in enumerate(codes):
        s = small[i]
        for d in dims:
            f = code & field_mask[d]
            if f:
                line = (code ^ f) * width + d
                before = last.get(line)
                if before is None:
                    first[line] = i
                    hidden_in[line] = s
                else:
                    link[i * width + d] = before
                    hidden_in[line] += s
                last[line] = i
    for line in hidden_in:
        if line // width in hidden:
            hidden_in[line] += 1

    def lines_of(code: int) -> list[int]:
        """The lines of a cell: as a part, by dimension; then as a total, in line order."""
        found = []
        if code in index:
            found = [(code ^ f) * width + d for d in dims if (f := code & field_mask[d])]
        totals = [code * width + d for d in dims if not code & field_mask[d]]
        found += sorted((t for t in totals if t in first), key=first.__getitem__)
        return found

    # a line with two hidden cells never needs a third: only the others can be taken
    index_bits = len(keys).bit_length()
    dim_bits = width.bit_length()
    todo = deque(
        sorted(
            (line for line, n in hidden_in.items() if n <= 1),
            key=lambda line: (
                (((rank(line // width) << dim_bits) | (line % width)) << index_bits) | first[line]
            ),
        )
    )
    n_of = list(counts.values())
    while todo:
        line = todo.popleft()
        if hidden_in[line] != 1:
            continue
        d = line % width
        best = None
        i = last[line]
        while i is not None:
            if codes[i] not in hidden:
                candidate = (n_of[i], rank(codes[i]), i)
                if best is None or candidate < best:
                    best = candidate
            i = link.get(i * width + d)
        extra = line // width if best is None else codes[best[2]]
        hidden.add(extra)
        others = lines_of(extra)
        for other in others:
            hidden_in[other] += 1
        todo.extend(others)
    return {
        keys[index[code]]
        if code in index
        else tuple(values[d][(code & field_mask[d]) >> shift[d]] for d in dims)
        for code in hidden
    }


@dataclass
class QuarterCells:
    """The cube of one quarter: distinct clients per measure and cell, the money per cell of
    the clients in care, and which cells are hidden.

    ``counts`` is what the figures read; ``clients``, the sets of client ids counted, is
    only kept when asked for (:func:`quarter_cells`): the sets were most of a cube's memory."""

    clients: dict[str, dict[Key, set[str]]] = field(
        default_factory=lambda: {measure: defaultdict(set) for measure in MEASURES}
    )
    counts: dict[str, dict[Key, int]] = field(default_factory=dict)
    cents: dict[Key, int] = field(default_factory=lambda: defaultdict(int))
    unpriced: dict[Key, int] = field(default_factory=lambda: defaultdict(int))
    #: cells whose money includes a demo tariff
    demo: set[Key] = field(default_factory=set)
    hidden: dict[str, set[Key]] = field(default_factory=dict)

    def count(self, measure: str, key: Key) -> int:
        return self.counts[measure].get(key, 0)

    def is_hidden(self, measure: str, key: Key) -> bool:
        """Hidden: 1 to 4 clients, or to protect such a cell (no clients is shown as 0)."""
        return m.suppressed(self.count(measure, key)) or key in self.hidden[measure]

    def is_protecting(self, measure: str, key: Key) -> bool:
        """Hidden although it has 5 clients or more: it would give another cell away."""
        return m.shown(self.count(measure, key)) and key in self.hidden[measure]

    def categories(self, selection: m.Filter) -> list[str]:
        """The categories with clients in care in ``selection``, in code order."""
        base = key_of(selection)
        return sorted(
            k[3] for k in self.counts[m.IN_CARE] if k[3] is not None and k[:3] == base[:3]
        )

    def providers(self, selection: m.Filter) -> list[str]:
        """The providers with clients in care in ``selection``."""
        base = key_of(selection)
        return sorted(
            {
                k[2]
                for k in self.counts[m.IN_CARE]
                if k[2] is not None
                and k[3] is None
                and k[:2] == base[:2]
                and base[2] in (None, k[2])
            }
        )


class _Packed:
    """The cells of a cube as ints: a field per dimension (1, 2, ... for its values in the
    order met; 0 for None), so that a margin of a cell is the cell's int with fields masked
    off, and no tuple is made for a margin until the cube is handed out."""

    def __init__(self, keys: Iterable[Key]) -> None:
        keys = list(keys)
        self.values: list[list[str | None]] = []
        self.fields: list[dict[str | None, int]] = []
        for d in range(4):
            values = list(dict.fromkeys(key[d] for key in keys))
            self.values.append([None, *values])
            self.fields.append({v: f for f, v in enumerate(values, 1)})
        self.shift = [0, 0, 0, 0]
        bits = 0
        for d in (3, 2, 1, 0):
            self.shift[d] = bits
            bits += len(self.values[d]).bit_length()
        self.mask = [
            ((1 << len(self.values[d]).bit_length()) - 1) << self.shift[d] for d in range(4)
        ]
        #: a finest cell's margins in the order of :func:`_margins` (value before None), all
        #: of them and those with the total over the categories
        self.margins = [
            sum(self.mask[d] for d in range(4) if keep[d])
            for keep in itertools.product((True, False), repeat=4)
        ]
        self.flat = [mask for mask in self.margins if not mask & self.mask[3]]

    def code(self, key: Key) -> int:
        fields, shift = self.fields, self.shift
        return (
            fields[0][key[0]] << shift[0]
            | fields[1][key[1]] << shift[1]
            | fields[2][key[2]] << shift[2]
            | fields[3][key[3]] << shift[3]
        )

    def key(self, code: int) -> Key:
        values, shift, mask = self.values, self.shift, self.mask
        return (
            values[0][(code & mask[0]) >> shift[0]],
            values[1][(code & mask[1]) >> shift[1]],
            values[2][(code & mask[2]) >> shift[2]],
            values[3][(code & mask[3]) >> shift[3]],
        )


def _roll_up_clients(cells: dict[int, set[str]], masks: Iterable[int]) -> None:
    """Each cell's clients added into the cell with None at each dimension of ``masks`` in
    turn: after all of them a cell holds the clients of every finest cell under it."""
    for mask in masks:
        for code in [code for code in cells if code & mask]:  # ints: nothing for the gc
            parent, clients = code & ~mask, cells[code]
            found = cells.get(parent)
            if found is None:
                cells[parent] = set(clients)
            else:
                found |= clients


def _roll_up_sums(cells: dict[int, int], masks: Iterable[int]) -> None:
    for mask in masks:
        for code in [code for code in cells if code & mask]:
            parent = code & ~mask
            cells[parent] = cells.get(parent, 0) + cells[code]


def quarter_cells(facts: m.Facts, quarter: m.Quarter, clients: bool = True) -> QuarterCells:
    """The cube of ``quarter`` for the whole region, with its hidden cells (and with the
    counted sets of client ids unless ``clients`` is False).

    The periods are summed into the finest cells first (municipality, product, provider,
    category), then rolled up one dimension at a time into the margins, on cells packed into
    ints (:class:`_Packed`). The cells are handed out in the order in which they are first a
    margin of a finest cell, finest cells in the order their first period came: the order of
    summing period by period, which decides ties in :func:`protect`."""
    finest: dict[str, dict[Key, set[str]]] = {kind: defaultdict(set) for kind in m.FLOW_KINDS}
    cents: dict[Key, int] = defaultdict(int)
    unpriced: dict[Key, int] = defaultdict(int)
    demo: set[Key] = set()
    for p, kinds in m.period_events(facts, quarter):
        key = (p.municipality_code, p.product_code, p.provider_id, p.category)
        for kind in kinds:
            finest[kind][key].add(p.client_id)
        money = m.quarter_cost_cents(p, quarter)
        if money is None:
            unpriced[key] += 1
        else:
            cents[key] += money
            if p.demo:
                demo.add(key)
    packed = _Packed(finest[m.IN_CARE])  # every period is in care: all the finest cells
    code = packed.code
    mask, category = packed.mask, packed.mask[3]
    cells = QuarterCells()
    key_of: dict[int, Key] = {}
    for kind, found in finest.items():
        codes = [code(key) for key in found]
        if kind == m.IN_CARE:
            rolled = dict(zip(codes, found.values(), strict=True))
            _roll_up_clients(rolled, mask)
            margins = packed.margins
        else:  # the flows are not split by category
            rolled = {}
            for c, ids in zip(codes, found.values(), strict=True):
                flat = c & ~category
                if flat in rolled:
                    rolled[flat] |= ids
                else:
                    rolled[flat] = set(ids)
            _roll_up_clients(rolled, mask[:3])
            margins = packed.flat
        order = dict.fromkeys(c & margin for c in codes for margin in margins)
        if kind == m.IN_CARE:
            key_of = {c: packed.key(c) for c in order}
        cells.counts[kind] = {key_of[c]: len(rolled[c]) for c in order}
        if clients:
            cells.clients[kind] = defaultdict(set, {key_of[c]: rolled[c] for c in order})
    for sums, into in ((cents, cells.cents), (unpriced, cells.unpriced)):
        rolled_sums = {code(key): n for key, n in sums.items()}
        _roll_up_sums(rolled_sums, mask)
        into.update((key_of[c], n) for c, n in rolled_sums.items())
    rolled_demo = {code(key) for key in demo}
    for dim in mask:
        rolled_demo |= {c & ~dim for c in rolled_demo if c & dim}
    cells.demo = {key_of[c] for c in rolled_demo}
    decided: dict[Key, set[str]] = defaultdict(set)
    for case in m.decided_in(facts, quarter):
        for key in _margins((case.municipality_code,), case.products, case.providers, ()):
            decided[key].add(case.client_id)
    cells.counts[DECIDED] = {k: len(v) for k, v in decided.items()}
    if clients:
        cells.clients[DECIDED] = decided
    cells.hidden = {measure: protect(cells.counts[measure]) for measure in MEASURES}
    return cells


class Disclosure:
    """The region's facts and, per quarter asked for, its cube (computed once, kept while the
    facts stay the same: figures.FigureStore)."""

    def __init__(self, facts: m.Facts) -> None:
        self.facts = facts
        self._quarters: dict[m.Quarter, QuarterCells] = {}
        self._lead_times: dict[tuple[m.Quarter, m.Filter], m.LeadTimes] = {}

    def lead_times(self, quarter: m.Quarter, selection: m.Filter) -> m.LeadTimes:
        """:func:`monitoring.lead_times` of these facts, computed once per quarter and choice."""
        key = (quarter, selection)
        found = self._lead_times.get(key)
        if found is None:
            found = self._lead_times.setdefault(key, m.lead_times(self.facts, quarter, selection))
        return found

    def of(self, quarter: m.Quarter) -> QuarterCells:
        found = self._quarters.get(quarter)
        if found is None:
            # two request threads may compute the same quarter at once: same result, kept once
            cells = quarter_cells(self.facts, quarter, clients=False)
            found = self._quarters.setdefault(quarter, cells)
        return found
