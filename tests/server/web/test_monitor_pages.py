"""The monitor as the regional office reads it: a region pushed through the API by two
municipalities, then the table cells, the CSV downloads and what never appears on them."""

from __future__ import annotations

import csv
import io
from datetime import date

from tests.server.web.conftest import tables_of, web_sign_in
from tests.server.web.seed import BERNHEZE_PROVIDER, BSNS, OSS_PROVIDER, SURNAMES, seed
from wmo_desk.server.web.monitoring import Quarter


def _money(cents: int) -> str:
    return f"€ {round(cents / 100):,}".replace(",", ".")


def test_the_dashboard_shows_the_pushed_region_with_suppression(region):
    decided = date.fromisoformat(seed(region.api))
    quarter = Quarter.of(decided)
    browser, _answer = web_sign_in(region.base)
    pages = {}
    for name, query in {
        "regio": "",
        "oss": "&gemeente=0828",
        "bernheze": "&gemeente=1721",
    }.items():
        page = browser.get(f"/regio/monitor?kwartaal={quarter.key}{query}")
        assert page.status_code == 200, page.text
        pages[name] = page.text
    region_tables = tables_of(pages["regio"])
    assert "Monitor Wmo – Brabant Noordoost-oost" in pages["regio"]
    # the provisions start 1 December: in zorg and instroom only if that is in this quarter
    started = quarter.first <= date(2026, 12, 1) <= quarter.last
    expected = ["9", "9", "< 5", "< 5"] if started else ["< 5"] * 4
    assert region_tables["tabel-clienten"][quarter.label] == expected
    oss = tables_of(pages["oss"])
    assert oss["tabel-clienten"][quarter.label][:2] == (["6", "6"] if started else ["< 5"] * 2)
    bernheze = tables_of(pages["bernheze"])
    assert bernheze["tabel-clienten"][quarter.label] == ["< 5"] * 4

    # melding to beschikking: all nine decided today; Oss alone: six, Bernheze suppressed
    days_oss = sorted((decided - date.fromisoformat(m)).days for m in
                      ["2026-11-22", "2026-11-22", "2026-11-12", "2026-11-02", "2026-10-23",
                       "2026-10-13"])  # fmt: skip
    median = (days_oss[2] + days_oss[3]) / 2
    lead = oss["tabel-doorlooptijd"][quarter.label]
    assert lead[0] == "6"
    assert lead[1] == (
        f"{median:.0f} dagen" if median.is_integer() else f"{median:.1f} dagen".replace(".", ",")
    )
    # aanvraag 25 Nov: due 9 Dec; aanvraag 2 Nov: due 16 Nov
    on_time = sum(decided <= date(2026, 12, 9) for _ in range(3)) + sum(
        decided <= date(2026, 11, 16) for _ in range(3)
    )
    assert lead[2] == f"{100 * on_time / 6:.1f}%".replace(".", ",")
    assert bernheze["tabel-doorlooptijd"][quarter.label] == ["< 5"] * 3

    # money: Oss 07A07 (1324 euro a month), Bernheze 02A07 (584) hidden under 5 clients,
    # and then Oss's too, as it would follow from the total
    if started:
        days = (quarter.last - date(2026, 12, 1)).days + 1
        oss_cents = 6 * round(132400 * 12 * days / 365)
        bernheze_cents = 3 * round(58400 * 12 * days / 365)
        cost = region_tables["tabel-kosten"]
        assert cost["07 Dagbesteding"] == ["< 5", "< 5"]
        assert cost["02 Begeleiding"] == ["< 5", "< 5"]
        assert cost["Totaal"] == ["9", _money(oss_cents + bernheze_cents)]
        assert oss["tabel-kosten"]["07 Dagbesteding"] == ["6", _money(oss_cents)]
        providers = region_tables["tabel-aanbieders"]
        assert providers[OSS_PROVIDER[1]] == ["6", "6", "< 5", "< 5"]
        assert providers[BERNHEZE_PROVIDER[1]] == ["< 5"] * 4

    # every table as CSV, with the same cells
    downloads = {}
    for key in ("clienten", "doorlooptijd", "kosten", "kosten-per-kwartaal", "aanbieders"):
        answer = browser.get(f"/regio/monitor/{key}.csv?kwartaal={quarter.key}")
        assert answer.status_code == 200
        assert answer.headers["content-type"].startswith("text/csv")
        assert "attachment" in answer.headers["content-disposition"]
        downloads[key] = answer.text
    rows = {
        r[0]: r[1:]
        for r in csv.reader(io.StringIO(downloads["clienten"].lstrip("\ufeff")), delimiter=";")
    }
    assert rows["Kwartaal"] == ["In zorg", "Instroom", "Doorstroom", "Uitstroom"]
    assert rows[quarter.label] == expected
    bern_csv = browser.get(f"/regio/monitor/doorlooptijd.csv?kwartaal={quarter.key}&gemeente=1721")
    assert f"{quarter.label};< 5;< 5;< 5" in bern_csv.text

    # never a client's BSN, name or address on a page or in a download
    everything = "\n".join([*pages.values(), *downloads.values(), bern_csv.text])
    for secret in [*BSNS, *SURNAMES, "Kruisstraat", "5341AB", "5341 AB", "Maria"]:
        assert secret not in everything, secret
    browser.close()


def test_a_municipality_outside_the_region_is_refused_at_the_field(region):
    browser, _answer = web_sign_in(region.base)
    page = browser.get("/regio/monitor?gemeente=0855&kwartaal=2026-K9")
    assert page.status_code == 422
    assert 'id="gemeente-fout">Kies een gemeente uit deze regio.' in page.text
    assert 'id="kwartaal-fout">Kies een kwartaal uit de lijst.' in page.text
    browser.close()
