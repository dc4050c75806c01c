"""The cost per year of a provision: tariff periods, time tariffs, an omvang in total, a pgb,
and what stays unpriced. The cases of the team lead's approval queue (tests/services/test_team.py)."""

from __future__ import annotations

from datetime import date

import pytest

from wmo_desk.domain.costs import yearly_cost_cents


def _cost(period="maand", tariff=10_000, *, in_catalogue=True, **provision):
    values = dict(
        is_pgb=False,
        pgb_cents=None,
        volume=1,
        unit="82",
        frequency="4",
        start=date(2027, 1, 1),
        end=date(2027, 12, 31),
    )
    values.update(provision)
    return yearly_cost_cents(
        in_catalogue=in_catalogue, tariff_cents=tariff, tariff_period=period, **values
    )


@pytest.mark.parametrize(
    ("period", "provision", "expected"),
    [
        ("maand", {}, 120_000),  # 1 stuks per maand at € 100 a month
        ("maand", {"volume": 2}, 240_000),
        ("week", {}, 520_000),
        ("jaar", {}, 10_000),
        ("uur", {"volume": 3, "unit": "04", "frequency": "2"}, 1_560_000),  # 3 uur per week
        ("uur", {"volume": 90, "unit": "01", "frequency": "2"}, 780_000),  # 90 minutes a week
        ("dagdeel", {"volume": 2, "unit": "16", "frequency": "2"}, 1_040_000),
        ("uur", {"volume": None, "unit": "04", "frequency": "2"}, None),
        ("etmaal", {"volume": 3, "unit": "04", "frequency": "2"}, None),  # hours on a day rate
        # 30 etmalen within two years: 15 a year
        ("etmaal", {"volume": 30, "unit": "14", "frequency": "6", "end": date(2028, 12, 30)},
         150_000),
        ("etmaal", {"volume": 30, "unit": "14", "frequency": "6", "end": None}, None),
        ("", {"volume": 1, "unit": "82", "frequency": "6"}, 10_000),  # one piece
        ("maand", {"is_pgb": True, "pgb_cents": 8_000}, 96_000),  # the pgb's own amount
        ("maand", {"is_pgb": True, "pgb_cents": None}, None),
    ],
)  # fmt: skip
def test_cost_per_year_from_the_tariff_and_the_omvang(period, provision, expected):
    assert _cost(period, **provision) == expected


def test_no_tariff_no_cost():
    assert _cost("maand", None) is None


@pytest.mark.parametrize("is_pgb", [False, True])
def test_a_product_not_in_the_catalogue_is_never_priced_not_even_a_pgb(is_pgb):
    # a pgb amount is per the product's tariff period: without the product it is not known
    assert _cost("", None, in_catalogue=False, is_pgb=is_pgb, pgb_cents=8_000) is None
