"""The cost rule of a provision: what its omvang costs per year at a tariff (or a pgb amount).

One rule for the team lead's approval queue and the regional monitor; plain values in, so
both the desktop (domain Provision and catalogue Product) and the server (decoded records)
can call it. Money is integer eurocents.
"""

from __future__ import annotations

from datetime import date

#: WMO757 frequency: per dag, per week, per maand
_PER_YEAR_BY_FREQUENCY = {"1": 365, "2": 52, "4": 12}
#: a period tariff is paid this many times a year
_PER_YEAR_BY_PERIOD = {"week": 52, "maand": 12, "jaar": 1}
#: how many of a time tariff's unit one unit of omvang (WJ756) is
_TIME_UNITS = {
    "uur": {"04": 1.0, "01": 1 / 60, "16": 4.0},
    "dagdeel": {"16": 1.0, "04": 0.25, "01": 1 / 240},
    "etmaal": {"14": 1.0},
}
#: stuks (output), stuks (inspanning)
_COUNTED = ("82", "84")
#: WMO757 frequency "totaal binnen geldigheidsduur"
_IN_TOTAL = "6"


def yearly_cost_cents(
    *,
    in_catalogue: bool,
    tariff_cents: int | None,
    tariff_period: str,
    is_pgb: bool,
    pgb_cents: int | None,
    volume: int | None,
    unit: str,
    frequency: str,
    start: date,
    end: date | None,
) -> int | None:
    """What a provision costs over a full year; None when the tariff or omvang does not say.

    Args:
        in_catalogue: the product is in the catalogue. Without it there is no tariff period,
            so nothing is priced, not even a pgb (its own amount is per the product's period).
        tariff_cents: the catalogue tariff (None: no tariff known).
        tariff_period: the tariff's period: ``week``, ``maand``, ``jaar`` (a period tariff),
            ``uur``, ``dagdeel``, ``etmaal`` (a time tariff) or ``""`` (one amount per piece).
        is_pgb: delivered as pgb: ``pgb_cents`` takes the place of the tariff.
        pgb_cents: the pgb's own amount per tariff period.
        volume, unit, frequency: the omvang (WJ756 unit, WMO757 frequency).
        start, end: the validity; an omvang in total is spread over the years it runs.

    A period tariff is paid per period, times the pieces for an omvang in stuks; a time tariff
    times the omvang per year; an omvang in total over the validity is spread over the years it
    runs (a shorter provision counts whole). A tariff without period is one amount per piece.
    """
    if not in_catalogue:
        return None
    price = pgb_cents if is_pgb else tariff_cents
    if price is None:
        return None
    pieces = volume if volume and unit in _COUNTED else 1
    if tariff_period in _PER_YEAR_BY_PERIOD:
        return price * _PER_YEAR_BY_PERIOD[tariff_period] * pieces
    if tariff_period == "":
        return price * pieces
    factor = _TIME_UNITS.get(tariff_period, {}).get(unit)
    if factor is None or volume is None:
        return None
    if frequency in _PER_YEAR_BY_FREQUENCY:
        return round(price * volume * factor * _PER_YEAR_BY_FREQUENCY[frequency])
    if frequency == _IN_TOTAL and end is not None:
        total = price * volume * factor
        days = (end - start).days + 1
        return round(total if days <= 365 else total * 365 / days)
    return None
