"""The dashboard's figures against hand-computed cases, without HTTP: quarter edges, a change of
provider, a case closed without support, the legal term and the suppression under 5."""

from __future__ import annotations

import uuid
from datetime import date

from wmo_desk.server.web import monitoring as m
from wmo_desk.server.web import tables
from wmo_desk.server.web.suppression import Disclosure

K3, K4 = m.Quarter(2026, 3), m.Quarter(2026, 4)
PRODUCTS = {
    "07A07": m.ProductInfo("Dagbesteding", "07", 132400, "maand"),
    "02A07": m.ProductInfo("Individuele ondersteuning", "02", 58400, "maand"),
}


class Region:
    """Records as the desktops would sync them, built per client."""

    def __init__(self) -> None:
        self.records: list[m.RawRecord] = []

    def _add(self, record_type, municipality, **payload):
        record_id = str(uuid.uuid4())
        self.records.append(m.RawRecord(record_type, record_id, municipality, payload))
        return record_id

    def case(self, municipality="0828", melding="2026-09-01", aanvraag=None, holds=(), **extra):
        return self._add(
            "case", municipality, client_id=str(uuid.uuid4()), melding_date=melding,
            aanvraag_date=aanvraag, holds=list(holds), decision_sent_date=None, **extra,
        )  # fmt: skip

    def decision(self, case_id, on="2026-10-01", status="definitief", outcome="toegekend"):
        municipality = next(r.municipality_code for r in self.records if r.record_id == case_id)
        return self._add(
            "decision", municipality, case_id=case_id, status=status, outcome=outcome,
            decision_date=on,
        )  # fmt: skip

    def provision(self, decision_id, product="07A07", start="2026-10-01", end=None, **extra):
        values = dict(
            decision_id=decision_id, product_code=product, start=start, end=end,
            delivery_form="natura", volume=1, unit="82", frequency="4", provider_id="a",
            pgb_cents=None,
        )  # fmt: skip
        return self._add("provision", "0828", **{**values, **extra})

    def allocation(self, provision_id, provider, start, end=None, number=1, version=1, reason=""):
        return self._add(
            "allocation", "0828", provision_id=provision_id, number=number, version=version,
            provider_id=provider, product_category="07", product_code="07A07", start=start,
            end=end, volume=1, unit="82", frequency="4", change_reason=reason,
        )  # fmt: skip

    def client_in_care(self, start="2026-10-01", end=None, municipality="0828", product="07A07"):
        case_id = self.case(municipality)
        provision = self.provision(self.decision(case_id), product, start, end)
        return case_id, provision

    def facts(self) -> m.Facts:
        return m.decode(self.records, PRODUCTS)


def counts(facts, quarter, selection=None):
    f = m.flows(facts, quarter, selection or m.Filter())
    return len(f.in_care), len(f.instroom), len(f.doorstroom), len(f.uitstroom)


def test_quarter_edges_count_in_the_quarter_that_holds_the_day():
    region = Region()
    region.client_in_care(start="2026-10-01")  # first day of K4: instroom in K4
    region.client_in_care(start="2026-07-01", end="2026-09-30")  # last day of K3: uitstroom K3
    region.client_in_care(start="2026-09-30", end="2026-10-01")  # one day in each
    facts = region.facts()
    assert counts(facts, K3) == (2, 2, 0, 1)
    assert counts(facts, K4) == (2, 1, 0, 1)
    assert m.Quarter.parse("2026-K4") == K4 and K4.first == date(2026, 10, 1)
    assert K4.last == date(2026, 12, 31) and K4.next() == m.Quarter(2027, 1)
    assert [q.key for q in K4.trail(3)] == ["2026-K2", "2026-K3", "2026-K4"]


def test_a_change_of_provider_is_doorstroom_not_out_and_in():
    region = Region()
    case_id = region.case()
    provision = region.provision(region.decision(case_id), start="2026-07-01")
    region.allocation(provision, "a", "2026-07-01", "2026-11-15", number=1)
    region.allocation(provision, "b", "2026-11-16", None, number=2, reason="09")
    facts = region.facts()
    assert counts(facts, K3) == (1, 1, 0, 0)
    assert counts(facts, K4) == (1, 0, 1, 0)
    # per provider: the client moved to b (doorstroom there), a's period ended without uitstroom
    assert counts(facts, K4, m.Filter(provider="b")) == (1, 0, 1, 0)
    assert counts(facts, K4, m.Filter(provider="a")) == (1, 0, 0, 0)


def test_a_newer_version_of_a_toewijzing_replaces_the_older_and_a_deleted_one_counts_not():
    region = Region()
    _case, provision = region.client_in_care(start="2026-10-01")
    region.allocation(provision, "a", "2026-10-01", "2026-12-31", number=7, version=1)
    region.allocation(provision, "a", "2026-10-01", "2026-11-30", number=7, version=2)
    _case2, other = region.client_in_care(start="2026-10-01")
    region.allocation(other, "a", "2026-10-01", None, number=8, reason="13")
    facts = region.facts()
    assert [(p.end, p.provider_id) for p in facts.periods] == [(date(2026, 11, 30), "a")]


def test_a_prolongation_is_no_flow_and_an_extra_product_alongside_no_doorstroom():
    region = Region()
    decision = region.decision(region.case())
    region.provision(decision, "07A07", "2026-07-01", "2026-10-31")
    region.provision(decision, "07A07", "2026-11-01", None)  # herindicatie: the same product
    alongside = region.decision(region.case())
    region.provision(alongside, "07A07", "2026-07-01", None)
    region.provision(alongside, "02A07", "2026-11-01", None)  # added, the first runs on
    switched = region.decision(region.case())
    region.provision(switched, "07A07", "2026-07-01", "2026-10-31")
    region.provision(switched, "02A07", "2026-11-01", None)  # instead of: a change of product
    facts = region.facts()
    assert counts(facts, K4) == (3, 0, 1, 0)
    assert counts(facts, K4, m.Filter(product="02A07")) == (2, 0, 1, 0)


def test_a_case_closed_without_support_counts_nowhere():
    region = Region()
    region.case(stage="afgesloten", close_reason="geen_ondersteuning", closed_date="2026-10-10")
    refused = region.case()
    region.decision(refused, on="2026-10-20", outcome="afgewezen")
    concept = region.case()
    region.provision(region.decision(concept, status="ingediend"), start="2026-10-01")
    facts = region.facts()
    assert counts(facts, K4) == (0, 0, 0, 0)
    assert m.costs_by_category(facts, K4) == []
    # the refusal is a beschikking: it counts for the lead time
    assert m.lead_times(facts, K4).decisions == 1


def test_lead_time_median_and_the_legal_term_with_a_hold():
    region = Region()
    # aanvraag Fri 2 Oct: 2 weeks -> Fri 16 Oct; decided 16 Oct: on time, 45 days from melding
    on_time = region.case(melding="2026-09-01", aanvraag="2026-10-02")
    region.decision(on_time, on="2026-10-16")
    # decided a day late
    late = region.case(melding="2026-09-01", aanvraag="2026-10-02")
    region.decision(late, on="2026-10-19")
    # a hold of 5 days during the term moves it to Wed 21 Oct
    held = region.case(
        melding="2026-09-01",
        aanvraag="2026-10-02",
        holds=[{"start": "2026-10-05", "end": "2026-10-10", "reason": "x"}],
    )
    region.decision(held, on="2026-10-21")
    # no aanvraag date: 8 weeks from the melding (Mon 7 Sep -> Mon 2 Nov)
    no_aanvraag = region.case(melding="2026-09-07")
    region.decision(no_aanvraag, on="2026-11-02")
    result = m.lead_times(region.facts(), K4)
    assert result.decisions == 4
    assert result.median_days == (48 + 50) / 2  # 45, 48, 50, 56
    assert result.on_time_share == 3 / 4


def test_cells_under_five_clients_are_suppressed_and_so_is_their_money():
    region = Region()
    for _ in range(5):
        region.client_in_care(municipality="0828", product="07A07")
    for _ in range(4):
        region.client_in_care(municipality="1721", product="02A07")
    data = Disclosure(region.facts())
    bernheze = tables.clients_table(data, K4, m.Filter(municipality="1721"))
    # four in care and four instroom: suppressed; no doorstroom or uitstroom: 0, about no one
    assert [c.text for c in bernheze.rows[-1]][1:] == [m.SUPPRESSED] * 2 + ["0"] * 2
    # Oss's 5 would give Bernheze's 4 away from the region's 9: hidden too, and said why
    oss = tables.clients_table(data, K4, m.Filter(municipality="0828"))
    assert [c.text for c in oss.rows[-1]] == ["2026 K4", "afgeschermd", "afgeschermd", "0", "0"]
    assert tables.PROTECTED_NOTE in oss.note
    region_rows = tables.clients_table(data, K4, m.Filter())
    assert [c.text for c in region_rows.rows[-1]][1:] == ["9", "9", "0", "0"]
    cost = tables.cost_table(data, K4, m.Filter())
    rows = {row[0].text: [c.text for c in row[1:]] for row in cost.rows}
    # 02 has 4 clients; 07 is hidden as well, else it would follow from the total
    assert rows["02 Begeleiding"] == [m.SUPPRESSED, m.SUPPRESSED]
    assert rows["07 Dagbesteding"] == ["afgeschermd", "afgeschermd"]
    per_quarter = 5 * round(132400 * 12 * 92 / 365) + 4 * round(58400 * 12 * 92 / 365)
    assert rows["Totaal"] == ["9", f"€ {round(per_quarter / 100):,}".replace(",", ".")]
    csv = tables.to_csv(cost)
    assert csv.splitlines()[0] == "Productcategorie;Cliënten;Geraamde kosten"  # no demo tariff
    assert f"Totaal;9;{per_quarter / 100:.2f}".replace(".", ",") in csv
    assert "07 Dagbesteding;afgeschermd;afgeschermd" in csv
    assert "demotarieven" not in cost.note


def test_money_from_a_demo_tariff_says_so_in_the_table_the_csv_and_the_chart():
    region = Region()
    for _ in range(5):
        region.client_in_care(product="07A07")
    demo = {**PRODUCTS, "07A07": m.ProductInfo("Dagbesteding", "07", 132400, "maand", True)}
    data = Disclosure(m.decode(region.records, demo))
    cost = tables.cost_table(data, K4, m.Filter())
    assert cost.demo and cost.columns[-1] == "Geraamde kosten (demotarieven)"
    assert "demotarieven uit de catalogus" in cost.note
    assert tables.to_csv(cost).splitlines()[0].endswith(";Geraamde kosten (demotarieven)")
    trend = tables.cost_trend_table(data, K4, m.Filter())
    assert trend.demo and trend.columns[-1] == "Geraamde kosten (demotarieven)"
    # a pgb is priced at its own amount: no demo tariff used
    pgb = Region()
    for _ in range(5):
        case = pgb.case()
        pgb.provision(pgb.decision(case), delivery_form="pgb", pgb_cents=90000)
    facts = m.decode(pgb.records, demo)
    assert [p.yearly_cents for p in facts.periods] == [90000 * 12] * 5
    assert not tables.cost_table(Disclosure(facts), K4, m.Filter()).demo


def test_a_pgb_of_a_product_not_in_the_catalogue_is_unpriced_like_on_the_desktop():
    region = Region()
    case = region.case()
    region.provision(region.decision(case), product="99X99", delivery_form="pgb", pgb_cents=9000)
    (period,) = region.facts().periods
    assert period.yearly_cents is None
    rows = tables.cost_table(Disclosure(region.facts()), K4, m.Filter()).note
    assert "1 toewijzing(en) zonder bekend tarief" in rows


def test_a_csv_cell_never_starts_a_formula():
    names = ["=HYPERLINK(1)", "+1", "-1", "@SUM(1)", "\t=1", "\r=1", "Zorg = goed"]
    table = tables.Table("t", "T", ("=Aanbieder",), tuple((tables.label(n),) for n in names))
    lines = tables.to_csv(table).split("\r\n")
    assert lines[0] == "'=Aanbieder"
    assert lines[1:5] == ["'=HYPERLINK(1)", "'+1", "'-1", "'@SUM(1)"]
    assert lines[5] == "'\t=1"
    assert lines[6] == '"\'\r=1"'  # quoted by the csv module, the guard still in front
    assert lines[7] == "Zorg = goed"


def test_the_filter_is_encoded_in_links_and_the_file_name_keeps_to_safe_characters():
    from wmo_desk.server.web.pages import _filename, _query

    odd = m.Filter(municipality="0828", product='07"><b>&x=1', provider="a b/c;d")
    assert _query(K4, odd) == (
        "kwartaal=2026-K4&gemeente=0828&product=07%22%3E%3Cb%3E%26x%3D1&aanbieder=a+b%2Fc%3Bd"
    )
    name = _filename("kosten", K4, odd)
    assert (
        name == "wmo-monitor-kosten-kwartaal-2026-K4_gemeente-0828_product-07bx1_aanbieder-abcd.csv"
    )
