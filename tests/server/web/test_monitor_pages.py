"""The monitor as the regional office reads it: a region pushed through the API by two
municipalities on a server whose clock stands still, then the table cells, the CSV downloads,
the cells hidden so no "< 5" can be computed back, and what never appears on them."""

from __future__ import annotations

import csv
import io
import itertools

from tests.server.web import disclosure
from tests.server.web.conftest import NOW, tables_of, web_sign_in, web_sign_in_client
from tests.server.web.seed import (
    BERNHEZE_PROVIDER,
    BSNS,
    OSS_PROVIDER,
    SURNAMES,
    client_in_care,
    seed,
)
from wmo_desk.server.web import monitoring as m
from wmo_desk.server.web import sources

K4 = "2026-K4"
CSV_KEYS = ("clienten", "doorlooptijd", "kosten", "kosten-per-kwartaal", "aanbieders")


def _csv(text: str) -> dict[str, list[str]]:
    return {r[0]: r[1:] for r in csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";")}


def test_the_dashboard_shows_the_pushed_region_with_suppression(clocked_region):
    assert seed(clocked_region.api) == "2026-12-08"  # the decisions are dated by the clock
    browser = clocked_region.client
    assert web_sign_in_client(browser).status_code == 303
    pages = {}
    for name, query in {"regio": "", "oss": "&gemeente=0828", "bernheze": "&gemeente=1721"}.items():
        page = browser.get(f"/regio/monitor?kwartaal={K4}{query}")
        assert page.status_code == 200, page.text
        pages[name] = page.text
    # without a kwartaal the monitor opens on the quarter of the server's clock
    assert 'value="2026-K4" selected' in browser.get("/regio/monitor").text
    region, oss, bernheze = (tables_of(pages[n]) for n in ("regio", "oss", "bernheze"))
    assert "Monitor Wmo – Brabant Noordoost-oost" in pages["regio"]

    # nine clients start on 1 December: in zorg and instroom; Bernheze's three are under 5, so
    # Oss's six are hidden too (9 - 6 would give Bernheze away)
    # no doorstroom or uitstroom, and no one in care in K3: a cell about no one is shown as 0
    assert region["tabel-clienten"]["2026 K4"] == ["9", "9", "0", "0"]
    assert region["tabel-clienten"]["2026 K3"] == ["0"] * 4
    assert oss["tabel-clienten"]["2026 K4"] == ["afgeschermd", "afgeschermd", "0", "0"]
    assert bernheze["tabel-clienten"]["2026 K4"] == ["< 5", "< 5", "0", "0"]
    assert "„afgeschermd”: niet getoond, omdat anders een aantal onder de 5" in pages["oss"]

    # melding to beschikking (8 Dec), the region's nine: 16, 16, 26, 26, 26, 26, 36, 46, 56
    # days; on time: Oss's three with aanvraag 25 Nov (due 9 Dec) and Bernheze's three
    # without aanvraag (onderzoek due 24 Dec, then 2 weeks: 7 Jan 2027); late: aanvraag 2 Nov
    assert region["tabel-doorlooptijd"]["2026 K4"] == ["9", "26 dagen", "66,7%"]
    assert oss["tabel-doorlooptijd"]["2026 K4"] == ["afgeschermd"] * 3
    assert bernheze["tabel-doorlooptijd"]["2026 K4"] == ["< 5"] * 3
    assert region["tabel-doorlooptijd"]["2026 K3"] == ["0", "–", "–"]
    assert "binnen 2 weken na het einde van de onderzoekstermijn van 6 weken" in pages["regio"]

    # money in K4 (1-31 Dec, 31 days), demo tariffs of the BNO-O catalogue: Oss 6 x 07A07
    # (€ 1.324 a month) 6 x 134.939 cents, Bernheze 3 x 02A07 (€ 584) 3 x 59.520 cents
    cost = region["tabel-kosten"]
    assert cost["Productcategorie"] == ["Cliënten", "Geraamde kosten (demotarieven)"]
    assert cost["02 Begeleiding"] == ["< 5", "< 5"]
    assert cost["07 Dagbesteding"] == ["afgeschermd", "afgeschermd"]
    assert cost["Totaal"] == ["9", "€ 9.882"]
    assert region["tabel-kosten-per-kwartaal"]["2026 K4"] == ["9", "€ 9.882"]
    assert "geraamd met demotarieven uit de catalogus" in pages["regio"]
    assert "Geraamde kosten per kwartaal (demotarieven)" in pages["regio"]  # the chart
    providers = region["tabel-aanbieders"]
    assert providers[OSS_PROVIDER[1]] == ["afgeschermd", "afgeschermd", "0", "0"]
    assert providers[BERNHEZE_PROVIDER[1]] == ["< 5", "< 5", "0", "0"]

    # every table as CSV, with the same cells
    downloads = {}
    for key in CSV_KEYS:
        answer = browser.get(f"/regio/monitor/{key}.csv?kwartaal={K4}")
        assert answer.status_code == 200
        assert answer.headers["content-type"].startswith("text/csv")
        assert answer.headers["content-disposition"] == (
            f'attachment; filename="wmo-monitor-{key}-kwartaal-2026-K4.csv"'
        )
        downloads[key] = answer.text
    rows = _csv(downloads["clienten"])
    assert rows["Kwartaal"] == ["In zorg", "Instroom", "Doorstroom", "Uitstroom"]
    assert rows["2026 K4"] == ["9", "9", "0", "0"]
    money = _csv(downloads["kosten"])
    assert money["Productcategorie"] == ["Cliënten", "Geraamde kosten (demotarieven)"]
    assert money["Totaal"] == ["9", "9881,94"]
    assert money["07 Dagbesteding"] == ["afgeschermd", "afgeschermd"]
    bern_csv = browser.get(f"/regio/monitor/doorlooptijd.csv?kwartaal={K4}&gemeente=1721")
    assert "2026 K4;< 5;< 5;< 5" in bern_csv.text

    # never a client's BSN, name or address on a page or in a download
    everything = "\n".join([*pages.values(), *downloads.values(), bern_csv.text])
    for secret in [*BSNS, *SURNAMES, "Kruisstraat", "5341AB", "5341 AB", "Maria"]:
        assert secret not in everything, secret
    assert NOW.date().isoformat() not in everything


def test_the_figures_follow_a_push_made_after_the_page_was_shown(clocked_region):
    seed(clocked_region.api)
    browser = clocked_region.client
    web_sign_in_client(browser)

    def shown() -> tuple[list[str], list[str]]:
        region = tables_of(browser.get(f"/regio/monitor?kwartaal={K4}").text)
        bernheze = tables_of(browser.get(f"/regio/monitor?kwartaal={K4}&gemeente=1721").text)
        return region["tabel-clienten"]["2026 K4"], bernheze["tabel-clienten"]["2026 K4"]

    assert shown() == (["9", "9", "0", "0"], ["< 5", "< 5", "0", "0"])
    assert shown() == (["9", "9", "0", "0"], ["< 5", "< 5", "0", "0"])  # asked again: the same
    for n in (9, 10):  # Bernheze gets its fourth and fifth client
        client_in_care(
            clocked_region.api, "kees", "tl2", "1721", "02A07", BERNHEZE_PROVIDER[0],
            "2026-11-12", None, n,
        )  # fmt: skip
    assert shown() == (["11", "11", "0", "0"], ["5", "5", "0", "0"])


def test_no_hidden_cell_follows_from_the_pages_and_downloads(clocked_region):
    """Every selection of the seeded region, on the page and as CSV: no hidden cell can be
    computed from a shown total and the shown parts beside it."""
    seed(clocked_region.api)
    browser = clocked_region.client
    web_sign_in_client(browser)
    with clocked_region.app.state.db.session_scope() as session:
        region = sources.region_of(session, "0828")
        facts = m.decode(sources.region_records(session, region), region.products)
    quarter = m.Quarter(2026, 4)
    quarters = {q.label: q for q in quarter.trail(8)}
    provider_ids = {name: pid for pid, name in region.providers.items()}
    municipalities, products = ("0828", "1721"), ("07A07", "02A07")
    providers = (OSS_PROVIDER[0], BERNHEZE_PROVIDER[0])
    published = disclosure.Published()
    for mun, prod, prov in itertools.product((None, *municipalities), (None, *products),
                                             (None, *providers)):  # fmt: skip
        selection = m.Filter(mun, prod, prov)
        query = f"kwartaal={K4}" + "".join(
            f"&{n}={v}" for n, v in (("gemeente", mun), ("product", prod), ("aanbieder", prov))
            if v
        )  # fmt: skip
        page = tables_of(browser.get(f"/regio/monitor?{query}").text)
        shown = {key: page[f"tabel-{key}"] for key in CSV_KEYS}
        for table in shown.values():
            table.pop("Geen gegevens voor deze keuze.", None)
        for key in CSV_KEYS:
            download = _csv(browser.get(f"/regio/monitor/{key}.csv?{query}").text)
            # the download hides the same cells as the page
            assert {
                r: [c in disclosure.HIDDEN for c in cells] for r, cells in download.items()
            } == {r: [c in disclosure.HIDDEN for c in cells] for r, cells in shown[key].items()}
        for table in shown.values():
            table.pop(next(iter(table)))  # the header row
        published.add_page(shown, quarter, selection, provider_ids)
    disclosure.everything_consistent(published)
    value = disclosure.truth(facts, quarters)
    disclosure.shown_figures_are_true(published, value)
    assert published.cells[(m.IN_CARE, "2026 K4", "0828", None, None, None)] == {"afgeschermd"}
    leaks = disclosure.given_away(
        published, value, quarters, municipalities, products, providers, ("02", "07")
    )
    assert leaks == []


def test_a_municipality_outside_the_region_is_refused_at_the_field(region):
    browser, _answer = web_sign_in(region.base)
    page = browser.get("/regio/monitor?gemeente=0855&kwartaal=2026-K9")
    assert page.status_code == 422
    assert 'id="gemeente-fout">Kies een gemeente uit deze regio.' in page.text
    assert 'id="kwartaal-fout">Kies een kwartaal uit de lijst.' in page.text
    browser.close()
