"""The dashboard's tables as formatted, suppressed cells: the same cells for the page and the CSV."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from wmo_desk.domain.codes import PRODUCT_CATEGORIES
from wmo_desk.server.web import monitoring as m

TREND_QUARTERS = 8


@dataclass(frozen=True)
class Cell:
    """One cell: ``text`` on the page, ``csv`` in the download, ``value`` for a chart (None when
    suppressed or not a number)."""

    text: str
    csv: str
    value: float | None = None


@dataclass(frozen=True)
class Table:
    """A table with its caption; the first cell of every row is the row's header."""

    key: str
    caption: str
    columns: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]
    note: str = ""


def _thousands(number: int) -> str:
    return f"{number:,}".replace(",", ".")


def label(text: str) -> Cell:
    return Cell(text, text)


def count(clients: int) -> Cell:
    if not m.shown(clients):
        return Cell(m.SUPPRESSED, m.SUPPRESSED)
    return Cell(_thousands(clients), str(clients), float(clients))


def money(cents: int, clients: int, *, hide: bool = False) -> Cell:
    if hide or not m.shown(clients):
        return Cell(m.SUPPRESSED, m.SUPPRESSED)
    euros = round(cents / 100)
    return Cell(f"€ {_thousands(euros)}", f"{cents / 100:.2f}".replace(".", ","), cents / 100)


def _decimal(value: float, digits: int) -> str:
    return f"{value:.{digits}f}".replace(".", ",")


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


def clients_table(facts: m.Facts, quarter: m.Quarter, selection: m.Filter) -> Table:
    rows = []
    for q in quarter.trail(TREND_QUARTERS):
        f = m.flows(facts, q, selection)
        rows.append(
            (
                label(q.label),
                count(len(f.in_care)),
                count(len(f.instroom)),
                count(len(f.doorstroom)),
                count(len(f.uitstroom)),
            )
        )
    return Table(
        key="clienten",
        caption="Cliënten per kwartaal",
        columns=("Kwartaal", "In zorg", "Instroom", "Doorstroom", "Uitstroom"),
        rows=tuple(rows),
    )


def lead_time_table(facts: m.Facts, quarter: m.Quarter, selection: m.Filter) -> Table:
    rows = []
    for q in quarter.trail(TREND_QUARTERS):
        t = m.lead_times(facts, q, selection)
        if m.shown(t.clients) and t.median_days is not None and t.on_time_share is not None:
            median = _decimal(t.median_days, 0 if t.median_days.is_integer() else 1)
            share = _decimal(100 * t.on_time_share, 1)
            cells = (
                Cell(_thousands(t.decisions), str(t.decisions), float(t.decisions)),
                Cell(f"{median} dagen", median, t.median_days),
                Cell(f"{share}%", share, 100 * t.on_time_share),
            )
        else:
            cells = tuple(Cell(m.SUPPRESSED, m.SUPPRESSED) for _ in range(3))
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
        note="Op tijd: binnen 2 weken na de aanvraag, of zonder aanvraagdatum binnen 8 weken "
        "na de melding; opschorting telt niet mee.",
    )


def cost_table(facts: m.Facts, quarter: m.Quarter, selection: m.Filter) -> Table:
    rows_in = m.costs_by_category(facts, quarter, selection)
    hidden = {r.category for r in rows_in if not m.shown(len(r.clients))}
    if len(hidden) == 1:
        # One suppressed amount could be computed back from the total: hide the next smallest too.
        rest = sorted((r for r in rows_in if r.category not in hidden), key=lambda r: r.cents)
        if rest:
            hidden.add(rest[0].category)
    rows = []
    for r in rows_in:
        name = PRODUCT_CATEGORIES.get(r.category, "Onbekende categorie")
        rows.append(
            (
                label(f"{r.category} {name}".strip()),
                count(len(r.clients))
                if r.category not in hidden
                else Cell(m.SUPPRESSED, m.SUPPRESSED),
                money(r.cents, len(r.clients), hide=r.category in hidden),
            )
        )
    all_clients = set().union(*(r.clients for r in rows_in))
    rows.append(
        (
            label("Totaal"),
            count(len(all_clients)),
            money(sum(r.cents for r in rows_in), len(all_clients)),
        )
    )
    unpriced = sum(r.unpriced for r in rows_in)
    note = "Geraamd met de tarieven uit de catalogus (een pgb met het eigen bedrag); dit zijn geen gedeclareerde bedragen."
    if unpriced:
        note += f" {unpriced} toewijzing(en) zonder bekend tarief tellen niet mee in het bedrag."
    return Table(
        key="kosten",
        caption=f"Geraamde kosten per productcategorie, {quarter.label}",
        columns=("Productcategorie", "Cliënten", "Geraamde kosten"),
        rows=tuple(rows),
        note=note,
    )


def cost_trend_table(facts: m.Facts, quarter: m.Quarter, selection: m.Filter) -> Table:
    rows = []
    for q in quarter.trail(TREND_QUARTERS):
        cents, clients = m.total_cost_cents(facts, q, selection)
        rows.append((label(q.label), count(clients), money(cents, clients)))
    return Table(
        key="kosten-per-kwartaal",
        caption="Geraamde kosten per kwartaal",
        columns=("Kwartaal", "Cliënten", "Geraamde kosten"),
        rows=tuple(rows),
    )


def provider_table(facts: m.Facts, quarter: m.Quarter, selection: m.Filter, names: Names) -> Table:
    rows = []
    for provider, f in m.flows_by_provider(facts, quarter, selection).items():
        rows.append(
            (
                label(names.provider(provider)),
                count(len(f.in_care)),
                count(len(f.instroom)),
                count(len(f.doorstroom)),
                count(len(f.uitstroom)),
            )
        )
    rows.sort(key=lambda row: row[0].text.lower())
    return Table(
        key="aanbieders",
        caption=f"Per aanbieder, {quarter.label}",
        columns=("Aanbieder", "In zorg", "Instroom", "Doorstroom", "Uitstroom"),
        rows=tuple(rows),
        note="Doorstroom telt bij de aanbieder (of het product) waar de cliënt naartoe gaat.",
    )


def all_tables(
    facts: m.Facts, quarter: m.Quarter, selection: m.Filter, names: Names
) -> dict[str, Table]:
    tables = (
        clients_table(facts, quarter, selection),
        lead_time_table(facts, quarter, selection),
        cost_table(facts, quarter, selection),
        cost_trend_table(facts, quarter, selection),
        provider_table(facts, quarter, selection, names),
    )
    return {t.key: t for t in tables}


def to_csv(table: Table) -> str:
    """The table as CSV for Dutch spreadsheets: ``;`` between fields, decimal comma."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(table.columns)
    for row in table.rows:
        # a name starting with = + - @ would run as a formula in a spreadsheet
        writer.writerow("'" + c.csv if c.csv[:1] in ("=", "+", "-", "@") else c.csv for c in row)
    return out.getvalue()
