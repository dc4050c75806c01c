"""The dashboard's tables as formatted, suppressed cells: the same cells for the page and the CSV."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass

from wmo_desk.domain.codes import PRODUCT_CATEGORIES
from wmo_desk.server.web import monitoring as m
from wmo_desk.server.web import suppression as s

TREND_QUARTERS = 8
#: a cell of 5 clients or more hidden so that no "< 5" can be computed back from it
PROTECTED = "afgeschermd"
PROTECTED_NOTE = (
    "„afgeschermd”: niet getoond, omdat anders een aantal onder de 5 uit het totaal en de "
    "andere cijfers terug te rekenen is."
)
DEMO = "demotarieven"
DEMO_NOTE = (
    "Let op: (een deel van) deze bedragen is geraamd met demotarieven uit de catalogus, "
    "niet met de tarieven uit de contracten."
)
COST_COLUMN = "Geraamde kosten"
#: a field starting with one of these would run as a formula in a spreadsheet
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Cell:
    """One cell: ``text`` on the page, ``csv`` in the download, ``value`` for a chart (None when
    hidden or not a number); ``hidden``: suppressed (``< 5``) or protecting (``afgeschermd``)."""

    text: str
    csv: str
    value: float | None = None
    hidden: bool = False


@dataclass(frozen=True)
class Table:
    """A table with its caption; the first cell of every row is the row's header. ``demo``:
    its money includes demo tariffs (the cost column says so)."""

    key: str
    caption: str
    columns: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]
    note: str = ""
    demo: bool = False


def _thousands(number: int) -> str:
    return f"{number:,}".replace(",", ".")


def label(text: str) -> Cell:
    return Cell(text, text)


SUPPRESSED_CELL = Cell(m.SUPPRESSED, m.SUPPRESSED, hidden=True)
PROTECTED_CELL = Cell(PROTECTED, PROTECTED, hidden=True)
#: a median or share of no beschikkingen at all
NONE_CELL = Cell("–", "")


def count(clients: int) -> Cell:
    if m.suppressed(clients):
        return SUPPRESSED_CELL
    return Cell(_thousands(clients), str(clients), float(clients))


def _hidden(cells: s.QuarterCells, measure: str, key: s.Key) -> Cell | None:
    if m.suppressed(cells.count(measure, key)):
        return SUPPRESSED_CELL
    if cells.is_protecting(measure, key):
        return PROTECTED_CELL
    return None


def _count(cells: s.QuarterCells, measure: str, key: s.Key) -> Cell:
    return _hidden(cells, measure, key) or count(cells.count(measure, key))


def _money(cells: s.QuarterCells, key: s.Key) -> Cell:
    hidden = _hidden(cells, m.IN_CARE, key)
    if hidden is not None:
        return hidden
    cents = cells.cents.get(key, 0)
    euros = round(cents / 100)
    return Cell(f"€ {_thousands(euros)}", f"{cents / 100:.2f}".replace(".", ","), cents / 100)


def _decimal(value: float, digits: int) -> str:
    return f"{value:.{digits}f}".replace(".", ",")


def _notes(rows: list[tuple[Cell, ...]], *notes: str) -> str:
    protecting = any(c is PROTECTED_CELL for row in rows for c in row)
    return " ".join(n for n in (*notes, PROTECTED_NOTE if protecting else "") if n)


def _cost_column(demo: bool) -> str:
    return f"{COST_COLUMN} ({DEMO})" if demo else COST_COLUMN


@dataclass(frozen=True)
class Names:
    """Display names from the catalogue (organisations and products, never people)."""

    municipalities: dict[str, str]
    products: dict[str, str]
    providers: dict[str, str]

    def provider(self, provider_id: str) -> str:
        if provider_id == "pgb":
            return "Persoonsgebonden budget (pgb)"
        return self.providers.get(provider_id) or provider_id or "Onbekende aanbieder"


def clients_table(
    data: s.Disclosure, quarter: m.Quarter, selection: m.Filter, names: Names | None = None
) -> Table:
    key = s.key_of(selection)
    rows = []
    for q in quarter.trail(TREND_QUARTERS):
        cells = data.of(q)
        rows.append((label(q.label), *(_count(cells, kind, key) for kind in m.FLOW_KINDS)))
    return Table(
        key="clienten",
        caption="Cliënten per kwartaal",
        columns=("Kwartaal", "In zorg", "Instroom", "Doorstroom", "Uitstroom"),
        rows=tuple(rows),
        note=_notes(rows),
    )


def lead_time_table(
    data: s.Disclosure, quarter: m.Quarter, selection: m.Filter, names: Names | None = None
) -> Table:
    key = s.key_of(selection)
    rows = []
    for q in quarter.trail(TREND_QUARTERS):
        hidden = _hidden(data.of(q), s.DECIDED, key)
        t = data.lead_times(q, selection) if hidden is None else None
        if t is not None and t.decisions == 0:
            cells = (Cell("0", "0", 0.0), NONE_CELL, NONE_CELL)
        elif t is not None and t.median_days is not None and t.on_time_share is not None:
            median = _decimal(t.median_days, 0 if t.median_days.is_integer() else 1)
            share = _decimal(100 * t.on_time_share, 1)
            cells = (
                Cell(_thousands(t.decisions), str(t.decisions), float(t.decisions)),
                Cell(f"{median} dagen", median, t.median_days),
                Cell(f"{share}%", share, 100 * t.on_time_share),
            )
        else:
            cells = (hidden or SUPPRESSED_CELL,) * 3
        rows.append((label(q.label), *cells))
    return Table(
        key="doorlooptijd",
        caption="Van melding tot beschikking per kwartaal",
        columns=(
            "Kwartaal",
            "Beschikkingen",
            "Mediaan melding tot beschikking",
            "Binnen de wettelijke termijn",
        ),
        rows=tuple(rows),
        note=_notes(
            rows,
            "Binnen de wettelijke termijn: beschikt binnen 2 weken na de aanvraag (Wmo 2015 "
            "art. 2.3.5), of zonder aanvraagdatum binnen 2 weken na het einde van de "
            "onderzoekstermijn van 6 weken (samen ongeveer 8 weken na de melding). Een "
            "opschorting verlengt de termijn; een termijn die in een weekend of op een "
            "feestdag eindigt, loopt door tot de volgende werkdag (Algemene termijnenwet).",
        ),
    )


def cost_table(
    data: s.Disclosure, quarter: m.Quarter, selection: m.Filter, names: Names | None = None
) -> Table:
    cells = data.of(quarter)
    rows = []
    for category in cells.categories(selection):
        key = s.key_of(selection, category)
        name = PRODUCT_CATEGORIES.get(category, "Onbekende categorie")
        rows.append(
            (
                label(f"{category} {name}".strip()),
                _count(cells, m.IN_CARE, key),
                _money(cells, key),
            )
        )
    total = s.key_of(selection)
    rows.append((label("Totaal"), _count(cells, m.IN_CARE, total), _money(cells, total)))
    unpriced = cells.unpriced.get(total, 0)
    demo = total in cells.demo
    note = (
        "Geraamd met de tarieven uit de catalogus (een pgb met het eigen bedrag); "
        "dit zijn geen gedeclareerde bedragen."
    )
    if unpriced:
        note += f" {unpriced} toewijzing(en) zonder bekend tarief tellen niet mee in het bedrag."
    return Table(
        key="kosten",
        caption=f"Geraamde kosten per productcategorie, {quarter.label}",
        columns=("Productcategorie", "Cliënten", _cost_column(demo)),
        rows=tuple(rows),
        note=_notes(rows, DEMO_NOTE if demo else "", note),
        demo=demo,
    )


def cost_trend_table(
    data: s.Disclosure, quarter: m.Quarter, selection: m.Filter, names: Names | None = None
) -> Table:
    key = s.key_of(selection)
    rows, demo = [], False
    for q in quarter.trail(TREND_QUARTERS):
        cells = data.of(q)
        demo = demo or key in cells.demo
        rows.append((label(q.label), _count(cells, m.IN_CARE, key), _money(cells, key)))
    return Table(
        key="kosten-per-kwartaal",
        caption="Geraamde kosten per kwartaal",
        columns=("Kwartaal", "Cliënten", _cost_column(demo)),
        rows=tuple(rows),
        note=_notes(rows, DEMO_NOTE if demo else ""),
        demo=demo,
    )


def provider_table(
    data: s.Disclosure, quarter: m.Quarter, selection: m.Filter, names: Names | None = None
) -> Table:
    names = names or Names({}, {}, {})
    cells = data.of(quarter)
    rows = []
    for provider in cells.providers(selection):
        key = (selection.municipality, selection.product, provider, None)
        rows.append(
            (
                label(names.provider(provider)),
                *(_count(cells, kind, key) for kind in m.FLOW_KINDS),
            )
        )
    rows.sort(key=lambda row: row[0].text.lower())
    return Table(
        key="aanbieders",
        caption=f"Per aanbieder, {quarter.label}",
        columns=("Aanbieder", "In zorg", "Instroom", "Doorstroom", "Uitstroom"),
        rows=tuple(rows),
        note=_notes(
            rows,
            "Doorstroom telt bij de aanbieder (of het product) waar de cliënt naartoe gaat.",
        ),
    )


Builder = Callable[[s.Disclosure, m.Quarter, m.Filter, Names], Table]
#: the tables by key, in the order of the page
BUILDERS: dict[str, Builder] = {
    "clienten": clients_table,
    "doorlooptijd": lead_time_table,
    "kosten": cost_table,
    "kosten-per-kwartaal": cost_trend_table,
    "aanbieders": provider_table,
}


def all_tables(
    data: s.Disclosure, quarter: m.Quarter, selection: m.Filter, names: Names
) -> dict[str, Table]:
    return {key: build(data, quarter, selection, names) for key, build in BUILDERS.items()}


def _field(text: str) -> str:
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def to_csv(table: Table) -> str:
    """The table as CSV for Dutch spreadsheets: ``;`` between fields, decimal comma."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(_field(c) for c in table.columns)
    for row in table.rows:
        writer.writerow(_field(c.csv) for c in row)
    return out.getvalue()
