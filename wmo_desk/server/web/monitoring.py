"""The monitoring figures of a region: clients in care, in-, door- and uitstroom, lead times and
money per quarter, computed from decoded sync records; only aggregates leave this module.

Definitions (docs/server.md, "Monitoring"):

- A *care period* is a toewijzing (the newest version of each toewijzingnummer of a provision;
  deleted or lapsed ones, reden 13 and 01, are left out) or, for a provision of a final
  beschikking without any toewijzing (pgb, or not yet allocated), the provision itself.
- *In zorg* in a quarter: the client has a care period overlapping the quarter.
- *Instroom*: a care period starts in the quarter and the client was in no care the day before.
- *Doorstroom*: a care period starts in the quarter while the client was in care the day
  before with another product or provider, and that earlier care ends before the new one
  (a change, not an extra product alongside).
- *Uitstroom*: a care period ends in the quarter and no care of the client continues the day
  after.
- *Melding tot beschikking*: per case whose first final beschikking is dated in the quarter,
  the days from melding to that date; *op tijd* when it is dated within the desktop's
  beschikking term (wmo_desk/domain/deadlines.py: 2 weeks from the aanvraag, Wmo art. 2.3.5,
  holds and the Algemene termijnenwet) or, without an aanvraag date, that term counted from
  the end of the onderzoek term (6 weeks from the melding): about 8 weeks.
- *Kosten*: an estimate at the catalogue tariff (a pgb at its own amount; a product not in
  the catalogue, pgb or not, is unpriced), the cost per year of the omvang
  (wmo_desk/domain/costs.py, the rule of the team lead's approval queue) times the share of
  the year the period overlaps the quarter.

Every count is of distinct clients; a cell of 1 to 4 clients (fewer than :data:`MIN_CLIENTS`)
is suppressed (shown as "< 5"), and so is its money; suppression.py hides the cells that would
give such a cell away. A cell without clients is shown as 0: it is about no one, and it cannot
give a suppressed cell away (it adds nothing to any total).
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cached_property

from wmo_desk.domain.cases import Case, Channel, HoldPeriod, Reporter, Stage
from wmo_desk.domain.codes import PRODUCT_CATEGORIES
from wmo_desk.domain.costs import yearly_cost_cents
from wmo_desk.domain.deadlines import DeadlineKind, case_deadlines

MIN_CLIENTS = 5
SUPPRESSED = "< 5"
FINAL = "definitief"
#: RedenWijziging that take a toewijzing out: 13 verwijderd, 01 administratieve correctie (vervallen)
_WITHDRAWN = frozenset({"13", "01"})
_DAY = timedelta(days=1)

# -- the inputs ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RawRecord:
    """A synced record as the store holds it: type, id, municipality and decoded payload."""

    record_type: str
    record_id: str
    municipality_code: str
    payload: dict


@dataclass(frozen=True, slots=True)
class ProductInfo:
    """What the catalogue says about a product code, for names, categories and tariffs."""

    name: str
    category: str
    tariff_cents: int | None
    tariff_period: str
    tariff_is_demo: bool = False


@dataclass(frozen=True, slots=True)
class CaseFacts:
    """What the figures need of a case; ``products``/``providers`` of its final provisions."""

    case_id: str
    client_id: str
    municipality_code: str
    melding_date: date
    aanvraag_date: date | None
    holds: tuple[HoldPeriod, ...]
    decision_date: date | None
    products: frozenset[str]
    providers: frozenset[str]


@dataclass(frozen=True, slots=True)
class CarePeriod:
    """A client's care with one product at one provider from ``start`` to ``end`` (or on)."""

    client_id: str
    municipality_code: str
    product_code: str
    category: str
    provider_id: str
    start: date
    end: date | None
    yearly_cents: int | None
    #: priced with a demo tariff of the catalogue, not a contracted one
    demo: bool = False

    def overlaps(self, first: date, last: date) -> bool:
        return self.start <= last and (self.end is None or self.end >= first)

    def covers(self, day: date) -> bool:
        return self.overlaps(day, day)


@dataclass(frozen=True)
class Facts:
    """The decoded region: its cases and care periods."""

    cases: tuple[CaseFacts, ...]
    periods: tuple[CarePeriod, ...]

    @cached_property  # every quarter's cube asks for it; a frozen dataclass keeps it in __dict__
    def by_client(self) -> dict[str, list[CarePeriod]]:
        """The care periods per client, each in the order of ``periods``."""
        grouped: dict[str, list[CarePeriod]] = defaultdict(list)
        for p in self.periods:
            grouped[p.client_id].append(p)
        return dict(grouped)


def _date(value: object) -> date | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


def _holds(value: object) -> tuple[HoldPeriod, ...]:
    holds = []
    for hold in value if isinstance(value, list) else []:
        start = _date(hold.get("start")) if isinstance(hold, dict) else None
        if start is not None:
            holds.append(HoldPeriod(start=start, reason="", end=_date(hold.get("end"))))
    return tuple(holds)


def _int(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def category_of(product_code: str, products: dict[str, ProductInfo]) -> str:
    """The product's category from the catalogue, else the iWmo code's first two digits."""
    info = products.get(product_code)
    if info is not None and info.category:
        return info.category
    prefix = product_code[:2]
    return prefix if prefix in PRODUCT_CATEGORIES else ""


def decode(records: Iterable[RawRecord], products: dict[str, ProductInfo]) -> Facts:
    """Cases and care periods from the case, decision, provision and allocation records.

    Only final decisions (``definitief``) count; a record that lacks what it needs (a broken
    chain, a missing date) is left out rather than guessed."""
    by_type: dict[str, dict[str, RawRecord]] = defaultdict(dict)
    for record in records:
        by_type[record.record_type][record.record_id] = record
    cases = by_type["case"]
    decisions = {
        rid: r
        for rid, r in by_type["decision"].items()
        if r.payload.get("status") == FINAL and str(r.payload.get("case_id")) in cases
    }
    provisions = {
        rid: r
        for rid, r in by_type["provision"].items()
        if str(r.payload.get("decision_id")) in decisions
    }
    allocations: dict[str, dict[int, dict]] = defaultdict(dict)
    for record in by_type["allocation"].values():
        payload = record.payload
        provision_id = str(payload.get("provision_id"))
        number, version = _int(payload.get("number")), _int(payload.get("version")) or 0
        if provision_id not in provisions or number is None:
            continue
        current = allocations[provision_id].get(number)
        if current is None or (_int(current.get("version")) or 0) < version:
            allocations[provision_id][number] = payload

    periods: list[CarePeriod] = []
    case_products: dict[str, set[str]] = defaultdict(set)
    case_providers: dict[str, set[str]] = defaultdict(set)
    for provision in provisions.values():
        p = provision.payload
        case = cases[str(decisions[str(p["decision_id"])].payload["case_id"])]
        client_id = str(case.payload.get("client_id") or "")
        pgb = p.get("delivery_form") == "pgb"
        code = str(p.get("product_code") or "")
        info = products.get(code)
        spans = [
            a
            for a in allocations.get(provision.record_id, {}).values()
            if a.get("change_reason") not in _WITHDRAWN
        ]
        if not spans and not allocations.get(provision.record_id):
            spans = [p]
        for span in spans:
            start, end = _date(span.get("start")), _date(span.get("end"))
            if start is None or not client_id or (end is not None and end < start):
                continue
            product = str(span.get("product_code") or code)
            provider = str(span.get("provider_id") or ("pgb" if pgb else ""))
            yearly = yearly_cost_cents(
                in_catalogue=info is not None,
                tariff_cents=info.tariff_cents if info else None,
                tariff_period=info.tariff_period if info else "",
                is_pgb=pgb,
                pgb_cents=_int(p.get("pgb_cents")),
                volume=_int(span.get("volume")),
                unit=str(span.get("unit") or ""),
                frequency=str(span.get("frequency") or ""),
                start=start,
                end=end,
            )
            periods.append(
                CarePeriod(
                    client_id=client_id,
                    municipality_code=case.municipality_code,
                    product_code=product,
                    category=str(span.get("product_category") or "")
                    or category_of(product, products),
                    provider_id=provider,
                    start=start,
                    end=end,
                    yearly_cents=yearly,
                    demo=yearly is not None and not pgb and bool(info and info.tariff_is_demo),
                )
            )
            case_products[case.record_id].add(product)
            case_providers[case.record_id].add(provider)

    first_decision: dict[str, date] = {}
    for decision in decisions.values():
        day = _date(decision.payload.get("decision_date"))
        case_id = str(decision.payload["case_id"])
        if day is not None and (case_id not in first_decision or day < first_decision[case_id]):
            first_decision[case_id] = day
    facts = []
    for case in cases.values():
        c = case.payload
        melding = _date(c.get("melding_date"))
        if melding is None or not c.get("client_id"):
            continue
        facts.append(
            CaseFacts(
                case_id=case.record_id,
                client_id=str(c["client_id"]),
                municipality_code=case.municipality_code,
                melding_date=melding,
                aanvraag_date=_date(c.get("aanvraag_date")),
                holds=_holds(c.get("holds")),
                decision_date=first_decision.get(case.record_id)
                or _date(c.get("decision_sent_date")),
                products=frozenset(case_products[case.record_id]),
                providers=frozenset(case_providers[case.record_id]),
            )
        )
    return Facts(cases=tuple(facts), periods=tuple(periods))


# -- quarters and filters --------------------------------------------------------------------


@dataclass(frozen=True, order=True)
class Quarter:
    """A calendar quarter; ``key`` ``2026-K4`` in URLs and downloads, ``label`` ``2026 K4``."""

    year: int
    number: int

    @classmethod
    def of(cls, day: date) -> Quarter:
        return cls(day.year, (day.month - 1) // 3 + 1)

    @classmethod
    def parse(cls, key: str) -> Quarter | None:
        """``2026-K4`` (or ``2026-Q4``); None when it is not a quarter from 2000 to 2099."""
        year, _, number = key.strip().upper().partition("-")
        if not (year.isdigit() and len(number) == 2 and number[0] in "KQ"):
            return None
        if not (2000 <= int(year) <= 2099 and number[1] in "1234"):
            return None
        return cls(int(year), int(number[1]))

    @cached_property  # asked for per care period; a frozen dataclass keeps it in __dict__
    def first(self) -> date:
        return date(self.year, 3 * self.number - 2, 1)

    @cached_property
    def last(self) -> date:
        return self.next().first - _DAY

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1

    @property
    def key(self) -> str:
        return f"{self.year}-K{self.number}"

    @property
    def label(self) -> str:
        return f"{self.year} K{self.number}"

    def next(self) -> Quarter:
        return Quarter(self.year + self.number // 4, self.number % 4 + 1)

    def previous(self) -> Quarter:
        return Quarter(self.year - (self.number == 1), (self.number - 2) % 4 + 1)

    def trail(self, count: int) -> list[Quarter]:
        """``count`` quarters ending with this one, oldest first."""
        quarters = [self]
        while len(quarters) < count:
            quarters.append(quarters[-1].previous())
        return quarters[::-1]


@dataclass(frozen=True)
class Filter:
    """The dashboard's selection; None means all."""

    municipality: str | None = None
    product: str | None = None
    provider: str | None = None

    def period(self, p: CarePeriod) -> bool:
        return (
            (self.municipality is None or p.municipality_code == self.municipality)
            and (self.product is None or p.product_code == self.product)
            and (self.provider is None or p.provider_id == self.provider)
        )

    def case(self, c: CaseFacts) -> bool:
        return (
            (self.municipality is None or c.municipality_code == self.municipality)
            and (self.product is None or self.product in c.products)
            and (self.provider is None or self.provider in c.providers)
        )


# -- the figures -----------------------------------------------------------------------------

IN_CARE, INSTROOM, DOORSTROOM, UITSTROOM = "in_care", "instroom", "doorstroom", "uitstroom"
FLOW_KINDS = (IN_CARE, INSTROOM, DOORSTROOM, UITSTROOM)


@dataclass(frozen=True)
class Flows:
    """Distinct clients in care and in each flow of one quarter (ids stay in this module)."""

    in_care: frozenset[str]
    instroom: frozenset[str]
    doorstroom: frozenset[str]
    uitstroom: frozenset[str]


def period_events(facts: Facts, quarter: Quarter) -> Iterator[tuple[CarePeriod, tuple[str, ...]]]:
    """Each care period overlapping ``quarter`` with the flows it counts for (definitions:
    module doc); a flow counts for a selection when this period matches it.

    Whether care continues is judged over all the client's periods in the region."""
    first, last = quarter.first, quarter.last
    for periods in facts.by_client.values():
        for p in periods:
            if not p.overlaps(first, last):
                continue
            kinds = [IN_CARE]
            if first <= p.start:
                before = [
                    q
                    for q in periods
                    if q is not p and q.start < p.start and q.covers(p.start - _DAY)
                ]
                if not before:
                    kinds.append(INSTROOM)
                elif any(
                    (q.product_code, q.provider_id) != (p.product_code, p.provider_id)
                    and q.end is not None
                    and (p.end is None or q.end < p.end)
                    for q in before
                ):
                    kinds.append(DOORSTROOM)
            if p.end is not None and p.end <= last:
                after = p.end + _DAY
                if not any(q is not p and q.covers(after) for q in periods):
                    kinds.append(UITSTROOM)
            yield p, tuple(kinds)


def _flows(events: Iterable[tuple[CarePeriod, tuple[str, ...]]]) -> Flows:
    found: dict[str, set[str]] = {kind: set() for kind in FLOW_KINDS}
    for p, kinds in events:
        for kind in kinds:
            found[kind].add(p.client_id)
    return Flows(*(frozenset(found[kind]) for kind in FLOW_KINDS))


def flows(facts: Facts, quarter: Quarter, selection: Filter = Filter()) -> Flows:
    """In care, instroom, doorstroom and uitstroom in ``quarter`` (definitions: module doc)."""
    return _flows((p, k) for p, k in period_events(facts, quarter) if selection.period(p))


def flows_by_provider(
    facts: Facts, quarter: Quarter, selection: Filter = Filter()
) -> dict[str, Flows]:
    """:func:`flows` per provider that has any client in the quarter (``selection`` as well),
    in one pass over the periods."""
    events: dict[str, list[tuple[CarePeriod, tuple[str, ...]]]] = defaultdict(list)
    for p, kinds in period_events(facts, quarter):
        if selection.period(p):
            events[p.provider_id].append((p, kinds))
    return {provider: _flows(events[provider]) for provider in sorted(events)}


def _deadline(case: CaseFacts, stage: Stage, aanvraag: date | None, kind: DeadlineKind) -> date:
    domain_case = Case(
        client_id=case.client_id,
        municipality_code=case.municipality_code,
        consultant_id="",
        melding_date=case.melding_date,
        reported_by=Reporter.CLIENT,
        channel=Channel.TELEFOON,
        request_text="",
        stage=stage,
        aanvraag_date=aanvraag,
        holds=case.holds,
    )
    today = case.decision_date or aanvraag or case.melding_date
    return next(d.due for d in case_deadlines(domain_case, today) if d.kind is kind)


def decision_due(case: CaseFacts) -> date:
    """The last day the first beschikking of ``case`` is on time: the desktop's beschikking
    term (wmo_desk/domain/deadlines.py); without an aanvraag date, counted from the end of the
    onderzoek term, as if the aanvraag came on its last day."""
    aanvraag = case.aanvraag_date
    if aanvraag is None:
        aanvraag = _deadline(case, Stage.ONDERZOEK, None, DeadlineKind.ONDERZOEK)
    return _deadline(case, Stage.AANVRAAG, aanvraag, DeadlineKind.BESLISSING)


@dataclass(frozen=True)
class LeadTimes:
    """Beschikkingen dated in a quarter: distinct clients, median days, share on time."""

    clients: int
    decisions: int
    median_days: float | None
    on_time_share: float | None


def decided_in(facts: Facts, quarter: Quarter) -> list[CaseFacts]:
    """The cases whose first final beschikking is dated in ``quarter``."""
    return [
        c
        for c in facts.cases
        if c.decision_date is not None
        and quarter.first <= c.decision_date <= quarter.last
        and c.decision_date >= c.melding_date
    ]


def lead_times(facts: Facts, quarter: Quarter, selection: Filter = Filter()) -> LeadTimes:
    chosen = [c for c in decided_in(facts, quarter) if selection.case(c)]
    if not chosen:
        return LeadTimes(0, 0, None, None)
    days = [(c.decision_date - c.melding_date).days for c in chosen if c.decision_date]
    on_time = sum(1 for c in chosen if c.decision_date and c.decision_date <= decision_due(c))
    return LeadTimes(
        clients=len({c.client_id for c in chosen}),
        decisions=len(chosen),
        median_days=float(statistics.median(days)),
        on_time_share=on_time / len(chosen),
    )


def quarter_cost_cents(period: CarePeriod, quarter: Quarter) -> int | None:
    """The period's estimated cost in ``quarter``: its cost per year times the overlap."""
    if period.yearly_cents is None:
        return None
    first = max(period.start, quarter.first)
    last = quarter.last if period.end is None else min(period.end, quarter.last)
    if last < first:
        return 0
    return round(period.yearly_cents * ((last - first).days + 1) / 365)


@dataclass
class CategoryCost:
    """Money of one product category in a quarter; ``unpriced`` periods had no tariff;
    ``demo``: some of the money was priced with a demo tariff."""

    category: str
    clients: set[str] = field(default_factory=set)
    cents: int = 0
    unpriced: int = 0
    demo: bool = False


def costs_by_category(
    facts: Facts, quarter: Quarter, selection: Filter = Filter()
) -> list[CategoryCost]:
    """Per product category (code order): clients in care and the estimated money."""
    result: dict[str, CategoryCost] = {}
    for p in facts.periods:
        if not selection.period(p) or not p.overlaps(quarter.first, quarter.last):
            continue
        row = result.setdefault(p.category, CategoryCost(p.category))
        row.clients.add(p.client_id)
        cents = quarter_cost_cents(p, quarter)
        if cents is None:
            row.unpriced += 1
        else:
            row.cents += cents
            row.demo = row.demo or p.demo
    return [result[k] for k in sorted(result)]


def suppressed(clients: int) -> bool:
    """Whether a cell about ``clients`` distinct clients is hidden for its own sake: 1 to 4."""
    return 0 < clients < MIN_CLIENTS


def shown(clients: int) -> bool:
    """Whether a cell about ``clients`` distinct clients may be shown (CBS-style threshold);
    a cell that passes may still be hidden to protect another (see suppression.py)."""
    return clients >= MIN_CLIENTS
